"""PostgresStore on a real server: schema, keys, secrets at rest, URLs, connections.

The PostgreSQL counterparts of the SQLite-file tests in `test_store`, and what only a
server has: migrations racing from several processes, a URL's password, connections the
server closes, a forked worker.
"""

from __future__ import annotations

import base64
import hashlib
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mfalab import FrozenClock, UserStore, VirtualAuthenticator, errors
from mfalab.keys import new_key_text
from mfalab.store.postgres import PostgresStore
from mfalab.store.postgres_schema import SCHEMA_VERSION

from .conftest import PASSWORD, enroll, make_auth
from .postgres_server import PostgresServer

BACKENDS = ("postgres",)  # the `location` and `store` fixtures: PostgreSQL only
TABLES = {"audit", "challenges", "meta", "passkeys", "recovery_codes", "schema_version",
          "sessions", "throttle", "users", "webauthn_challenges"}


@pytest.fixture
def server(postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> PostgresServer:
    monkeypatch.setenv("MFALAB_KEY", new_key_text())
    return postgres_server


@pytest.fixture
def fresh(server: PostgresServer) -> Iterator[str]:
    """The name of a new database with no tables at all."""
    name = server.new_database()
    yield name
    server.drop_database(name)


def _tables(server: PostgresServer, name: str) -> set[str]:
    with server.admin(name) as conn:
        return {r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


# -- schema -------------------------------------------------------------------------------


def test_a_new_database_gets_the_schema_and_its_version(server: PostgresServer, fresh: str):
    with UserStore(server.url(fresh)) as store:
        assert isinstance(store, PostgresStore)
    assert _tables(server, fresh) == TABLES
    with server.admin(fresh) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY 1")]
        assert versions == list(range(1, SCHEMA_VERSION + 1))
        assert conn.execute("SELECT count(*) FROM meta WHERE name = 'key_check'").fetchone() \
            == (1,)


def test_a_database_of_schema_1_is_migrated_and_keeps_its_data(
    server: PostgresServer, fresh: str, monkeypatch: pytest.MonkeyPatch
):
    """What an upgrade of mfalab does to a database made before passkeys (schema 1)."""
    from mfalab.store import postgres, postgres_schema

    with monkeypatch.context() as before_passkeys:
        before_passkeys.setattr(postgres, "MIGRATIONS", postgres_schema.MIGRATIONS[:1])
        before_passkeys.setattr(postgres, "SCHEMA_VERSION", 1)
        with UserStore(server.url(fresh)) as old:
            old.add_user("alice", "a hash", 1.0)
            old.add_audit("alice", 1.0, "registered")
    assert "passkeys" not in _tables(server, fresh)
    with UserStore(server.url(fresh)) as store:
        assert store.get_user("alice").password_hash == "a hash"  # type: ignore[union-attr]
        assert [r.event for r in store.audit("alice")] == ["registered"]
        assert store.passkeys("alice") == []
    assert _tables(server, fresh) == TABLES
    with server.admin(fresh) as conn:
        assert [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY 1")] \
            == [1, 2] == list(range(1, SCHEMA_VERSION + 1))


def test_a_database_from_a_newer_mfalab_is_refused(server: PostgresServer, fresh: str):
    UserStore(server.url(fresh)).close()
    with server.admin(fresh) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION + 1,))
    with pytest.raises(errors.InvalidSetting, match="newer"):
        UserStore(server.url(fresh))


def _open(url: str) -> str:
    try:
        UserStore(url).close()
    except errors.AuthError as refused:
        return type(refused).__name__
    return "opened"


def test_eight_processes_opening_a_new_database_at_once_migrate_it_once(
    server: PostgresServer, fresh: str
):
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        outcomes = pool.map(_open, [server.url(fresh)] * 8)
    assert outcomes == ["opened"] * 8
    with server.admin(fresh) as conn:
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone() == \
            (SCHEMA_VERSION,)


# -- the key ------------------------------------------------------------------------------


def test_a_server_database_needs_mfalab_key_and_is_left_untouched_without_it(
    server: PostgresServer, fresh: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("MFALAB_KEY")
    with pytest.raises(errors.KeyProblem, match="needs MFALAB_KEY"):
        UserStore(server.url(fresh))
    assert _tables(server, fresh) == set()  # the migration was rolled back with it


def test_a_wrong_key_is_refused_at_open_and_nothing_is_rekeyed(
    server: PostgresServer, location: str, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
):
    key = os.environ["MFALAB_KEY"]
    with UserStore(location) as store:
        enroll(make_auth(store, clock), clock)
    before = _seeds(server)
    monkeypatch.setenv("MFALAB_KEY", new_key_text())
    with pytest.raises(errors.KeyProblem):
        UserStore(location)
    assert _seeds(server) == before
    monkeypatch.setenv("MFALAB_KEY", key)
    with UserStore(location) as store:
        assert store.get_user("alice").seed is not None  # type: ignore[union-attr]


def _seeds(server: PostgresServer) -> list[tuple[object, ...]]:
    with server.admin("mfalab_tests") as conn:
        return conn.execute("SELECT username, seed FROM users ORDER BY 1").fetchall()


def test_a_seed_is_bound_to_its_account(
    server: PostgresServer, location: str, clock: FrozenClock
):
    """AES-GCM with the account name as associated data: a seed moved to bob won't open."""
    with UserStore(location) as store:
        auth = make_auth(store, clock)
        enroll(auth, clock, "alice")
        enroll(auth, clock, "bob")
    with server.admin("mfalab_tests") as conn:
        conn.execute("UPDATE users SET seed = (SELECT seed FROM users WHERE username = 'alice')"
                     " WHERE username = 'bob'")
    with UserStore(location) as store, pytest.raises(errors.KeyProblem):
        store.get_user("bob")


def _server_files(server: PostgresServer) -> bytes:
    """The bytes of the test database's files and of the write-ahead log, after a checkpoint
    (what a stolen disk or backup holds)."""
    with server.admin("mfalab_tests") as conn:
        conn.execute("CHECKPOINT")
        oid = conn.execute("SELECT oid FROM pg_database WHERE datname = current_database()"
                           ).fetchone()[0]  # type: ignore[index]
    files = [*(server.data / "base" / str(oid)).iterdir(), *(server.data / "pg_wal").iterdir()]
    return b"".join(f.read_bytes() for f in files if f.is_file())


def test_no_plaintext_secret_reaches_the_server_s_files(
    server: PostgresServer, location: str, clock: FrozenClock
):
    """Read the bytes of the database's files and the write-ahead log after a checkpoint."""
    name = f"reader{os.getpid()}x{id(clock)}"
    with UserStore(location) as store:
        auth = make_auth(store, clock)
        auth.register(name, PASSWORD)
        enrollment = auth.begin_enrollment(name, PASSWORD)
        phone = VirtualAuthenticator(clock=clock)
        phone.scan(enrollment.uri)
        code = phone.code()
        codes = auth.confirm_enrollment(enrollment, code)
        clock.advance(30)
        second = phone.code()
        auth.verify(auth.login(name, PASSWORD), second)
        auth.recover(auth.login(name, PASSWORD), codes[0])
    data = _server_files(server)
    assert name.encode() in data  # the reading works: the username is stored in clear
    for secret in [enrollment.secret, PASSWORD, *codes, *(c.replace("-", "") for c in codes)]:
        assert secret.encode() not in data, secret
    assert enrollment.secret.lower().encode() not in data


# -- URLs and connections -----------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "postgresql://mfa:s3cr%zzet@localhost/db",  # libpq's own message would quote it
    "postgresql://mfa:s3cret@localhost:port/db",
    "postgresql://mfa:s3cret@localhost/db?no_such_option=1",
    "postgresql://mfa:s3cret@localhost/db\x00",
])
def test_an_unreadable_url_is_a_clear_error_that_never_shows_the_password(
    url: str, server: PostgresServer
):
    with pytest.raises(errors.InvalidSetting, match="URL") as raised:
        UserStore(url)
    assert "s3cr" not in str(raised.value)


