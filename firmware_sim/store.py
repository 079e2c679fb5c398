"""A device's disk: what survives a reboot or a power loss (RAM does not).

Layout under ``{cache_dir}/devices/{device_id}/``:

* ``identity.json`` – credentials from enrolment and the server's public key
* ``manifest.json`` – the last accepted signed manifest envelope, byte for byte
* ``alerts.json``   – the last accepted signed alert envelope per alert topic, and the starts
  the device remembers (several emergencies of one area)
* ``state.json``    – last seq per topic, player progress, volume, manifest ETag
* ``asrun.jsonl``   – as-run records not yet acknowledged (see ``outbox``)

A simulated power loss happens between event-loop callbacks, never inside a write, so every
file holds either the old or the new content when the device boots again.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


def write_file(path: Path, data: bytes) -> None:
    """Replace ``path``'s content. A simulated power loss cannot interrupt a write (it runs
    between event-loop callbacks), so an in-place write is atomic for the simulation.

    Overwrite, then cut the tail: truncating to zero first (``write_bytes``) or renaming a
    temporary file makes ext4 (``auto_da_alloc``) flush the blocks on close — measured 75 µs
    against 13 µs per write, and ten thousand devices write twice per message."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.ftruncate(fd, len(data))
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Identity:
    """What enrolment returned (``POST /api/v1/devices``), kept on the device's disk."""

    device_id: str
    kind: str
    area_code: str
    mqtt_url: str
    password: str
    server_public_key: str
    kid: str
    board_cols: int | None = None
    board_rows: int | None = None
    board_ascii: bool = False

    @classmethod
    def from_enrolment(cls, body: dict[str, Any]) -> Identity:
        return cls(
            device_id=body["device_id"], kind=body["kind"], area_code=body["area_code"],
            mqtt_url=body["mqtt_url"], password=body["password"],
            server_public_key=body["server_public_key"], kid=body["kid"],
            board_cols=body.get("board_cols"), board_rows=body.get("board_rows"),
            board_ascii=bool(body.get("board_ascii", False)),
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class DeviceStore:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    @property
    def asrun_path(self) -> Path:
        return self.directory / "asrun.jsonl"

    def _read_json(self, name: str, default: Any) -> Any:
        try:
            return json.loads((self.directory / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return default

    def _write_json(self, name: str, data: Any) -> None:
        write_file(self.directory / name, json.dumps(data, ensure_ascii=False).encode())

    def save_identity(self, identity: Identity) -> None:
        self._write_json("identity.json", identity.to_json())

    def load_identity(self) -> Identity | None:
        data = self._read_json("identity.json", None)
        return Identity(**data) if isinstance(data, dict) else None

    def load_state(self) -> dict[str, Any]:
        data = self._read_json("state.json", {})
        return data if isinstance(data, dict) else {}

    def save_state(self, state: dict[str, Any]) -> None:
        self._write_json("state.json", state)

    def load_manifest(self) -> bytes | None:
        try:
            return (self.directory / "manifest.json").read_bytes()
        except OSError:
            return None

    def save_manifest(self, raw: bytes) -> None:
        write_file(self.directory / "manifest.json", raw)

    def load_alerts(self) -> tuple[dict[str, bytes], list[bytes]]:
        """The last accepted envelope per alert topic, and the starts the device remembers
        (several emergencies of one area, see ``alert_starts``)."""
        data = self._read_json("alerts.json", {})
        if not isinstance(data, dict):
            return {}, []
        topics, starts = data.get("topics", {}), data.get("starts", [])
        return {t: raw.encode() for t, raw in topics.items()}, [raw.encode() for raw in starts]

    def save_alerts(self, topics: dict[str, bytes], starts: list[bytes]) -> None:
        self._write_json("alerts.json", {"topics": {t: raw.decode() for t, raw in topics.items()},
                                         "starts": [raw.decode() for raw in starts]})
