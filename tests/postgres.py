"""A throwaway PostgreSQL cluster for the tests, made with Debian's own binaries.

initdb refuses to run as root, so as root the cluster belongs to the `postgres` account
(Debian's package creates it; else `nobody`) and the binaries run through `runuser`. The
cluster lives in a fresh folder under the system temp dir (pytest's own are private to
root), listens only on a unix socket in that folder (no port to collide with) and trusts
local connections; stop() removes everything. Each test gets a schema of its own in it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

MISSING = ("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): "
           "install Debian's postgresql package (make test does)")


def binaries() -> Path | None:
    """The newest installed server's bin/ folder, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _account() -> str | None:
    """Who runs the server: None for ourselves, unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and there is no postgres or nobody account")


class Cluster:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.account = _account()
        self.root = Path(tempfile.mkdtemp(prefix="searchapp-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.schemas: dict[str, str] = {}

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.account:
            command = ["runuser", "-u", self.account, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}{log}")

    def start(self) -> Cluster:
        if self.account:
            entry = pwd.getpwnam(self.account)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8")
        options = (f"-k {self.root} -c listen_addresses='' -c fsync=off "
                   "-c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "60", "start")
        self._run("createdb", "-h", str(self.root), "-U", "postgres", "searchapp")
        return self

    def url(self, schema: str | None = None) -> str:
        """The cluster's `searchapp` database; with `schema`, seen through that schema only
        (search_path), which is as good as a database of its own and made in milliseconds."""
        options = f"&options=-csearch_path%3D{schema}" if schema else ""
        return f"postgresql://postgres@/searchapp?host={self.root}{options}"

    def fresh_url(self) -> str:
        """The URL of a new, empty schema: a database of one's own for one test."""
        import psycopg

        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        self.schemas[self.url(schema)] = schema
        return self.url(schema)

    def drop(self, url: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {self.schemas.pop(url)} CASCADE")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