def test_an_unreachable_server_is_a_clear_error_that_never_shows_the_password(
    server: PostgresServer, tmp_path: Path
):
    for url in (f"postgresql://mfa:s3cret@/db?host={tmp_path}",  # no server on that socket
                "postgresql://mfa:s3cret@127.0.0.1:9/db?connect_timeout=2",
                server.url("no_such_database")):
        with pytest.raises(errors.InvalidSetting, match="Cannot reach") as raised:
            UserStore(url)
        assert "s3cret" not in str(raised.value)


def test_the_store_shows_its_url_without_the_password(location: str):
    for url in (location.replace("postgresql://", "postgresql://postgres:s3cret@"),
                location + "&password=s3cret"):
        with UserStore(url) as store:
            assert "s3cret" not in repr(store) and "s3cret" not in store.location
            assert "***" in store.location


def _terminate(server: PostgresServer, database: str) -> int:
    with server.admin() as conn:
        return len(conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s"
            " AND pid <> pg_backend_pid()", (database,)).fetchall())


def test_connections_the_server_closed_are_replaced(
    server: PostgresServer, location: str, clock: FrozenClock
):
    """A restart or an idle timeout ends pooled connections: the next call opens new ones."""
    store = UserStore(location)
    account = enroll(make_auth(store, clock), clock)
    assert _terminate(server, "mfalab_tests") >= 1
    assert store.get_user("alice") is not None
    assert _terminate(server, "mfalab_tests") >= 1
    assert account.auth.verify(account.challenge(), account.phone.code())
    store.close()


