# Exercise 1: decode the base32 secret with the standard library only.
import base64

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
answer_1 = base64.b32decode(SECRET)  # b"12345678901234567890": 20 bytes, 160 bits
