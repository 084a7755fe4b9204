# Exercise 1: the smallest window that accepts a phone 100 s slow at START.
# START is 20 s into step T; START - 100 is 80 s before the start of T,
# which is inside step T-3 (from 90 s to 60 s before T). So the window must be ±3.
from mfalab import otp

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
START = 1_700_000_000

phone_code = otp.totp(SECRET, START - 100)  # what the slow phone shows
answer_1 = next(
    w for w in range(otp.MAX_WINDOW + 1)
    if otp.verify(SECRET, phone_code, START, window=w) is not None
)
print("smallest window:", answer_1)
