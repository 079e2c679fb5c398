"""Shared lifecycle of a broker child process: start, readiness, reload, stop, kill.

The concrete brokers (Mosquitto, the amqtt fallback) only say how to write their config and
which command to run. The broker is a child process on loopback: it never shares the server's
event loop (or GIL), and a crash of either side shows up as a plain disconnect.
"""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import signal
import socket
import subprocess
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from devices.broker.credentials import Account, write_credentials

log = logging.getLogger(__name__)


class BrokerError(RuntimeError):
    """The managed broker could not be configured, started or stopped."""


def port_accepts(host: str, port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# MQTT 3.1.1 CONNECT: clean session, keepalive 10 s, client id "loa-probe", no credentials.
_PROBE_CONNECT = b"\x10\x15\x00\x04MQTT\x04\x02\x00\x0a\x00\x09loa-probe"


def connack_probe(host: str, port: int, timeout: float) -> bool:
    """True when the broker answers an anonymous CONNECT with a CONNACK (accepted or not)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(_PROBE_CONNECT)
            return sock.recv(4)[:1] == b"\x20"
    except OSError:
        return False


def raise_nofile_limit() -> int:
    """Lift the soft open-files limit to the hard one: each device holds one socket in the broker.

    The child inherits the limit; raising it in the parent is harmless for the server too.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1_048_576)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class ManagedBroker(ABC):
    """One broker child process bound to ``host:port``, with its files in ``directory``."""

    kind: ClassVar[str]
    config_name: ClassVar[str]
    reload_marker: ClassVar[str]  # the log line that shows a SIGHUP reload took effect

    def __init__(self, directory: Path, port: int, *, host: str = "127.0.0.1") -> None:
        if any(ch.isspace() for ch in str(directory)):
            raise BrokerError(f"broker directory must not contain whitespace: {directory}")
        self.directory = Path(directory).resolve()
        self.port = port
        self.host = host
        self._proc: subprocess.Popen[bytes] | None = None
        self._server_username: str | None = None
        self._bound_server_ids: list[str] = []
        self._lock = threading.RLock()  # enrolments may update accounts from several threads

    # -- what subclasses provide -------------------------------------------------------------
    @abstractmethod
    def _write_config(self) -> None: ...

    @abstractmethod
    def _command(self) -> Sequence[str]: ...

    @property
    @abstractmethod
    def supports_shared_subscriptions(self) -> bool: ...

    @property
    @abstractmethod
    def log_path(self) -> Path: ...

    def _child_env(self) -> dict[str, str] | None:
        return None

    # -- public API -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.directory / self.config_name

    @property
    def pid_path(self) -> Path:
        return self.directory / f"{self.kind}.pid"

    @property
    def output_path(self) -> Path:
        return self.directory / f"{self.kind}.out"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self.is_running and self._proc else None

    @property
    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def update_accounts(
        self, accounts: Iterable[Account], server_account: Account, *, bound_server_ids: Iterable[str] = (),
        password_for: Any = None,
    ) -> None:
        """Rewrite the password and ACL files; a running broker reloads them (SIGHUP).
        (``password_for`` is for brokers managed over MQTT; files need only hashes.)

        ``bound_server_ids`` are server accounts (same password) usable only with that client
        id; device accounts are always bound to client id = username.

        Each call rewrites every account and makes the broker re-check every connection, so
        batch changes (one call per enrolment burst, not per device) on large fleets.
        """
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._bound_server_ids = list(bound_server_ids)
            bound = [Account(cid, server_account.password_hash) for cid in self._bound_server_ids]
            write_credentials(self.directory, [*bound, *accounts], server_account)
            self._server_username = server_account.username
            self._write_config()
            if self.is_running:
                self.reload()

    def reload(self, timeout: float = 30.0) -> None:
        """SIGHUP, then wait until the broker logs the reload, so that a revoked device is
        refused (and disconnected) once this returns."""
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self._signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while self._log_since(offset).find(self.reload_marker) < 0:
            if time.monotonic() > deadline or not self.is_running:
                raise BrokerError(f"{self.kind} broker did not confirm the reload within {timeout:.0f} s")
            time.sleep(0.01)  # the broker reports the reload only through its log
        # Mosquitto logs the marker *before* re-checking every connected client; its loop is
        # single-threaded, so an answered CONNECT proves that work is done.
        if not connack_probe(self.host, self.port, max(0.1, deadline - time.monotonic())):
            raise BrokerError(f"{self.kind} broker did not answer after the reload within {timeout:.0f} s")

    def start(self, timeout: float = 15.0) -> None:
        """Start the child and return once it answers MQTT CONNECTs on ``host:port``."""
        with self._lock:
            self._start(timeout)

    def _start(self, timeout: float) -> None:
        if self.is_running:
            return
        if self._server_username is None:
            raise BrokerError("call update_accounts() before start(): the broker needs its credentials")
        self._stop_stale_child()
        if port_accepts(self.host, self.port):
            # Never share a port with a foreign broker: its readiness would look like ours.
            raise BrokerError(f"{self.host}:{self.port} is already in use; refusing to start {self.kind}")
        self._write_config()
        raise_nofile_limit()
        with self.output_path.open("ab") as out:
            self._proc = subprocess.Popen(
                list(self._command()),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.directory,
                env=self._child_env(),
            )
        self.pid_path.write_text(f"{self._proc.pid}\n", encoding="ascii")
        self._wait_ready(timeout)
        log.info("%s broker pid %d listening on %s", self.kind, self._proc.pid, self.url)

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful stop (SIGTERM; Mosquitto saves its persistence file), SIGKILL after ``timeout``."""
        with self._lock:
            self._stop(timeout)

    def _stop(self, timeout: float) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("%s broker pid %d ignored SIGTERM for %.0f s; killing it", self.kind, proc.pid, timeout)
                proc.kill()
                proc.wait()
        self._forget()

    def kill(self) -> None:
        """SIGKILL, no chance to save anything: what a crash or an OOM kill looks like."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
            self._forget()

    def restart(self, timeout: float = 15.0) -> None:
        with self._lock:
            self._stop(10.0)
            self._start(timeout)

    # -- internals ----------------------------------------------------------------------------
    def _signal(self, signum: int) -> None:
        if not self.is_running or self._proc is None:
            raise BrokerError(f"{self.kind} broker is not running")
        self._proc.send_signal(signum)

    def _forget(self) -> None:
        self._proc = None
        self.pid_path.unlink(missing_ok=True)

    def _wait_ready(self, timeout: float) -> None:
        """Readiness, not sleeping: poll the port until it accepts, watching for an early exit."""
        assert self._proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if connack_probe(self.host, self.port, timeout=1.0):  # MQTT answers, not just TCP
                if self._proc.poll() is None:
                    return
                break
            try:
                self._proc.wait(timeout=0.02)  # doubles as the retry delay
                break  # exited during startup
            except subprocess.TimeoutExpired:
                continue
        code = self._proc.poll()
        if code is None:
            self._proc.kill()
            self._proc.wait()
        self._forget()
        raise BrokerError(
            f"{self.kind} broker did not become ready on {self.url} within {timeout:.0f} s "
            f"(exit code {code}); last output:\n{self._output_tail()}"
        )

    def _log_since(self, offset: int) -> str:
        try:
            with self.log_path.open("rb") as handle:
                handle.seek(offset)
                return handle.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def _output_tail(self, lines: int = 20) -> str:
        texts = []
        for path in (self.output_path, self.log_path):
            with contextlib.suppress(OSError):
                texts += path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        return "\n".join(texts)

    def _stop_stale_child(self) -> None:
        """Stop a broker left over by a crashed server run of this same directory.

        Only a process whose command line names our config file is touched, so an unrelated
        process that happens to reuse the pid is never signalled.
        """
        try:
            pid = int(self.pid_path.read_text(encoding="ascii").strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            self.pid_path.unlink(missing_ok=True)
            return
        if str(self.config_path).encode() not in cmdline:
            self.pid_path.unlink(missing_ok=True)
            return
        log.warning("stopping stale %s broker pid %d from a previous run", self.kind, pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)  # not our child: no wait() available, so poll /proc
        self.pid_path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    """Running and not a zombie (a zombie has exited; its port is already free)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] != ["Z"]
