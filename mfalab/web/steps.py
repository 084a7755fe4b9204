"""The login's steps as pages: register, enroll (QR code, then a code), password, code.

Each view reads the form, calls one service method, and shows the answer. The cookie
changes value at every step (`Handle.rotate`): a fresh random handle after registering
and enrolling, the challenge token after the password (NIST SP 800-63B-4 §3.2.2 is the
service's; OWASP Session Management: "renew the session ID after any privilege level
change"), the session token after the code. Forms are POSTs, so nothing typed ever lands
in an address bar, a history or an access log.
"""

from __future__ import annotations

from flask import redirect, request, url_for
from flask.wrappers import Response
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from .. import recovery
from ..errors import AuthError, ChallengeExpired, EnrollmentRequired, InvalidChallenge
from ..models import Enrollment
from .pages import (
    auth,
    blueprint,
    current_session,
    field,
    handle,
    next_args,
    next_path,
    refused,
    show,
)

__all__ = ["code", "confirm", "enroll", "index", "login", "register"]


@blueprint.get("/")
def index() -> BaseResponse:
    """The account page when signed in, else the login page."""
    return redirect(url_for("web.account" if current_session() else "web.login"))


@blueprint.route("/register", methods=["GET", "POST"])
def register() -> BaseResponse:
    """A new account: `username` and `new_password`; the password policy is the service's."""
    if request.method == "GET":
        return show("register.html")
    try:
        auth().register(field("username"), field("new_password"))
    except AuthError as error:
        return refused("register.html", error, username=field("username"))
    handle().rotate()
    return redirect(url_for("web.enroll", notice="registered"))


def _qr_page(enrollment: Enrollment, error: AuthError | None = None) -> Response:
    """The QR code (inline SVG, drawn on this server) and the secret in groups of four."""
    # Our own SVG, drawn by qrcode from the URI: no visitor input goes into it unescaped.
    svg = Markup(enrollment.qr_svg())  # noqa: S704  # nosec
    context = {"enrollment": enrollment, "qr": svg, "account": current_session()}
    if error is not None:
        return refused("qr.html", error, **context)
    return show("qr.html", **context)


@blueprint.route("/enroll", methods=["GET", "POST"])
def enroll() -> BaseResponse:
    """Begin enrollment: `username` (or the signed-in account) and `password`, plus a current
    `code` or recovery code when the account already has a factor (ASVS 5.0 7.5.1)."""
    account = current_session()
    if request.method == "GET":
        return show("enroll.html", account=account)
    name = account.username if account is not None else field("username")
    try:
        enrollment = auth().begin_enrollment(name, field("password"), field("code") or None)
    except AuthError as error:
        return refused("enroll.html", error, account=account, username=name)
    if account is None:
        handle().rotate()
    return _qr_page(enrollment)


@blueprint.post("/enroll/confirm")
def confirm() -> BaseResponse:
    """Confirm with a `code` from the app: the recovery codes, shown once, on this page only.

    The form carries the enrollment's handle (and, before login, the username); the
    service checks that they belong together.
    """
    account = current_session()
    name = account.username if account is not None else field("username")
    try:
        enrollment = auth().enrollment(name, field("enrollment"))
    except AuthError as error:  # expired, replaced, or never begun
        return refused("enroll.html", error, account=account, username=name)
    try:
        codes = auth().confirm_enrollment(enrollment, field("code"))
    except EnrollmentRequired as error:
        return refused("enroll.html", error, account=account, username=name)
    except AuthError as error:
        return _qr_page(enrollment, error)
    if account is None:
        handle().rotate()
    return show("recovery_codes.html", codes=codes, account=account, enrolled=True)


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> BaseResponse:
    """The password step: `username` and `password` give a challenge, kept in the cookie."""
    if request.method == "GET":
        if current_session() is not None:
            return redirect(next_path())
        return show("login.html", next=next_path())
    try:
        challenge = auth().login(field("username"), field("password"))
    except AuthError as error:
        return refused("login.html", error, username=field("username"), next=next_path(),
                       enroll=isinstance(error, EnrollmentRequired))
    previous = current_session()
    if previous is not None:  # a new login from a signed-in browser ends the old session
        auth().logout(previous)
    handle().rotate(challenge.token)
    return redirect(url_for("web.code", **next_args()))


@blueprint.route("/login/code", methods=["GET", "POST"])
def code() -> BaseResponse:
    """The second step: a `code` from the app, or a recovery code (told apart by shape)."""
    try:
        challenge = auth().challenge(handle().handle)
    except AuthError as error:
        if request.method == "GET" and handle().new:
            return redirect(url_for("web.login"))  # a first visit: nothing to explain
        return refused("login.html", error, next=next_path())
    if request.method == "GET":
        return show("code.html", challenge=challenge, next=next_path(),
                    passkey=auth().has_passkey(challenge))
    typed = field("code")
    try:
        if recovery.looks_like(typed):
            session = auth().recover(challenge, typed)
        else:
            session = auth().verify(challenge, typed)
    except (ChallengeExpired, InvalidChallenge) as error:
        return refused("login.html", error, next=next_path())
    except AuthError as error:
        return refused("code.html", error, challenge=challenge, next=next_path(),
                       passkey=auth().has_passkey(challenge))
    handle().rotate(session.token)
    if session.method == "recovery code":
        return redirect(url_for("web.account", notice="recovery-code"))
    return redirect(next_path())
