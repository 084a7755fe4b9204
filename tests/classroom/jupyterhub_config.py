"""The JupyterHub of the classroom test: a class on loopback, all of it in one temporary folder.

conftest.py starts `jupyterhub -f` on this file with the MFALAB_CLASSROOM_* variables set.
What a real hub would change is marked: the authenticator (any name and password get in
here) and the spawner (here every student's server runs as the hub's own Unix user, with
a home folder in the temporary folder; a real hub gives each student a user, a container
or a pod). The rest is what an instructor's hub has: the proxy started by the hub, and
each student's server started from the user image, with nbgitpuller in it.
"""

import json
import os
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub's config loader provides get_config)

ROOT = Path(os.environ["MFALAB_CLASSROOM_ROOT"])  # the temporary folder: database, homes, logs
IMAGE = Path(os.environ["MFALAB_CLASSROOM_IMAGE"])  # the user image: a virtual environment
PORTS = json.loads(os.environ["MFALAB_CLASSROOM_PORTS"])  # free ports chosen by the test

c.JupyterHub.bind_url = f"http://127.0.0.1:{PORTS['public']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{PORTS['hub']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORTS['proxy_api']}"
c.ConfigurableHTTPProxy.command = [os.environ["MFALAB_CLASSROOM_PROXY"]]
c.ConfigurableHTTPProxy.pid_file = str(ROOT / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{ROOT / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(ROOT / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(ROOT / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every student's server
c.JupyterHub.cleanup_proxy = True

# Testing only: any username and any password get in.
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True

# Testing only: no Unix users; each student's home is ROOT/home/NAME.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(ROOT / "home" / "{username}")
c.Spawner.cmd = [str(IMAGE / "bin" / "jupyterhub-singleuser")]
c.Spawner.args = [
    "--allow-root",  # the hub runs as root in a container here, and so do the servers
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90

# Every Jupyter and IPython folder of a student inside that student's home.
FOLDERS = {
    "JUPYTER_CONFIG_DIR": ".jupyter",
    "JUPYTER_DATA_DIR": ".local/share/jupyter",
    "JUPYTER_RUNTIME_DIR": ".local/share/jupyter/runtime",
    "JUPYTERLAB_WORKSPACES_DIR": ".jupyter/lab/workspaces",
    "JUPYTERLAB_SETTINGS_DIR": ".jupyter/lab/user-settings",
    "IPYTHONDIR": ".ipython",
    "MPLCONFIGDIR": ".config/matplotlib",
}


def _in_home(relative):
    return lambda spawner: str(Path(spawner.home_dir) / relative)


c.Spawner.environment = {name: _in_home(relative) for name, relative in FOLDERS.items()}
c.Spawner.environment["JUPYTER_PLATFORM_DIRS"] = "1"
c.Spawner.environment["PATH"] = os.pathsep.join([str(IMAGE / "bin"), os.environ["PATH"]])


def _lab_settings(spawner):
    """JupyterLab settings the browser test relies on, in the student's settings folder.

    Every cell in the page (lesson 00 is longer than the ~22 cells JupyterLab draws by
    default), and no news fetched from outside.
    """
    settings = Path(spawner.home_dir) / FOLDERS["JUPYTERLAB_SETTINGS_DIR"] / "@jupyterlab"
    for relative, value in {
        "notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }.items():
        path = settings / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")


c.Spawner.pre_spawn_hook = _lab_settings
