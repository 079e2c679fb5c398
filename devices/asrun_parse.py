"""Server-side parsing of as-run batches that refuses bad records one by one.

Devices (and ``firmware_sim``) only build batches with ``protocol.AsRunBatch``; the server must
also survive batches it did not build.
"""

import re
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import Field, ValidationError

from devices.protocol import (
    MAX_ASRUN_BATCH_BYTES,
    MAX_ASRUN_RECORDS,
    AsRunBatch,
    AsRunRecord,
    DeviceId,
    IsoTime,
    Key,
    Rejected,
    WireModel,
    parse_bounded,
)


class _AsRunEnvelope(WireModel):  # a batch whose records are not yet validated one by one
    device_id: DeviceId
    batch_id: Key
    sent_at: IsoTime | None = None
    records: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_ASRUN_RECORDS)]


@dataclass(frozen=True)
class ParsedAsRun:
    """A batch's records that parsed, and the keys of those that did not (``malformed``)."""

    batch: AsRunBatch
    rejected: list[dict[str, str]] = field(default_factory=list)


def parse_asrun(raw: bytes, max_bytes: int = MAX_ASRUN_BATCH_BYTES) -> ParsedAsRun:
    """Parse an as-run batch, refusing bad records alone: one poison record must not make the
    device resend its good ones forever. The batch is ``malformed`` (``too_large``) as a whole only
    when its own fields are bad or a bad record has no usable key (the ack could not name it)."""
    if len(raw) > max_bytes:
        raise Rejected("too_large", f"{len(raw)} bytes > {max_bytes}")
    try:
        return ParsedAsRun(batch=AsRunBatch.model_validate_json(raw))  # the usual case: one pass
    except ValidationError:
        pass
    envelope = parse_bounded(raw, max_bytes, _AsRunEnvelope)
    good: list[AsRunRecord] = []
    rejected: list[dict[str, str]] = []
    for data in envelope.records:
        try:
            rec = AsRunRecord.model_validate(data)
            if rec.device_id != envelope.device_id:
                raise ValueError("record of another device")
            good.append(rec)
        except (ValidationError, ValueError) as exc:
            key = data.get("key")
            if not isinstance(key, str) or not _usable_key(key):
                raise Rejected("malformed", "a bad as-run record without a usable key") from exc
            rejected.append({"key": key, "reason": "malformed"})
    batch = AsRunBatch.model_construct(device_id=envelope.device_id, batch_id=envelope.batch_id,
                                       sent_at=envelope.sent_at, records=good)
    return ParsedAsRun(batch=batch, rejected=rejected)


def _usable_key(key: str) -> bool:
    return 1 <= len(key) <= 128 and re.fullmatch(r"[^\x00-\x1f\x7f]+", key) is not None
