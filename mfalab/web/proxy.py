"""jupyter-server-proxy's entry for the web login (Binder): a launcher tile, and the app at
`…/mfalab-web/` behind the notebook server, which handles the login to Jupyter itself.

jupyter-server-proxy picks a free port and starts the command; `absolute_url` makes it
forward the whole path, which the app serves under `--prefix` (so every link and redirect
it makes carries the prefix). Registered in pyproject.toml under the entry-point group
`jupyter_serverproxy_servers`.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["NAME", "server"]

NAME = "mfalab-web"


def server() -> dict[str, Any]:
    """The server-proxy settings: command, prefix handling, launcher entry."""
    return {
        "command": [sys.executable, "-m", "mfalab", "web", "--port", "{port}",
                    "--prefix", "{base_url}" + NAME],
        "absolute_url": True,
        "timeout": 30,
        "new_browser_tab": True,
        "launcher_entry": {"title": "MFA Lab web login", "category": "Other"},
    }
