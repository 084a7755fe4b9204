"""One web server process for the benchmarks: the app on a database the benchmark made.

`python bench/web_worker.py DB PORT cheap|real`: the web app (rate limits lifted: the
benchmark is one address) on werkzeug's threaded server, on 127.0.0.1:PORT, the wall
clock, and the argon2 profile named. Stopped by its process group.
"""

from __future__ import annotations

import sys

from werkzeug.serving import make_server

from mfalab import AuthService, UserStore, passwords
from mfalab.web import create_app
from mfalab.web.background import AccessLog

UNLIMITED = {"first_factor": "1000000 per minute", "second_factor": "1000000 per minute"}

if __name__ == "__main__":
    database, port, profile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    cost = passwords.CHEAP_FOR_TESTS_ONLY if profile == "cheap" else passwords.DEFAULT_PROFILE
    app = create_app(AuthService(UserStore(database), password_profile=cost),
                     rate_limits=UNLIMITED)
    make_server("127.0.0.1", port, app, threaded=True, request_handler=AccessLog).serve_forever()
