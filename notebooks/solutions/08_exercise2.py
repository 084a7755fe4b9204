# Exercise 2: a spare passkey, the lost one removed, a sign-in with the spare.
# ruff: noqa: F821  (carol_auth, carol_phone, … are the notebook's names)
from mfalab import VirtualPasskey

# 1. A fresh session (under 5 minutes old), from a code as usual.
carol_clock.advance(30)
session = carol_auth.verify(carol_auth.login("carol", CAROL_PASSWORD), carol_phone.code())

# 2. Register the spare while the laptop still works.
spare = VirtualPasskey(seed=b"carol's spare key")
options = carol_auth.begin_passkey_registration(session)
carol_auth.finish_passkey_registration(session, spare.create(options))

# 3. The laptop is lost: remove its passkey (the first one in the list).
lost = carol_auth.passkeys(session)[0].credential_id
carol_auth.remove_passkey(session, lost)
print(carol_auth.passkeys(session))

# 4. Sign in with the spare.
challenge = carol_auth.login("carol", CAROL_PASSWORD)
answer_2 = carol_auth.verify_passkey(challenge, spare.get(carol_auth.begin_passkey_login(challenge)))
print(answer_2)
