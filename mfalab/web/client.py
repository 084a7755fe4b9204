"""A tiny visitor for the web app: a real HTTP client (httpx) that keeps the cookie by hand.

Lesson 07, the tests and the benchmarks drive the app with it. It behaves like a browser
in the few ways that matter here: it keeps the `__Host-mfalab` cookie the server sets,
sends it back, follows redirects, and submits a form with the CSRF token of the page it
shows. Python's cookie jar never sends a `Secure` cookie over plain http, while browsers
do on localhost (a secure context); so the cookie is kept here, in plain sight:
`visitor.cookie` is what a thief would steal, and setting it is how a lesson plants one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from .handles import COOKIE

__all__ = ["Page", "Visitor"]

_REDIRECTS = {301, 302, 303, 307, 308}
_TEXT_IDS = {"error", "secret", "who", "codes-left"}


class _Reader(HTMLParser):
    """Collects what lessons and tests read from a page: form inputs and a few texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inputs: dict[str, str] = {}
        self.forms: list[tuple[str, dict[str, str]]] = []  # (action, its hidden inputs)
        self.texts: dict[str, str] = {}
        self.codes: list[str] = []
        self._open: list[tuple[str, str]] = []  # (tag, what its text is collected as)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append((found.get("action", ""), {}))
        if tag == "input" and found.get("name"):
            self.inputs.setdefault(found["name"], found.get("value", ""))
            if self.forms and found.get("type") == "hidden":
                self.forms[-1][1].setdefault(found["name"], found.get("value", ""))
            return
        key = ""
        if tag == "h1":
            key = "title"
        elif found.get("id") in _TEXT_IDS:
            key = found["id"]
        elif tag == "p" and found.get("class") in ("notice", "error"):
            key = found["class"]
        elif tag == "code" and any(k == "codes" for _, k in self._open):
            key = "code"
        elif tag == "ol" and found.get("class") == "codes":
            key = "codes"
        if key:
            self.texts.setdefault(key, "")
        self._open.append((tag, key))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, key = self._open.pop()
            if key == "code":
                self.codes.append(self.texts.pop("code", "").strip())
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, key in self._open:
            if key and key != "codes":
                self.texts[key] = self.texts.get(key, "") + data


def _squeeze(text: str | None) -> str | None:
    return " ".join(text.split()) if text is not None else None


@dataclass
class Page:
    """One page as the visitor got it, after any redirects (`history`); `path` is the page's
    path inside the app, as in `visitor.get("/login")`."""

    status: int
    path: str
    headers: httpx.Headers
    html: str
    history: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._read = _Reader()
        self._read.feed(self.html)

    @property
    def title(self) -> str | None:
        """The page's heading (its `h1`)."""
        return _squeeze(self._read.texts.get("title"))

    @property
    def message(self) -> str | None:
        """The refusal on the page, else its notice, else None."""
        return self.error or _squeeze(self._read.texts.get("notice"))

    @property
    def error(self) -> str | None:
        """The refusal on the page (the service's sentence), or None."""
        return _squeeze(self._read.texts.get("error"))

    @property
    def csrf_token(self) -> str | None:
        """The CSRF token of the page's forms, or None."""
        return self._read.inputs.get("csrf_token")

    def hidden_fields(self, action: str) -> dict[str, str]:
        """The hidden inputs (CSRF token, handles) of the first form posting to `action`."""
        for target, fields in self._read.forms:
            if target == action:
                return dict(fields)
        return {}

    def field(self, name: str) -> str | None:
        """The value of the page's input named `name` (a hidden one, say), or None."""
        return self._read.inputs.get(name)

    @property
    def secret(self) -> str | None:
        """On the QR page, the secret in groups of four (its text alternative)."""
        return _squeeze(self._read.texts.get("secret"))

    @property
    def recovery_codes(self) -> list[str]:
        """On the recovery-codes page, the codes; elsewhere []."""
        return list(self._read.codes)

    def text(self, element_id: str) -> str | None:
        """The text of the element with this id (`who`, `codes-left`), or None."""
        return _squeeze(self._read.texts.get(element_id))

    def __repr__(self) -> str:
        return f"<Page {self.status} {self.path}: {self.title!r}>"


class Visitor:
    """One visitor of the app at `url` (its own cookie); `get`, `post`, then read the `page`."""

    def __init__(self, url: str, cookie: str | None = None) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.cookie = cookie  # the __Host-mfalab value, as a browser keeps it
        self.set_cookies: list[dict[str, str | bool]] = []  # what the server last set, parsed
        self.page: Page | None = None
        self._http = httpx.Client(timeout=30, follow_redirects=False)

    def get(self, path: str) -> Page:
        """Open `path` (relative to the app, like '/login')."""
        return self._go("GET", path, None)

    def post(self, path: str, fields: dict[str, str] | None = None, *,
             csrf: bool = True) -> Page:
        """Submit `fields` to `path` as the current page's form for it would: with its hidden
        inputs (the CSRF token among them, unless `csrf` is False: a forged request)."""
        action = urlsplit(urljoin(self.url, path.lstrip("/"))).path
        data = self.page.hidden_fields(action) if self.page is not None else {}
        if self.page is not None and "csrf_token" not in data and self.page.csrf_token:
            data["csrf_token"] = self.page.csrf_token  # a form made by hand, on this page
        if not csrf:
            data.pop("csrf_token", None)
        data.update(fields or {})
        return self._go("POST", path, data)

    def _go(self, method: str, path: str, data: dict[str, str] | None) -> Page:
        target = urljoin(self.url, path.lstrip("/"))
        history: list[tuple[int, str]] = []
        self.set_cookies = []
        for _ in range(10):
            headers = {"Cookie": f"{COOKIE}={self.cookie}"} if self.cookie else {}
            answer = self._http.request(method, target, data=data, headers=headers)
            self._keep_cookie(answer)
            location = answer.headers.get("location")
            if answer.status_code not in _REDIRECTS or location is None:
                break
            history.append((answer.status_code, self._route(target)))
            target = urljoin(target, location)
            if urlsplit(target).netloc != urlsplit(self.url).netloc:
                break  # a visitor of this app follows nothing elsewhere
            if answer.status_code in (301, 302, 303):
                method, data = "GET", None
        self.page = Page(answer.status_code, self._route(target), answer.headers,
                         answer.text, history)
        return self.page

    def _route(self, url: str) -> str:
        """The path of `url` inside the app (a prefix such as a proxy's taken off)."""
        path, root = urlsplit(url).path, urlsplit(self.url).path
        return "/" + path[len(root):] if path.startswith(root) else path

    def _keep_cookie(self, answer: httpx.Response) -> None:
        for header in answer.headers.get_list("set-cookie"):
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                attributes: dict[str, str | bool] = {"name": name, "value": morsel.value}
                attributes.update({k: v for k, v in morsel.items() if v})
                self.set_cookies.append(attributes)
                if name == COOKIE:
                    expired = morsel["max-age"] == "0"
                    self.cookie = None if expired else morsel.value

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Visitor:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Visitor({'with' if self.cookie else 'without'} a cookie)"
