# Exercise 1: dynamic truncation, RFC 4226 §5.3.
def truncate(mac: bytes, digits: int = 6) -> str:
    offset = mac[-1] & 0x0F  # the low 4 bits of the LAST byte (not mac[19]: SHA-256 is longer)
    integer = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF  # 31 bits
    return str(integer % 10**digits).zfill(digits)  # keep leading zeros: "000152"
