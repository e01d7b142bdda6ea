"""A PostgreSQL streaming replica of DATABASE_URL's server, on this machine, for the reports'
tests on a read replica (`make test-replica`):

    python scripts/replica.py start       # base backup into a temporary directory, started
                                          # as a hot standby on REPLICA_PORT (5433)
    python scripts/replica.py stop        # stops it and removes the directory
    python scripts/replica.py run CMD...  # start, CMD with DATABASE_REPLICA_URL set, stop

The primary must accept replication connections from 127.0.0.1 (pg_hba.conf:
`host replication all 127.0.0.1/32 trust`, which .ci/run adds) and have `wal_level` replica
or logical and free `max_wal_senders` (PostgreSQL's defaults). The replica has no
replication slot, so a replica left running never makes the primary keep WAL for it. Run as
root, the server runs as the user postgres."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "var" / "replica.json"
PORT = int(os.environ.get("REPLICA_PORT", "5433"))
READY_TIMEOUT = 60  # seconds
# A standby needs at least the primary's value of each of these.
AT_LEAST_PRIMARY = [
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
]


def primary_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to the primary, e.g. postgres://postgres@127.0.0.1:5432/fremdrift"
        )
    return url


def replica_url(url: str) -> str:
    """DATABASE_URL with the replica's host and port: the same user and database."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{PORT}" if credentials else f"127.0.0.1:{PORT}"
    return urlunsplit(parts._replace(netloc=netloc))


def connect(url: str, **extra) -> psycopg.Connection:
    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
        **extra,
    )


def as_server_user(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, **kwargs)


def server_settings(url: str) -> tuple[Path, dict[str, str]]:
    """The primary's binaries (of its major version) and the settings the standby copies."""
    with connect(url) as primary:
        version = int(primary.execute("SHOW server_version_num").fetchone()[0]) // 10000
        settings = dict(
            primary.execute(
                "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [AT_LEAST_PRIMARY]
            ).fetchall()
        )
    binaries = Path(os.environ.get("PG_BIN", f"/usr/lib/postgresql/{version}/bin"))
    return binaries, settings


def write_config(directory: Path, settings: dict[str, str]) -> None:
    """The standby's own configuration: its port, its sockets and access rules in its own
    directory (a Debian cluster keeps its configuration outside the data directory, so the
    base backup has none), settings no lower than the primary's. Later lines win."""
    lines = [
        f"port = {PORT}",
        "listen_addresses = '127.0.0.1'",
        f"unix_socket_directories = '{directory}'",
        f"hba_file = '{directory / 'replica_hba.conf'}'",
        f"ident_file = '{directory / 'replica_ident.conf'}'",
        "hot_standby = on",
        "fsync = off",  # a throwaway copy
        "logging_collector = off",
        *(f"{name} = {value}" for name, value in settings.items()),
    ]
    with (directory / "postgresql.conf").open("a") as config:
        config.write("\n# scripts/replica.py\n" + "\n".join(lines) + "\n")
    (directory / "replica_hba.conf").write_text(
        "local all all trust\nhost all all 127.0.0.1/32 trust\n"
    )
    (directory / "replica_ident.conf").write_text("")
    if os.geteuid() == 0:
        for name in ("postgresql.conf", "replica_hba.conf", "replica_ident.conf"):
            shutil.chown(directory / name, "postgres", "postgres")


def wait_until_streaming(url: str, log: Path) -> None:
    """Polls the standby until it answers in recovery with its WAL receiver streaming."""
    deadline = time.monotonic() + READY_TIMEOUT
    state = None
    while time.monotonic() < deadline:
        try:
            with connect(replica_url(url), connect_timeout=2) as replica:
                state = replica.execute(
                    "SELECT pg_is_in_recovery(), (SELECT status FROM pg_stat_wal_receiver)"
                ).fetchone()
        except psycopg.OperationalError:
            state = None
        if state == (True, "streaming"):
            return
        time.sleep(0.1)
    sys.exit(f"The replica is not streaming after {READY_TIMEOUT} s ({state}); see {log}")


def start() -> str:
    if STATE.exists():
        sys.exit(f"A replica runs already ({STATE}); stop it with: python scripts/replica.py stop")
    url = primary_url()
    binaries, settings = server_settings(url)
    parts = urlsplit(url)
    directory = Path(tempfile.mkdtemp(prefix="fremdrift-replica-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    STATE.parent.mkdir(exist_ok=True)
    STATE.write_text(json.dumps({"directory": str(directory), "binaries": str(binaries)}))
    try:
        print(f"Base backup of {parts.hostname}:{parts.port or 5432} into {directory}", flush=True)
        as_server_user(
            [
                str(binaries / "pg_basebackup"),
                f"--host={parts.hostname or '127.0.0.1'}",
                f"--port={parts.port or 5432}",
                f"--username={parts.username or 'postgres'}",
                f"--pgdata={directory}",
                "--write-recovery-conf",  # standby.signal and primary_conninfo
                "--wal-method=stream",
                "--checkpoint=fast",
                "--no-password",
            ]
        )
        write_config(directory, settings)
        log = directory / "server.log"
        as_server_user(
            [str(binaries / "pg_ctl"), "--pgdata", str(directory), "--log", str(log)]
            + ["--wait", "--timeout", str(READY_TIMEOUT), "start"],
            stdout=subprocess.DEVNULL,
        )
        wait_until_streaming(url, log)
    except BaseException:
        stop()
        raise
    print(f"Replica streaming on 127.0.0.1:{PORT}: DATABASE_REPLICA_URL={replica_url(url)}")
    return replica_url(url)


def stop() -> None:
    if not STATE.exists():
        return
    state = json.loads(STATE.read_text())
    directory, binaries = Path(state["directory"]), Path(state["binaries"])
    if (directory / "postmaster.pid").exists():
        as_server_user(
            [str(binaries / "pg_ctl"), "--pgdata", str(directory), "--mode", "fast"]
            + ["--wait", "stop"],
            stdout=subprocess.DEVNULL,
        )
    shutil.rmtree(directory, ignore_errors=True)
    STATE.unlink()
    print("Replica stopped and removed", flush=True)


def run(command: list[str]) -> int:
    # A CI job that is cancelled sends SIGTERM: stop the replica then too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    url = start()
    try:
        return subprocess.run(command, env=os.environ | {"DATABASE_REPLICA_URL": url}).returncode
    finally:
        stop()


def main(arguments: list[str]) -> int:
    if arguments[:1] == ["start"] and len(arguments) == 1:
        start()
    elif arguments[:1] == ["stop"] and len(arguments) == 1:
        stop()
    elif arguments[:1] == ["run"] and len(arguments) > 1:
        return run(arguments[1:])
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
