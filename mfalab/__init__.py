"""mfalab: a small, real password + TOTP authentication package, for teaching.

See DESIGN.md for the contract; each module cites the standard it implements.
"""

from . import errors, otp, passwords, qr, recovery
from .clock import FrozenClock, LabClock, SystemClock
from .phone import VirtualAuthenticator
from .service import AuditEvent, AuthService, Challenge, Enrollment, Session
from .store import UserStore

__all__ = [
    "AuditEvent",
    "AuthService",
    "Challenge",
    "Enrollment",
    "FrozenClock",
    "LabClock",
    "Session",
    "SystemClock",
    "UserStore",
    "VirtualAuthenticator",
    "errors",
    "otp",
    "passwords",
    "qr",
    "recovery",
]

__version__ = "0.1.0"
