"""Interoperability: enroll and log in with implementations nobody here wrote.

What a phone app does, done by independent code: zxing-cpp decodes the QR code (the PNG, and
the SVG rasterised by librsvg's `rsvg-convert`, which shares nothing with qrcode), urllib
reads the otpauth URI (Google's Key URI Format), and the OATH Toolkit's `oathtool` computes
the codes (RFC 4226 §5.3, RFC 6238 §4). Neither mfalab's otp module nor pyotp computes a code
or parses a URI here. `make unit` installs the Debian packages `oathtool` and `librsvg2-bin`.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import zxingcpp
from PIL import Image

from mfalab import FrozenClock, UserStore, errors

from .conftest import OTP_SETTINGS, PASSWORD, make_auth

#: (typed username, issuer, the account name the label must show). Usernames refuse spaces
#: (and are stored NFKC + case-folded), so the spaces are in the issuer.
IDENTITIES = [
    pytest.param("Zoë_O'Brien@lab", "Zoë's Lab @ Café", "zoë_o'brien@lab", id="apostrophe-at"),
    pytest.param("O'Brien+Zoe\u0308&co=1@lab", "Ünï Lab & Co. + 100% #1 / Köln?",
                 "o'brien+zoë&co=1@lab", id="url-characters"),
]
TOOLS = {"oathtool": "oathtool", "rsvg-convert": "librsvg2-bin"}  # command: Debian package


def tool(command: str) -> str:
    path = shutil.which(command)
    assert path is not None, (
        f"{command} is missing: `make unit` installs it (Debian package {TOOLS[command]})."
    )
    return path


@dataclass(frozen=True)
class KeyUri:
    """An otpauth://totp URI as an authenticator app reads it (Key URI Format)."""

    label_issuer: str
    account: str
    issuer: str
    secret: str
    algorithm: str
    digits: int
    period: int


def read_key_uri(uri: str) -> KeyUri:
    """Parse `uri` with urllib alone; absent parameters take the format's defaults."""
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc, parts.fragment) == ("otpauth", "totp", "")
    label = unquote(parts.path.removeprefix("/"), errors="strict")
    label_issuer, colon, account = label.partition(":")
    assert colon == ":", f"the label has no issuer prefix: {label!r}"
    query = parse_qs(parts.query, strict_parsing=True, errors="strict")
    assert all(len(values) == 1 for values in query.values()), "a parameter is repeated"
    fields = {name: values[0] for name, values in query.items()}
    assert set(fields) <= {"secret", "issuer", "algorithm", "digits", "period"}
    return KeyUri(label_issuer, account, fields["issuer"], fields["secret"],
                  fields.get("algorithm", "SHA1"), int(fields.get("digits", "6")),
                  int(fields.get("period", "30")))


def decode(image: Image.Image) -> str:
    """The text of the one QR code in `image`, read by zxing-cpp."""
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, f"expected one QR code, found {len(found)}"
    text: str = found[0].text
    return text


def as_png(image: Image.Image) -> Image.Image:
    """`image` written as a PNG file and read back, as a page or a lesson shows it."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return Image.open(io.BytesIO(buffer.getvalue()))


def rasterise(svg: str) -> Image.Image:
    """The SVG drawn by librsvg (`rsvg-convert`), as a PIL image."""
    png = subprocess.run([tool("rsvg-convert"), "--format=png", "--zoom=2"],
                         input=svg.encode("utf-8"), capture_output=True, check=True,
                         timeout=60).stdout
    return Image.open(io.BytesIO(png))


def oathtool(secret: str, algorithm: str, digits: int, period: int, at: float) -> str:
    """The TOTP code at unix time `at`, computed by the OATH Toolkit (key on stdin)."""
    when = datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    out = subprocess.run(
        [tool("oathtool"), f"--totp={algorithm}", "--base32", f"--digits={digits}",
         f"--time-step-size={period}s", f"--now={when}", "-"],
        input=secret, capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()
    assert re.fullmatch(f"[0-9]{{{digits}}}", out, re.ASCII), out
    return out


@pytest.mark.parametrize(("username", "issuer", "account"), IDENTITIES)
@pytest.mark.parametrize(("digits", "digest", "period"), OTP_SETTINGS)
def test_a_scanned_qr_code_and_oathtool_enroll_and_log_in(
    clock: FrozenClock, username: str, issuer: str, account: str,
    digits: int, digest: str, period: int,
):
    """Decoded from the PNG and the rasterised SVG, the URI names the account and issuer
    exactly and carries the settings; oathtool's codes confirm and log in, once each."""
    with UserStore(":memory:") as store:
        auth = make_auth(store, clock, issuer=issuer, digits=digits, digest=digest,
                         period=period)
        auth.register(username, PASSWORD)
        enrollment = auth.begin_enrollment(username, PASSWORD)

        from_png = decode(as_png(enrollment.qr_image()))
        from_svg = decode(rasterise(enrollment.qr_svg()))
        assert from_png == from_svg == enrollment.uri
        key = read_key_uri(from_svg)
        assert (key.label_issuer, key.account, key.issuer) == (issuer, account, issuer)
        assert (key.algorithm, key.digits, key.period) == (digest.upper(), digits, period)

        confirming = oathtool(key.secret, key.algorithm, key.digits, key.period, clock.now())
        assert len(auth.confirm_enrollment(enrollment, confirming)) == 10
        clock.advance(period)
        code = oathtool(key.secret, key.algorithm, key.digits, key.period, clock.now())
        session = auth.verify(auth.login(username, PASSWORD), code)
        assert (session.username, session.method) == (account, "totp")
        with pytest.raises(errors.CodeReused):
            auth.verify(auth.login(username, PASSWORD), code)


@pytest.mark.parametrize(("digits", "digest", "period"), OTP_SETTINGS)
def test_the_secret_typed_by_hand_works_in_oathtool(
    clock: FrozenClock, digits: int, digest: str, period: int
):
    """A person without a camera types the grouped secret and the settings shown beside
    the QR code into another app: its codes confirm the enrollment and log in."""
    with UserStore(":memory:") as store:
        auth = make_auth(store, clock, digits=digits, digest=digest, period=period)
        auth.register("alice", PASSWORD)
        enrollment = auth.begin_enrollment("alice", PASSWORD)
        typed = (enrollment.grouped_secret, enrollment.digest.upper(), enrollment.digits,
                 enrollment.period)
        auth.confirm_enrollment(enrollment, oathtool(*typed, clock.now()))
        clock.advance(period)
        code = oathtool(*typed, clock.now())
        assert auth.verify(auth.login("alice", PASSWORD), code).method == "totp"
        with pytest.raises(errors.CodeReused):
            auth.verify(auth.login("alice", PASSWORD), code)
