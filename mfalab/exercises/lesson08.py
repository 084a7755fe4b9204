"""Graders for lesson 08 · Phishing and passkeys.

The origin a passkey signed, read off its answer; a spare passkey, the lost one removed.
`make_exhibit` makes exercise 08.1's evidence, on a page whose origin is the answer (so
it is not in the notebook's source).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import AuthError
from ..models import Session
from ..phishing import read_assertion
from ..virtual_passkey import VirtualPasskey
from ._core import Grade, grader

__all__ = ["make_exhibit"]

_EXHIBIT_ORIGIN = "http://localhost:8443"  # a look-alike, out of the learner's sight


def make_exhibit(key: VirtualPasskey, options: dict[str, Any]) -> dict[str, Any]:
    """Exercise 08.1's evidence: the answer `key` gave on a look-alike page (which one is
    for the learner to find out)."""
    return key.get(options, origin=_EXHIBIT_ORIGIN)


@grader("08.1", "answer_1", "set answer_1 to the origin in exhibit's clientDataJSON")
def _origin_of_the_exhibit(answer: object, namespace: Mapping[str, object]) -> Grade:
    exhibit = namespace.get("exhibit")
    try:
        origin = str(read_assertion(exhibit).client_data["origin"])  # type: ignore[arg-type]
    except (AuthError, KeyError, TypeError):
        return False, "Run the cell that makes `exhibit` first, then this check again."
    if isinstance(answer, bytes):
        answer = answer.decode("utf-8", "replace")
    if not isinstance(answer, str):
        return False, ("Not quite: answer_1 is the origin as text, like "
                       "'https://example.org' — decode exhibit's clientDataJSON.")
    typed = answer.strip().strip("'\"")
    if typed == origin:
        return True, (f"Right: the browser was on {origin} when the passkey signed. That is "
                      "not this site's origin, so the service refused the answer: the page "
                      "was a look-alike, and the origin in the signed bytes gives it away.")
    if typed.rstrip("/") == origin:
        return False, "Almost: an origin has no trailing slash — scheme, host and port only."
    if typed in ("http://localhost:5000", "localhost"):
        return False, ("Not quite: that is the real site. Decode exhibit's own "
                       "clientDataJSON (read_assertion(exhibit).client_data).")
    if typed.startswith("eyJ"):
        return False, "Almost: that is still base64url. Decode it, then read the origin field."
    return False, ("Not quite: read the 'origin' field of "
                   "read_assertion(exhibit).client_data.")


def _events(auth: object, name: str) -> list[str]:
    audit_log: Callable[[str], list[Any]] | None = getattr(auth, "audit_log", None)
    return [str(e.event) for e in audit_log(name)] if callable(audit_log) else []


@grader("08.2", "answer_2",
        "give carol a spare passkey, remove the lost one, sign in, set answer_2")
def _spare_passkey(answer: object, namespace: Mapping[str, object]) -> Grade:
    auth = namespace.get("carol_auth")
    if not isinstance(answer, Session) or answer.username != "carol":
        return False, ("Not quite: answer_2 should be the Session carol gets from "
                       "carol_auth.verify_passkey(...) with her spare key.")
    if answer.method != "passkey":
        return False, ("Not quite: that session came from a code. Sign carol in with her "
                       "spare passkey: begin_passkey_login, spare.get, verify_passkey.")
    log = _events(auth, "carol")
    if not log:
        return False, "Not quite: that session is not from carol_auth: use it for every step."
    if log.count("passkey_added") < 2:
        return False, ("Almost: carol still has one passkey. Add the spare first "
                       "(begin_passkey_registration, spare.create, finish_...).")
    if "passkey_removed" not in log:
        return False, ("Almost: the lost laptop's passkey still works for whoever finds it: "
                       "remove it with carol_auth.remove_passkey(session, its credential_id).")
    removed_at = len(log) - 1 - log[::-1].index("passkey_removed")
    if "passkey_accepted" not in log[removed_at:]:
        return False, "Almost: sign in with the spare once more, after removing the lost one."
    store = getattr(auth, "store", None)
    left = len(store.passkeys("carol")) if store is not None else 0
    if left != 1:
        return False, f"Almost: carol should end with exactly one passkey, the spare ({left} now)."
    return True, ("Right: a spare passkey, registered while the first still worked, is the "
                  "way back in — and removing the lost one (notified to carol) shuts out "
                  "whoever has it. Account recovery is the part passkeys do not solve alone.")