def test_a_server_that_stops_answering_is_a_clear_error(
    server: PostgresServer, fresh: str, clock: FrozenClock
):
    store = UserStore(server.url(fresh))
    auth = make_auth(store, clock)
    auth.register("alice", PASSWORD)
    with server.admin() as conn:
        conn.execute(f"ALTER DATABASE {fresh} WITH ALLOW_CONNECTIONS false")
    _terminate(server, fresh)
    for step in (lambda: auth.login("alice", PASSWORD), lambda: auth.register("bob", PASSWORD),
                 lambda: auth.status("alice")):
        with pytest.raises(errors.InvalidSetting, match="PostgreSQL server"):
            step()
    store.close()


def test_a_failed_statement_inside_a_transaction_saves_none_of_it(store: UserStore):
    assert isinstance(store, PostgresStore)
    with pytest.raises(errors.InvalidSetting, match="none of it was saved"), \
            store.transaction():
        store.add_user("alice", "hash", 0.0)
        with pytest.raises(errors.InvalidSetting, match="refused a query"):
            store._run("SELECT no_such_column FROM users")
    assert store.get_user("alice") is None


def test_a_forked_worker_opens_its_own_connections(
    server: PostgresServer, store: UserStore, clock: FrozenClock
):
    """What a pre-forking web server does: the child must not use or end the parent's."""
    assert isinstance(store, PostgresStore)
    account = enroll(make_auth(store, clock), clock)
    parent = store._run("SELECT pg_backend_pid()").rows[0][0]  # the pooled connection
    challenge = account.challenge()
    pid = os.fork()
    if pid == 0:  # the child: log in through a connection of its own, then exit
        status = 1
        try:
            child = store._run("SELECT pg_backend_pid()").rows[0][0]
            account.auth.verify(challenge, account.phone.code())
            status = 0 if child != parent else 2
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    with server.admin() as conn:  # the parent's connection was neither used nor ended
        assert conn.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                            (parent,)).fetchone() == (1,)
    assert store._run("SELECT pg_backend_pid()").rows[0][0] == parent
    with pytest.raises(errors.ChallengeExpired):  # the child's login is in the database
        account.auth.verify(challenge, account.phone.code())


def test_without_the_postgres_extra_the_store_says_how_to_get_it():
    """No psycopg installed: a clear InvalidSetting naming the extra, not an ImportError."""
    script = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from mfalab import UserStore, errors\n"
        "try:\n"
        "    UserStore('postgresql://mfa@localhost/db')\n"
        "except errors.InvalidSetting as refused:\n"
        "    print(refused)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=60)
    assert "pip install 'mfalab[postgres]'" in done.stdout, done.stderr


def test_only_a_passkey_s_public_key_reaches_the_server_s_files(
    server: PostgresServer, location: str, clock: FrozenClock
):
    """The private key never leaves the authenticator; the challenges are kept as hashes."""
    from .test_passkeys import Lab

    with UserStore(location) as store:
        lab = Lab(make_auth(store, clock), clock, [])
        session = lab.session()
        options = lab.auth.begin_passkey_registration(session)
        lab.auth.finish_passkey_registration(session, lab.key.create(options))
        login = lab.auth.login("alice", PASSWORD)
        request = lab.auth.begin_passkey_login(login)
        lab.auth.verify_passkey(login, lab.key.get(request))
    private = lab.key.passkeys[0].private_key
    data = _server_files(server)
    assert private.public_key().public_numbers().x.to_bytes(32, "big") in data  # COSE key
    assert private.private_numbers().private_value.to_bytes(32, "big") not in data
    for sent in (options["challenge"], request["challenge"]):
        raw = base64.urlsafe_b64decode(sent + "==")
        assert raw not in data and sent.encode() not in data
        assert hashlib.sha256(raw).hexdigest().encode() in data
