"""mfalab benchmarks: `make bench`. Ratios against anchors measured in the same run.

Prints a table and writes the figures to bench/results.json. Benchmarks are not tests:
nothing here fails on a missed goal; it reports, so a regression is seen and explained.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pyotp
from web_worker import UNLIMITED  # bench/, beside this file

from mfalab import AuthService, FrozenClock, UserStore, errors, otp, passwords
from mfalab.store import UserRecord
from mfalab.web import create_app
from mfalab.web.client import Page, Visitor
from mfalab.web.handles import COOKIE

ROOT = Path(__file__).resolve().parent.parent
SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
PASSWORD = "violet anchor tundra 58"
AT = 1_700_000_000


def best_per_call(func: Callable[[], object], number: int, repeat: int = 7) -> float:
    """The fastest of `repeat` runs of `number` calls, per call (timeit's advice)."""
    return min(timeit.repeat(func, number=number, repeat=repeat)) / number


def bench_otp_check() -> dict[str, float]:
    """mfalab's code check (strict normalization, window, replay decision) against pyotp."""
    code = otp.totp(SECRET, AT)
    last_step = AT // 30 - 5
    totp = pyotp.TOTP(SECRET)
    key = base64.b32decode(SECRET)
    messages = [(AT // 30 + d).to_bytes(8, "big") for d in (-1, 0, 1)]

    def mfalab_check() -> None:
        step = otp.verify(SECRET, code, AT, window=1, after=last_step)
        assert step is not None

    def pyotp_verify() -> None:
        assert totp.verify(code, for_time=AT, valid_window=1)

    def floor() -> None:
        for message in messages:
            hmac.digest(key, message, "sha1")

    ours, theirs, limit = (best_per_call(f, 20_000) for f in (mfalab_check, pyotp_verify, floor))
    return {"mfalab_us": ours * 1e6, "pyotp_us": theirs * 1e6, "floor_us": limit * 1e6,
            "ratio_vs_pyotp": ours / theirs, "ratio_vs_floor": ours / limit}


def _enrolled(store: UserStore, clock: FrozenClock, profile: object) -> tuple[AuthService, str]:
    auth = AuthService(store, clock=clock, password_profile=profile)  # type: ignore[arg-type]
    auth.register("alice", PASSWORD)
    enrollment = auth.begin_enrollment("alice", PASSWORD)
    auth.confirm_enrollment(enrollment, otp.totp(enrollment.secret, clock.now()))
    return auth, enrollment.secret


def bench_service_verify(folder: Path, count: int = 2000) -> dict[str, float]:
    """AuthService.verify end to end on a file store (WAL): verifications per second."""
    clock = FrozenClock(AT)
    auth, secret = _enrolled(UserStore(folder / "verify.db"), clock,
                             passwords.CHEAP_FOR_TESTS_ONLY)  # logins are set-up, not timed
    spent = 0.0
    for _ in range(count):
        clock.advance(30)
        challenge = auth.login("alice", PASSWORD)
        code = otp.totp(secret, clock.now())
        start = time.perf_counter()
        auth.verify(challenge, code)
        spent += time.perf_counter() - start
    return {"verifications": count, "per_second": count / spent, "ms_each": spent / count * 1e3}


def bench_full_login(folder: Path, rounds: int = 30) -> dict[str, float]:
    """Password + code at the configured argon2 parameters against one argon2 verify."""
    clock = FrozenClock(AT)
    profile = passwords.DEFAULT_PROFILE
    auth, secret = _enrolled(UserStore(folder / "login.db"), clock, profile)
    user = auth.store.get_user("alice")
    assert isinstance(user, UserRecord)
    logins, kdf = [], []
    for _ in range(rounds):
        clock.advance(30)
        code = otp.totp(secret, clock.now())
        start = time.perf_counter()
        auth.verify(auth.login("alice", PASSWORD), code)
        logins.append(time.perf_counter() - start)
        start = time.perf_counter()
        passwords.is_match(user.password_hash, PASSWORD)
        kdf.append(time.perf_counter() - start)
    login_ms, kdf_ms = statistics.median(logins) * 1e3, statistics.median(kdf) * 1e3
    return {"login_ms": login_ms, "argon2_ms": kdf_ms, "ratio": login_ms / kdf_ms,
            "argon2_parameters": (f"argon2id m={profile.memory_cost} KiB, "
                                  f"t={profile.time_cost}, p={profile.parallelism}")}


def bench_enumeration(folder: Path, rounds: int = 40) -> dict[str, float]:
    """Unknown user against wrong password: median login times and their ratio."""
    clock = FrozenClock(AT)
    auth, _ = _enrolled(UserStore(folder / "enum.db"), clock, passwords.DEFAULT_PROFILE)
    times: dict[str, list[float]] = {"alice": [], "nobody": []}
    for i in range(rounds):
        clock.advance(3601)  # out of any lock: both paths do their full work each time
        for name in (("alice", "nobody") if i % 2 else ("nobody", "alice")):
            start = time.perf_counter()
            with contextlib.suppress(errors.LoginFailed):
                auth.login(name, "not the password")
            times[name].append(time.perf_counter() - start)
    wrong, unknown = (statistics.median(times[n]) * 1e3 for n in ("alice", "nobody"))
    return {"wrong_password_ms": wrong, "unknown_user_ms": unknown, "ratio": unknown / wrong}


@contextlib.contextmanager
def web_worker(database: Path, profile: str) -> Iterator[str]:
    """bench/web_worker.py serving `database` in its own process; yields its URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "web_worker.py"), str(database), str(port),
         profile], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.perf_counter() + 60
        while True:
            try:
                httpx.get(url + "login", timeout=2)
                break
            except httpx.TransportError:
                if time.perf_counter() > deadline or process.poll() is not None:
                    raise RuntimeError("the web worker did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _accounts(auth: AuthService, count: int) -> dict[str, str]:
    """`count` enrolled accounts on the wall clock: name -> secret."""
    found = {}
    for i in range(count):
        name = f"user{i}"
        auth.register(name, PASSWORD)
        enrollment = auth.begin_enrollment(name, PASSWORD)
        auth.confirm_enrollment(enrollment, otp.totp(enrollment.secret, time.time()))
        found[name] = enrollment.secret
    return found


def _fresh_code(store: UserStore, name: str, secret: str) -> str:
    """A code the service accepts now: a step after the last accepted one, inside the window
    around the account's learned drift (waiting for the next step if need be)."""
    user = store.get_user(name)
    assert user is not None and user.last_step is not None
    while True:
        centre = int(time.time() // 30) + user.drift
        step = max(centre, user.last_step + 1)
        if step - centre <= 1:
            return otp.totp(secret, step * 30)
        time.sleep(0.5)  # the confirming step is still the current one


def bench_web_code_step(folder: Path, clients: int = 8, each: int = 50) -> dict[str, float]:
    """`POST /login/code` over HTTP: 8 concurrent clients against one server process.

    Each request is a different account's challenge (a code is accepted once per account
    and step); the challenges, and the forms' CSRF tokens, are made beforehand.
    """
    database = folder / "web-code.db"
    auth = AuthService(UserStore(database), password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
    accounts = _accounts(auth, clients * each)
    with web_worker(database, "cheap") as url:
        jobs: list[tuple[str, str, str]] = []  # (cookie, CSRF token, code)
        for name, secret in accounts.items():
            with Visitor(url, cookie=auth.login(name, PASSWORD).token) as visitor:
                token = visitor.get("/login/code").csrf_token
                assert token is not None and visitor.cookie is not None
                jobs.append((visitor.cookie, token, _fresh_code(auth.store, name, secret)))
        accepted: list[int] = []

        def client(share: list[tuple[str, str, str]]) -> None:
            with httpx.Client(timeout=30) as http:
                for cookie, token, code in share:
                    answer = http.post(url + "login/code",
                                       data={"csrf_token": token, "code": code},
                                       headers={"Cookie": f"{COOKIE}={cookie}"})
                    accepted.append(int(answer.status_code == 302))

        threads = [threading.Thread(target=client, args=(jobs[i::clients],))
                   for i in range(clients)]
        start_at = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        spent = time.perf_counter() - start_at
    auth.store.close()
    assert sum(accepted) == len(jobs), "every code should be accepted, once"
    return {"clients": clients, "requests": len(jobs), "per_second": len(jobs) / spent,
            "ms_each": spent / len(jobs) * 1e3 * clients,
            "in_process_per_second": _code_step_in_process(folder, clients * each)}


def _code_step_in_process(folder: Path, count: int) -> float:
    """The same POST through Flask's test client, one after another: the app's own work
    (CSRF check, challenge look-up, `verify`, new cookie), without an HTTP server."""
    clock = FrozenClock(AT)
    auth = AuthService(UserStore(folder / "web-code-inside.db"), clock=clock,
                       password_profile=passwords.CHEAP_FOR_TESTS_ONLY)
    secrets_by_name = {}
    for i in range(count):
        name = f"user{i}"
        auth.register(name, PASSWORD)
        enrollment = auth.begin_enrollment(name, PASSWORD)
        auth.confirm_enrollment(enrollment, otp.totp(enrollment.secret, clock.now()))
        secrets_by_name[name] = enrollment.secret
    clock.advance(30)
    app = create_app(auth, rate_limits=UNLIMITED)
    jobs = []
    for name, secret in secrets_by_name.items():
        client = app.test_client()
        client.set_cookie(COOKIE, auth.login(name, PASSWORD).token)
        form = Page(200, "/login/code", httpx.Headers(),
                    client.get("/login/code").get_data(as_text=True))
        jobs.append((client, {"csrf_token": form.csrf_token or "",
                              "code": otp.totp(secret, clock.now())}))
    start_at = time.perf_counter()
    for client, data in jobs:
        assert client.post("/login/code", data=data).status_code == 302
    spent = time.perf_counter() - start_at
    auth.store.close()
    return len(jobs) / spent


def bench_web_login(folder: Path, rounds: int = 15) -> dict[str, float]:
    """What the web adds to the service, at the real argon2 parameters, on one database.

    The password step: `POST /login` over HTTP (one request, no redirect followed) against
    `AuthService.login` alone, and the same POST inside the process (Flask's test client:
    the web layer's own work, without the HTTP server). And the whole login as a browser
    makes it (GET /login, POST /login, GET /login/code, POST /login/code, GET /account)
    against `login` + `verify`.
    """
    database = folder / "web-login.db"
    auth = AuthService(UserStore(database), password_profile=passwords.DEFAULT_PROFILE)
    accounts = list(_accounts(auth, 2 * rounds).items())  # a code is used once per account
    times: dict[str, list[float]] = {"login": [], "post": [], "app": [], "service": [],
                                     "web": []}
    inside = create_app(auth, rate_limits=UNLIMITED)  # the same app, without HTTP
    with web_worker(database, "real") as url, httpx.Client(timeout=30) as http:
        for (name, secret), (other, other_secret) in zip(accounts[::2], accounts[1::2],
                                                         strict=True):
            start_at = time.perf_counter()
            auth.login(name, PASSWORD)
            times["login"].append(time.perf_counter() - start_at)
            start_at = time.perf_counter()
            auth.verify(auth.login(name, PASSWORD), _fresh_code(auth.store, name, secret))
            times["service"].append(time.perf_counter() - start_at)
            with Visitor(url) as visitor:
                form = visitor.get("/login")
                data = {"csrf_token": form.csrf_token or "", "username": other,
                        "password": PASSWORD}
                start_at = time.perf_counter()
                answer = http.post(url + "login", data=data,
                                   headers={"Cookie": f"{COOKIE}={visitor.cookie}"})
                times["post"].append(time.perf_counter() - start_at)
                assert answer.status_code == 302
            client = inside.test_client()
            form = Page(200, "/login", httpx.Headers(),
                        client.get("/login").get_data(as_text=True))
            start_at = time.perf_counter()
            answer = client.post("/login", data={"csrf_token": form.csrf_token or "",
                                                 "username": other, "password": PASSWORD})
            times["app"].append(time.perf_counter() - start_at)
            assert answer.status_code == 302
            code = _fresh_code(auth.store, other, other_secret)
            with Visitor(url) as visitor:
                start_at = time.perf_counter()
                visitor.get("/login")
                visitor.post("/login", {"username": other, "password": PASSWORD})
                page = visitor.post("/login/code", {"code": code})
                times["web"].append(time.perf_counter() - start_at)
                assert page.path == "/account", page.message
    auth.store.close()
    ms = {what: statistics.median(each) * 1e3 for what, each in times.items()}
    return {"post_ms": ms["post"], "login_ms": ms["login"], "ratio": ms["post"] / ms["login"],
            "app_ms": ms["app"], "app_ratio": ms["app"] / ms["login"],
            "browser_ms": ms["web"], "service_ms": ms["service"],
            "browser_ratio": ms["web"] / ms["service"]}


def bench_notebooks() -> dict[str, float]:
    """Each lesson executed top to bottom (nbclient, as nbval does), in seconds."""
    import nbformat
    from nbclient import NotebookClient

    times: dict[str, float] = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        NotebookClient(notebook, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        times[path.stem] = time.perf_counter() - start
    return times


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_make_lab() -> float:
    """`make lab` from a warm .venv until JupyterLab answers, in seconds."""
    port, token = _free_port(), "bench"
    home = Path(tempfile.mkdtemp(prefix="mfalab-bench-lab-"))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_RUNTIME_DIR": str(home / "run"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "ws"), "IPYTHONDIR": str(home / "ipy")}
    args = (f"--no-browser --ip 127.0.0.1 --port {port} "
            f"--IdentityProvider.token={token} --LabApp.news_url=None "
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    start = time.perf_counter()
    process = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while time.perf_counter() - start < 120:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/status?token={token}", timeout=1
                ) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        return float("nan")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": str(os.cpu_count()), "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="mfalab-bench-"))
    try:
        results = {
            "machine": machine(),
            "otp_check": bench_otp_check(),
            "service_verify": bench_service_verify(folder),
            "full_login": bench_full_login(folder),
            "enumeration": bench_enumeration(folder),
            "web_code_step": bench_web_code_step(folder),
            "web_login": bench_web_login(folder),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if "--no-lab" not in sys.argv:
        nb = bench_notebooks()
        results["notebooks"] = {"each_s": nb, "total_s": sum(nb.values()),
                                "slowest_s": max(nb.values(), default=0.0)}
        results["make_lab_s"] = bench_make_lab()
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(render(results))
    return 0


def render(r: dict[str, object]) -> str:
    """The results as a Markdown table (the README shows it)."""
    o, v, f, e, wc, wl = (r[k] for k in ("otp_check", "service_verify", "full_login",
                                         "enumeration", "web_code_step", "web_login"))
    assert isinstance(o, dict) and isinstance(v, dict) and isinstance(f, dict)
    assert isinstance(e, dict) and isinstance(wc, dict) and isinstance(wl, dict)
    m = r["machine"]
    assert isinstance(m, dict)
    rows = [
        ("OTP check vs `pyotp.TOTP.verify(valid_window=1)`",
         f"{o['mfalab_us']:.1f} µs vs {o['pyotp_us']:.1f} µs = **{o['ratio_vs_pyotp']:.2f}×**"
         f" (floor: 3 HMACs {o['floor_us']:.1f} µs, {o['ratio_vs_floor']:.1f}× of it)", "≤ 1.25×"),
        ("`AuthService.verify`, file SQLite (WAL), one core",
         f"**{v['per_second']:,.0f}/s** ({v['ms_each']:.2f} ms each)", "≥ 2,000/s"),
        ("Full login (password + code) vs one argon2 verify",
         f"{f['login_ms']:.1f} ms vs {f['argon2_ms']:.1f} ms = **{f['ratio']:.2f}×**", "≤ 1.15×"),
        ("Unknown user vs wrong password (median)",
         f"{e['unknown_user_ms']:.1f} ms vs {e['wrong_password_ms']:.1f} ms = "
         f"**{e['ratio']:.2f}×**", "within 10%"),
        (f"Web code step (`POST /login/code`), {wc['clients']} clients, one server process",
         f"**{wc['per_second']:,.0f}/s** over HTTP ({wc['ms_each']:.1f} ms each; werkzeug's "
         f"development server); the app alone, in-process: "
         f"{wc['in_process_per_second']:,.0f}/s", "reported"),
        ("Web password step (`POST /login`) vs `AuthService.login` alone",
         f"{wl['post_ms']:.1f} ms vs {wl['login_ms']:.1f} ms = **{wl['ratio']:.2f}×** "
         f"over HTTP; {wl['app_ratio']:.2f}× in-process (the app's own work); a whole "
         f"browser login, 5 requests: {wl['browser_ms']:.1f} ms vs {wl['service_ms']:.1f} ms "
         f"= {wl['browser_ratio']:.2f}×", "≤ 1.2×"),
    ]
    nb = r.get("notebooks")
    if isinstance(nb, dict):
        each = ", ".join(f"{k.split('_')[0]}: {s:.1f}" for k, s in nb["each_s"].items())
        rows.append(("Lessons executed (s)", f"**{nb['total_s']:.1f} s** in all ({each})",
                     "≤ 60 s, none over 15 s"))
        rows.append(("`make lab`, warm `.venv`, until JupyterLab answers",
                     f"**{r['make_lab_s']:.1f} s**", "≤ 5 s"))
    lines = ["| Measure | Result | Goal |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines.append("")
    lines.append(f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, "
                 f"{m['system']}. Password hashing: {f['argon2_parameters']}.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
