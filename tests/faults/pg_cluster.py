"""A throwaway PostgreSQL cluster for fault tests: its own data dir, port and socket dir, so a test
may stop and start it under load without touching the machine's shared server.

`initdb` and `pg_ctl` refuse to run as root: as root they run as the `postgres` user (the data
dir is handed to it). Skips (or fails under LOA_REQUIRE_SERVICES=1) where PostgreSQL's binaries
are not installed.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import select
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.brokers import free_port
from tests.services import unavailable


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


@dataclass
class Cluster:
    bindir: Path
    datadir: Path
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.log), "-w", "-t", "60",
                  "-o", f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def remove(self) -> None:
        with contextlib.suppress(Exception):  # already down
            self.stop("immediate")
        shutil.rmtree(self.datadir.parent, ignore_errors=True)

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "-t", "60", "stop")

    def kill(self) -> None:
        """The server killed with SIGKILL, postmaster and backends at once (a power cut): no
        shutdown checkpoint, crash recovery on the next start."""
        pid = int((self.datadir / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
        victims = [pid, *map(int, children.stdout.split())]
        handles = []
        for victim in victims:
            with contextlib.suppress(ProcessLookupError):
                handles.append(os.pidfd_open(victim))
                os.kill(victim, signal.SIGKILL)
        for fd in handles:  # a pidfd turns readable when its process is gone
            select.select([fd], [], [], 30)
            os.close(fd)
        # Dead but perhaps not yet reaped by its parent, so PostgreSQL would take the stale lock
        # file for a live server; the pidfds said every process ended: the lock is stale.
        (self.datadir / "postmaster.pid").unlink(missing_ok=True)
        (self.datadir / f".s.PGSQL.{self.port}.lock").unlink(missing_ok=True)


def throwaway_cluster() -> Cluster:
    """A started cluster in a fresh directory under the system temp dir (which the postgres user
    can reach, unlike pytest's private one); ``remove()`` it when done."""
    bindir = _bindir()
    if bindir is None:
        unavailable("PostgreSQL server binaries (initdb, pg_ctl) not installed")
        raise AssertionError("unreachable")
    root = Path(tempfile.mkdtemp(prefix="loa-pg-"))
    datadir = root / "pgdata"
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    cluster = Cluster(bindir, datadir, free_port(), root / "postgres.log")
    cluster._run("initdb", "-D", str(datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    cluster.start()
    return cluster
