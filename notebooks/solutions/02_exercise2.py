# Exercise 2: the code an app that honours the URI's settings shows, and one that ignores them.
from mfalab import otp

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
at = 1_700_000_000
honouring = otp.totp(SECRET, at, digits=8, period=60, digest="sha256")
ignoring = otp.totp(SECRET, at)  # SHA1, 6 digits, 30 s: the defaults
answer_2 = (honouring, ignoring)
