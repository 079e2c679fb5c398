"""As-run records kept on disk until the server acknowledges them.

Every record is appended to ``asrun.jsonl`` the moment it is made, so a power loss loses none.
``take_batch`` hands out records that are not in flight; ``ack`` drops what the server stored
(or rejected for good) and rewrites the file; ``requeue`` puts in-flight batches back after a
reconnect or an acknowledgement timeout (records keep their idempotency keys, so a resend of
something already stored is harmless).
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from pydantic import ValidationError

from devices.protocol import MAX_ASRUN_RECORDS, AsRunAck, AsRunBatch, AsRunRecord
from firmware_sim.store import write_file


class Outbox:
    def __init__(self, path: Path, device_id: str) -> None:
        self.path = Path(path)
        self.device_id = device_id
        self.pending: dict[str, AsRunRecord] = {}
        self._inflight: dict[str, tuple[list[str], float]] = {}  # batch id -> (keys, sent at)
        self._load()

    def _load(self) -> None:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return
        for line in lines:
            try:
                record = AsRunRecord.model_validate_json(line)
            except ValidationError:
                continue  # a line torn by a power loss mid-append
            self.pending[record.key] = record

    def add(self, record: AsRunRecord) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(record.model_dump_json(exclude_none=True) + "\n")
        self.pending[record.key] = record

    @property
    def inflight_keys(self) -> set[str]:
        return {key for keys, _ in self._inflight.values() for key in keys}

    @property
    def unsent(self) -> int:
        return len(self.pending) - len(self.inflight_keys & self.pending.keys())

    def take_batch(self, max_records: int = 100, sent_at: str | None = None) -> AsRunBatch | None:
        busy = self.inflight_keys
        keys = [key for key in self.pending if key not in busy][: min(max_records, MAX_ASRUN_RECORDS)]
        if not keys:
            return None
        batch_id = f"{self.device_id}.{secrets.token_hex(6)}"
        self._inflight[batch_id] = (keys, time.monotonic())
        return AsRunBatch(device_id=self.device_id, batch_id=batch_id, sent_at=sent_at,
                          records=[self.pending[k] for k in keys])

    def ack(self, ack: AsRunAck) -> tuple[int, int]:
        """Apply an acknowledgement; (stored, rejected) counts of records it released."""
        self._inflight.pop(ack.batch_id, None)
        stored = [key for key in ack.stored if key in self.pending]
        rejected = [item["key"] for item in ack.rejected if item.get("key") in self.pending]
        for key in (*stored, *rejected):
            del self.pending[key]
        if stored or rejected:
            self._rewrite()
        return len(stored), len(rejected)

    def requeue(self, older_than: float | None = None, batch_id: str | None = None) -> int:
        """Forget in-flight batches (all, one, or those sent more than ``older_than`` s ago)."""
        now = time.monotonic()
        drop = [
            bid for bid, (_, sent) in self._inflight.items()
            if (batch_id is None or bid == batch_id) and (older_than is None or now - sent >= older_than)
        ]
        for bid in drop:
            del self._inflight[bid]
        return len(drop)

    def oldest_inflight(self) -> float | None:
        """``time.monotonic()`` when the oldest batch still in flight was handed out."""
        return min((sent for _, sent in self._inflight.values()), default=None)

    @property
    def has_inflight(self) -> bool:
        return bool(self._inflight)

    def _rewrite(self) -> None:
        lines = "".join(r.model_dump_json(exclude_none=True) + "\n" for r in self.pending.values())
        write_file(self.path, lines.encode())
