"""mfalab: a small, real password + TOTP authentication package, for teaching.

Each module cites the standard it implements; README.md's "Project" section draws the
layers (front ends → service → one-concern modules → store).
"""

from importlib.metadata import PackageNotFoundError, version

from . import errors, events, otp, passwords, qr, recovery
from .clock import FrozenClock, LabClock, SystemClock
from .models import AccountStatus, AuditEvent, Challenge, Enrollment, Passkey, Session
from .phone import VirtualAuthenticator
from .service import AuthService
from .store import UserStore
from .virtual_passkey import VirtualPasskey

__all__ = [
    "AccountStatus",
    "AuditEvent",
    "AuthService",
    "Challenge",
    "Enrollment",
    "FrozenClock",
    "LabClock",
    "Passkey",
    "Session",
    "SystemClock",
    "UserStore",
    "VirtualAuthenticator",
    "VirtualPasskey",
    "errors",
    "events",
    "otp",
    "passwords",
    "qr",
    "recovery",
]

try:
    __version__ = version("mfalab")
except PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"
