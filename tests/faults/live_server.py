"""A real `loa serve` subprocess (with its managed broker) that a test can kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.brokers import free_port, wait_until


class LiveServer:
    def __init__(self, data_dir: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
        environ.update({"LOA_DATA_DIR": str(data_dir), "LOA_BROKER_PORT": str(free_port()), "LOA_LOG_LEVEL": "WARNING",
                        **env})
        self.log = data_dir.parent / f"server-{self.port}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", "import sys; from server.cli import main; sys.exit(main())",
                 "serve", "--port", str(self.port)],
                env=environ, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        assert wait_until(self._up, timeout=60, interval=0.1), self.log.read_text()[-3000:]

    def _up(self) -> bool:
        assert self.proc.poll() is None, self.log.read_text()[-3000:]
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # the server and its managed broker, no cleanup
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill9()
