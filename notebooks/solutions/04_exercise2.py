# Exercise 2: with window=0, a person who needs 8 s to type fails when they read
# the code in the last 8 s of its step: 8 of every 30 seconds, a fraction of about 0.27.
from mfalab import otp

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
START = 1_700_000_000

step_start = START - START % 30
fails = 0
for s in range(30):  # the second of the step at which the code is read
    code = otp.totp(SECRET, step_start + s)
    if otp.verify(SECRET, code, step_start + s + 8, window=0) is None:
        fails += 1
answer_2 = fails / 30  # a fraction between 0 and 1, not a percent
print(f"{fails} of 30 reading seconds fail: {answer_2:.2f}")
