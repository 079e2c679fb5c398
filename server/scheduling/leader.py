"""Which process runs the scheduler: exactly one, elected through a PostgreSQL advisory lock.

Every `loa serve --role all|scheduler` process campaigns; the one that holds the session-level
advisory lock is the leader and runs APScheduler (recurring jobs, one-off jobs, compiles), the
others stand by and retry. PostgreSQL releases the lock when the holder's connection ends, so a
leader killed with SIGKILL is replaced as soon as its socket closes and a standby retries. The
leader checks its lock connection on every retry too: a leader that lost its database steps down
instead of scheduling beside a new one. On SQLite there is one process by construction: it leads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Literal

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

Role = Literal["leader", "standby", "off"]
# Arbitrary but fixed: the advisory-lock key every Loa process of one database campaigns for.
SCHEDULER_LOCK_KEY = 0x4C4F415343484544  # "LOASCHED"
RETRY_SECONDS = 2.0


class Leadership:
    """Campaigns in a thread; calls ``on_elected`` / ``on_deposed`` from that thread."""

    def __init__(self, engine: Engine, *, campaign: bool, retry_seconds: float = RETRY_SECONDS) -> None:
        self.engine = engine
        self.campaign = campaign
        self.retry_seconds = retry_seconds
        self.role: Role = "off" if not campaign else "standby"
        self.elected = threading.Event()
        self._stop = threading.Event()
        self._conn: Any = None
        self._thread: threading.Thread | None = None
        self._on_elected: Callable[[], None] = lambda: None
        self._on_deposed: Callable[[], None] = lambda: None

    @property
    def is_leader(self) -> bool:
        return self.role == "leader"

    def start(self, on_elected: Callable[[], None], on_deposed: Callable[[], None]) -> None:
        self._on_elected, self._on_deposed = on_elected, on_deposed
        if not self.campaign:
            return
        if self.engine.dialect.name != "postgresql":
            self._elect()  # SQLite: one process, and it leads
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="loa-leader", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self.is_leader:
            self._depose()
        self._release()

    def state(self) -> dict[str, Any]:
        return {"role": self.role, "backend": self.engine.dialect.name}

    # -- campaign ---------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            if self.is_leader:
                if not self._still_holding():
                    log.error("lost the scheduler lock's database connection; standing by")
                    self._depose()
                    self._release()
            elif self._try_acquire():
                self._elect()
            self._stop.wait(self.retry_seconds)

    def _try_acquire(self) -> bool:
        try:
            if self._conn is None:
                # A connection of its own, outside the pool: the lock lives as long as it does.
                fairy = self.engine.raw_connection()
                fairy.detach()
                self._conn = fairy.dbapi_connection
                self._conn.autocommit = True
            cur = self._conn.cursor()
            cur.execute("SELECT pg_try_advisory_lock(%s)", (SCHEDULER_LOCK_KEY,))
            row = cur.fetchone()
            cur.close()
            return bool(row and row[0])
        except Exception as exc:  # database down: stay standby and retry
            log.warning("scheduler election: database unreachable (%s)", exc)
            self._release()
            return False

    def _still_holding(self) -> bool:
        try:
            cur = self._conn.cursor()
            cur.execute("SELECT 1")
            cur.fetchone()
            cur.close()
            return True
        except Exception:
            return False

    def _release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()  # closing the session releases the advisory lock
            except Exception:  # already broken
                log.debug("closing the election connection failed", exc_info=True)

    def _elect(self) -> None:
        self.role = "leader"
        log.info("this process now leads the scheduler")
        try:
            self._on_elected()
        finally:
            self.elected.set()

    def _depose(self) -> None:
        self.role = "standby" if self.campaign else "off"
        self.elected.clear()
        try:
            self._on_deposed()
        except Exception:
            log.exception("stepping down from the scheduler failed")


def lock_holder_pid(engine: Engine) -> int | None:
    """The database backend pid holding the scheduler lock (operators, tests), if any."""
    if engine.dialect.name != "postgresql":
        return None
    try:
        with engine.connect() as conn:
            row = conn.execute(text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND ((classid::bigint << 32) | objid::bigint) = :key"
            ), {"key": SCHEDULER_LOCK_KEY}).first()
    except SQLAlchemyError:
        return None
    return int(row[0]) if row else None
