"""A throw-away PostgreSQL server: for the tests, the benchmarks and trying the shared deployment.

:class:`PostgresSandbox` runs Debian's PostgreSQL binaries (``initdb``,
``pg_ctl``) on a data folder in a temporary directory. The server listens on
a unix socket in that folder only (``listen_addresses = ''``: no TCP port at
all), trusts connections on it (the folder is readable by its owner only),
and is stopped by its process id. As root, the server runs as the
``postgres`` system user, because PostgreSQL refuses to run as root.

This is not how a school runs its server (see ``deploy/README.md``): there
the administrator's PostgreSQL, with passwords or certificates, holds the
store.

Examples
--------
>>> with PostgresSandbox() as pg:                       # doctest: +SKIP
...     url = pg.create_database("school")
...     store = open_store(url)
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from .errors import StoreError

__all__ = ["PostgresSandbox", "find_bindir"]

ADMIN = "cocope_admin"
"""The sandbox's superuser (owner of every database it creates)."""


def find_bindir() -> Path:
    """The folder of ``initdb`` and ``pg_ctl``: ``$COCOPE_PG_BIN``, else the newest
    ``/usr/lib/postgresql/<version>/bin`` (Debian), else ``pg_ctl`` on the PATH.

    Raises
    ------
    StoreError
        When no PostgreSQL server is installed (``apt-get install postgresql``).
    """
    given = os.environ.get("COCOPE_PG_BIN")
    if given:
        return Path(given)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise StoreError("no PostgreSQL server found: install it (Debian: apt-get install postgresql) "
                     "or set COCOPE_PG_BIN to the folder of initdb and pg_ctl")


class PostgresSandbox:
    """A PostgreSQL server of its own in a temporary folder, reached by a unix socket.

    Parameters
    ----------
    root : path, optional
        Folder to hold the data and the socket (a new temporary folder by default;
        removed by :meth:`stop` when it was created here).
    durable : bool, default False
        Keep PostgreSQL's fsync on. Off by default: a sandbox is thrown away, and
        tests run much faster without waiting for the disk.
    """

    def __init__(self, root: str | os.PathLike | None = None, *, durable: bool = False):
        self._own_root = root is None
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="cocope_pg_"))
        self.data = self.root / "data"
        self.socket_dir = self.root
        self.durable = durable
        self.bindir = find_bindir()
        self.pid: int | None = None

    # ------------------------------------------------------------------ life cycle
    def __enter__(self) -> PostgresSandbox:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def start(self) -> PostgresSandbox:
        """Create the cluster (``initdb``) and start the server; returns self."""
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o700)
        done = self._run(self.bindir / "initdb", "-D", self.data, "-U", ADMIN, "--auth=trust",
                         "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions")
        if done.returncode:
            raise StoreError(f"initdb failed: {done.stderr.strip()[-800:]}")
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' "
                   "-c max_connections=200" + ("" if self.durable else " -c fsync=off "
                                               "-c synchronous_commit=off -c full_page_writes=off"))
        done = self._run(self.bindir / "pg_ctl", "-D", self.data, "-l", self.root / "server.log",
                         "-o", options, "-w", "-t", "60", "start")
        if done.returncode:
            log = (self.root / "server.log").read_text(errors="replace")[-800:] \
                if (self.root / "server.log").exists() else ""
            raise StoreError(f"PostgreSQL did not start: {done.stderr.strip()[-400:]} {log}")
        self.pid = int((self.data / "postmaster.pid").read_text().split()[0])
        return self

    def stop(self) -> None:
        """Stop the server by its process id (fast shutdown) and remove the folder."""
        if self.pid is not None:
            with _suppress_gone():
                os.kill(self.pid, signal.SIGINT)
            deadline = time.monotonic() + 30
            while _alive(self.pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _alive(self.pid):
                with _suppress_gone():
                    os.kill(self.pid, signal.SIGKILL)
            self.pid = None
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------------ databases
    def url(self, dbname: str = "postgres", user: str = ADMIN) -> str:
        """The ``postgresql://`` URL of a database for a role, over the unix socket."""
        return f"postgresql://{user}@/{dbname}?host={self.socket_dir}"

    def execute(self, sql: str, dbname: str = "postgres") -> None:
        """Run one statement as the sandbox's superuser (autocommit)."""
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as con:
            con.execute(sql)

    def create_database(self, name: str | None = None, *, template: str | None = None) -> str:
        """Create a database (a fresh random name by default); return its admin URL."""
        name = name or f"db_{secrets.token_hex(6)}"
        if not name.replace("_", "").isalnum():
            raise StoreError(f"database name {name!r}: letters, digits and _ only")
        self.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database (closing its connections first)."""
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie nobody has reaped yet has stopped
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class _suppress_gone:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        return kind is ProcessLookupError
