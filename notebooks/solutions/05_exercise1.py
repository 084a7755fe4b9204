# Exercise 1: which inputs does otp.normalize_code accept?
# Only ASCII spaces (U+0020) are removed, wherever they are; then exactly six ASCII digits
# must remain. Fullwidth and Arabic-Indic digits, a newline, a sign, five or seven digits: refused.
from mfalab import errors, otp

candidates = ["123456", "123 456", " 123456", "１２３４５６", "١٢٣٤٥٦", "123456\n", "12345", "+12345", "1234567"]
answer_1 = set()
for text in candidates:
    try:
        otp.normalize_code(text)
    except errors.InvalidCode:
        continue
    answer_1.add(text)
print(answer_1)
