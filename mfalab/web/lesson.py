"""Lesson 07's helper: `type_secret`, what an authenticator app does with "enter a setup
key" — the secret shown under the QR code becomes the same otpauth URI the QR code holds.
(The lesson's grader is `mfalab.exercises.lesson07`.)
"""

from __future__ import annotations

from .. import otp
from ..errors import InvalidInput
from ..phone import VirtualAuthenticator
from .client import Page

__all__ = ["type_secret"]


def type_secret(phone: VirtualAuthenticator, page: Page, account: str,
                issuer: str = "MFA Lab") -> str:
    """Add the account whose secret the QR page shows (in groups of four) to `phone`."""
    if page.secret is None:
        raise InvalidInput("This page shows no secret: open the QR page first.")
    return phone.scan(otp.provisioning_uri(page.secret.replace(" ", ""), account, issuer))
