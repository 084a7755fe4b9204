"""The web login: a small Flask app on the same `AuthService` (`python -m mfalab web`).

`create_app(auth)` returns the app; `background.start(app)` runs it on a free loopback
port (lesson 07, tests, benchmarks); `client.Visitor` is a tiny HTTP visitor for lessons.
"""

from .app import create_app

__all__ = ["create_app"]
