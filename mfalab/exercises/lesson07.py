"""Graders for lesson 07 · Put it on the web.

A new password signs Carol out everywhere else. The visitors are read by their attributes
(`cookie`, a page's `status` and `error`), so grading needs no web framework.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import SessionExpired
from ..events import Event
from ..service import AuthService
from ._core import Grade, grader


@grader("07.1", "answer_1", "change Carol's password from carol_laptop, then set answer_1 to "
        "the page carol_phone gets at /account")
def _signed_out_everywhere(answer: object, namespace: Mapping[str, object]) -> Grade:
    auth, laptop = namespace.get("auth"), namespace.get("carol_laptop")
    if not isinstance(auth, AuthService) or not hasattr(laptop, "cookie"):
        return False, "Run the cell that signs Carol in on her phone and her laptop first."
    if not any(e.event == Event.PASSWORD_CHANGED for e in auth.audit_log("carol")):
        return False, ("Not yet: Carol's password has not changed. From carol_laptop, open "
                       "/account and post its form: /account/password, with password and "
                       "new_password.")
    try:
        auth.session(getattr(laptop, "cookie", None) or "")
    except SessionExpired:
        return False, ("Almost: carol_laptop is signed out too. Change the password from "
                       "carol_laptop's account page: the browser that changes it gets a "
                       "fresh session.")
    status, error = getattr(answer, "status", None), getattr(answer, "error", None)
    if status is None:
        return False, ("Almost: answer_1 is the page carol_phone gets: "
                       "carol_phone.get('/account').")
    if status != 401 or not isinstance(error, str) or "signed out" not in error:
        return False, ("Not quite: that page is not the phone being turned away. Open "
                       "/account with carol_phone after the change, and set answer_1 to it.")
    return True, ("Right: the new password ended every other session on the server, so the "
                  "phone's cookie opens nothing, and the laptop got a fresh session (a new "
                  "cookie value). A thief holding an old cookie is out too.")
