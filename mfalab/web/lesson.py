"""Lesson 07's helpers and its exercise's grader, out of the learner's sight.

`type_secret` is what an authenticator app does with "enter a setup key": the secret
shown under the QR code becomes the same otpauth URI the QR code holds.
`check_exercise1(globals())` grades exercise 1 from the notebook's names; a check run
before the answer says "not answered yet" rather than raising.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import otp
from ..errors import InvalidInput, SessionExpired
from ..events import Event
from ..phone import VirtualAuthenticator
from ..service import AuthService
from .client import Page, Visitor

__all__ = ["check_exercise1", "grade_exercise1", "type_secret"]


def type_secret(phone: VirtualAuthenticator, page: Page, account: str,
                issuer: str = "MFA Lab") -> str:
    """Add the account whose secret the QR page shows (in groups of four) to `phone`."""
    if page.secret is None:
        raise InvalidInput("This page shows no secret: open the QR page first.")
    return phone.scan(otp.provisioning_uri(page.secret.replace(" ", ""), account, issuer))


def grade_exercise1(answer: object, namespace: Mapping[str, object]) -> tuple[bool, str]:
    """Exercise 1: Carol changes her password on her laptop; her phone's session ends."""
    auth, laptop, phone = (namespace.get(k) for k in ("auth", "carol_laptop", "carol_phone"))
    if not isinstance(auth, AuthService) or not isinstance(laptop, Visitor) or \
            not isinstance(phone, Visitor):
        return False, "Run the cell that signs Carol in on her phone and her laptop first."
    changed = [e for e in auth.audit_log("carol") if e.event == Event.PASSWORD_CHANGED]
    if not changed:
        return False, ("Not yet: Carol's password has not changed. Post the account page's "
                       "form from carol_laptop: /account/password, with password and "
                       "new_password.")
    try:
        auth.session(laptop.cookie or "")
    except SessionExpired:
        return False, ("Almost: carol_laptop is signed out too. Change the password from "
                       "carol_laptop's account page: the browser that changes it gets a "
                       "fresh session.")
    if not isinstance(answer, Page):
        return False, "Almost: answer_1 is the Page carol_phone gets: carol_phone.get('/account')."
    if answer.status != 401 or not answer.error or "signed out" not in answer.error:
        return False, ("Not quite: that page is not the phone being turned away. Open "
                       "/account with carol_phone after the change, and set answer_1 to it.")
    return True, ("Right: the new password ended every other session on the server, so the "
                  "phone's cookie opens nothing, and the laptop got a fresh session (a new "
                  "cookie value). A thief holding an old cookie is out too.")


def check_exercise1(namespace: Mapping[str, object]) -> str:
    """The sentence for exercise 1, from the notebook's `globals()`."""
    answer = namespace.get("answer_1", ...)
    if answer is ...:
        return ("Not answered yet: change Carol's password from carol_laptop, open /account "
                "with carol_phone, set answer_1 to that page, run that cell, then this check.")
    right, message = grade_exercise1(answer, namespace)
    return ("✅ " if right else "") + message
