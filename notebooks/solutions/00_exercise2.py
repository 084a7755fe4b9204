# Exercise 2: bob's whole flow, on his own server and frozen clock.
from mfalab import AuthService, FrozenClock, UserStore, VirtualAuthenticator

bob_clock = FrozenClock("2024-01-01T09:00:00Z")
bob_auth = AuthService(UserStore(":memory:"), clock=bob_clock)
bob_password = "copper lantern meadow 41"

bob_auth.register("bob", bob_password)
bob_enrollment = bob_auth.begin_enrollment("bob", bob_password)
bob_phone = VirtualAuthenticator(clock=bob_clock)
bob_phone.scan(bob_enrollment.uri)
bob_codes = bob_auth.confirm_enrollment(bob_enrollment, bob_phone.code())  # the handle
bob_clock.advance(30)  # the confirming code's time step counts as used

challenge = bob_auth.login("bob", bob_password)
answer_2 = bob_auth.verify(challenge, bob_phone.code())
print(answer_2)
