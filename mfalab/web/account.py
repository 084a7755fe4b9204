"""The signed-in pages: the account, new recovery codes, passkeys, a new password, signing out.

Every view starts from the cookie's session token and asks the service whether it is
still alive (`AuthService.session`: unknown, revoked, idle for 30 minutes or 12 hours old
all end it — OWASP ASVS 5.0 V7.3). Signing out and changing the password revoke sessions
on the server (V7.4), so a copied cookie stops working at once; the cookie itself then
gets a new value.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import redirect, request, url_for
from flask.wrappers import Response
from werkzeug.wrappers import Response as BaseResponse

from ..errors import AuthError, SessionExpired
from ..models import Session
from .pages import auth, blueprint, current_session, field, handle, refused, show, signed_in

__all__ = ["account", "change_password", "logout", "new_recovery_codes", "remove_passkey"]


def _when(at: float | None) -> str:
    return "never" if at is None else \
        datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _account_page(session: Session, error: AuthError | None = None) -> Response:
    state = auth().status(session.username)
    born = datetime.fromtimestamp(session.created_at, timezone.utc)
    passkeys = [{"id": p.credential_id, "short": p.credential_id[:8], "added": _when(
        p.created_at), "used": _when(p.last_used_at), "synced": p.synced}
        for p in auth().passkeys(session)]
    context = {"account": session, "state": state, "passkeys": passkeys,
               "since": born.strftime("%Y-%m-%d %H:%M UTC"),
               "idle_minutes": round(auth().session_idle_seconds / 60),
               "lifetime_hours": round(auth().session_lifetime_seconds / 3600)}
    if error is not None:
        return refused("account.html", error, **context)
    return show("account.html", **context)


def _login_instead(error: SessionExpired) -> Response:
    """The login page, saying why the session is over (401: sign in to see this page)."""
    response = refused("login.html", error, next=request.path)
    response.status_code = 401
    return response


@blueprint.get("/account")
def account() -> BaseResponse:
    """Who is signed in, how, since when, and how many recovery codes are left."""
    try:
        session = signed_in()
    except SessionExpired as error:
        if handle().new:  # a first visit: no session to explain
            return redirect(url_for("web.login", next=request.path))
        return _login_instead(error)
    return _account_page(session)


@blueprint.post("/account/recovery-codes")
def new_recovery_codes() -> BaseResponse:
    """A new set of recovery codes (the old set is void); needs a login under 5 minutes old."""
    try:
        session = signed_in()
    except SessionExpired as error:
        return _login_instead(error)
    try:
        codes = auth().regenerate_recovery_codes(session)
    except AuthError as error:  # not fresh enough: the session itself is still fine
        return _account_page(session, error)
    return show("recovery_codes.html", codes=codes, account=session, enrolled=False)


@blueprint.post("/account/passkeys/remove")
def remove_passkey() -> BaseResponse:
    """Remove the passkey named by `credential_id` (needs a login from the last 5 minutes);
    the account's only second factor stays (the service says so)."""
    try:
        session = signed_in()
    except SessionExpired as error:
        return _login_instead(error)
    try:
        auth().remove_passkey(session, field("credential_id"))
    except AuthError as error:
        return _account_page(session, error)
    return redirect(url_for("web.account", notice="passkey-removed"))


@blueprint.post("/account/password")
def change_password() -> BaseResponse:
    """`password` (the current one) and `new_password`: every session is revoked, and this
    browser gets a new one."""
    try:
        session = signed_in()
    except SessionExpired as error:
        return _login_instead(error)
    try:
        renewed = auth().change_password(session, field("password"), field("new_password"))
    except AuthError as error:
        return _account_page(session, error)
    handle().rotate(renewed.token)
    return redirect(url_for("web.account", notice="password-changed"))


@blueprint.post("/logout")
def logout() -> BaseResponse:
    """Sign out: the session is revoked on the server, and the cookie gets a new value."""
    session = current_session()
    if session is not None:
        auth().logout(session)
    handle().rotate()
    return redirect(url_for("web.login", notice="signed-out"))
