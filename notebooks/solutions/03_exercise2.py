# Exercise 2: from a unix time to a time step and a code, RFC 6238 §4.
from mfalab import FrozenClock, otp

KEY = b"12345678901234567890"
when = FrozenClock("2024-02-29T12:00:00Z").now()
T = int(when // 30)  # whole 30-second steps since 1970; a counter is an int
answer_2 = (T, otp.hotp(KEY, T))
print(answer_2)
