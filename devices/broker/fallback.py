"""Pure-Python fallback broker (amqtt 0.11.0) for machines without Mosquitto.

The parent side (``AmqttBroker``) writes a JSON config next to the generated password and ACL
files and runs ``python -m devices.broker.amqtt_server --config FILE`` as a child process, so
the broker never shares the server's event loop or GIL.

Limits (measured on a shared 2-core test machine; raw MQTT 3.1.1 clients that connect,
subscribe to their manifest and to ``loa/v1/area/+/alert`` and receive the retained ones):

* 1,000 devices connect in ~2.5-5 s and 10,000 in ~45 s (Mosquitto: ~2.5-6 s for 10,000);
  the broker needs ~60 KB of RAM per connection (590 MiB at 10,000; Mosquitto 60 MiB);
* MQTT 3.1.1 only: no MQTT 5, no ``$share`` shared subscriptions, no packet size limit;
* retained messages and persistent sessions live in memory only: a restart loses them, and the
  server's convergence (republish from the database on a reconnect without a session)
  restores manifests and alerts.

``FALLBACK_DEVICE_LIMIT`` is the fleet size for which a full reconnect storm still settles in
about ten seconds. Install Mosquitto for anything larger.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from devices.broker.credentials import write_private_file
from devices.broker.process import ManagedBroker

# Devices per fallback broker we stand behind (connect + subscribe + retained delivery).
FALLBACK_DEVICE_LIMIT = 2000


class AmqttBroker(ManagedBroker):
    kind: ClassVar[str] = "amqtt"
    config_name: ClassVar[str] = "amqtt.json"
    reload_marker: ClassVar[str] = "reloaded "

    @property
    def supports_shared_subscriptions(self) -> bool:
        return False  # amqtt 0.11 treats "$share/..." as an ordinary topic

    @property
    def log_path(self) -> Path:
        return self.directory / "amqtt.log"

    def _command(self) -> Sequence[str]:
        return [sys.executable, "-m", "devices.broker.amqtt_server", "--config", str(self.config_path)]

    def _child_env(self) -> dict[str, str]:
        # The child must import this very checkout of the package, whatever its working directory.
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        return env

    def _write_config(self) -> None:
        config = {
            "host": self.host,
            "port": self.port,
            "password_file": str(self.directory / "passwords"),
            "server_username": self._server_username,
            "bound_server_ids": self._bound_server_ids,
            "log_file": str(self.log_path),
        }
        write_private_file(self.config_path, json.dumps(config, indent=2) + "\n")
