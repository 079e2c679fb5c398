"""Compile every device's manifest from the database, sign it, store what changed, and record
each area's planned airings for the airtime audit.

A manifest is re-signed with a higher ``seq`` only when its content (items, alerts, window)
changed, so a recompile triggered by an unrelated edit does not wake every device.
"""

from __future__ import annotations

import hashlib
import logging
import time as clock
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from devices.board import BoardError, render_board
from devices.protocol import Signer
from playlists import model as pm
from playlists.compile import Compiler
from playlists.payload import iso_epoch
from server.models.asrun import PlannedAiring
from server.models.devices import Device, DeviceManifest
from server.scheduling.inputs import LoadedInputs, load_inputs
from server.services.areas import load_tree

log = logging.getLogger(__name__)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def board_renderer(text: str, cols: int, rows: int, ascii_only: bool) -> tuple[list[list[str]], list[float]]:
    try:
        rendered = render_board(text, cols, rows, ascii_only=ascii_only)
    except BoardError as exc:
        raise ValueError(exc.message) from exc
    return rendered.pages, rendered.seconds


def device_def(d: Device) -> pm.DeviceDef:
    board = None
    if d.kind == "board" and d.board_cols and d.board_rows:
        board = pm.BoardGeometry(d.board_cols, d.board_rows, diacritics=not d.board_ascii)
    return pm.DeviceDef(d.id, "board" if d.kind == "board" else "speaker", d.area_code, board)


@dataclass
class CompileResult:
    devices: int = 0
    changed: list[str] = field(default_factory=list)
    planned_rows: int = 0
    seconds: float = 0.0


def make_compiler(loaded: LoadedInputs, now: datetime, tz: Any, days: int) -> Compiler:
    first_day = now.astimezone(tz).date()
    return Compiler(loaded.parents, loaded.inputs, first_day, days=days, render=board_renderer)


def compile_and_store(
    engine: Any, signer: Signer, tz: Any, now: datetime, *, days: int = 4,
    device_ids: Iterable[str] | None = None, batch_size: int = 2000,
) -> CompileResult:
    started = clock.perf_counter()
    result = CompileResult()
    tree = load_tree(engine)
    with Session(engine) as session:
        loaded = load_inputs(session, tree, now, days)
        query = select(Device).where(col(Device.revoked_at).is_(None)).order_by(Device.id)
        if device_ids is not None:
            query = query.where(col(Device.id).in_(list(device_ids)))
        devices = [device_def(d) for d in session.exec(query).all()]
        existing = {
            row[0]: (row[1], row[2])
            for row in session.exec(
                select(DeviceManifest.device_id, DeviceManifest.content_hash, DeviceManifest.seq)
            ).all()
        }
    compiler = make_compiler(loaded, now, tz, days)
    expires_at = compiler.window_to + timedelta(days=1)
    pending: list[dict[str, Any]] = []
    for device in devices:
        # Content identity: the payload with seq/issue times fixed, so only real changes count.
        probe = compiler.manifest_bytes(device, seq=1, issued_at=_EPOCH, expires_at=_EPOCH)
        content_hash = hashlib.sha256(probe).hexdigest()
        old_hash, old_seq = existing.get(device.device_id, (None, 0))
        result.devices += 1
        if content_hash == old_hash:
            continue
        body = compiler.manifest_bytes(device, seq=old_seq + 1, issued_at=now, expires_at=expires_at)
        envelope = signer.sign(body)
        pending.append({
            "device_id": device.device_id, "seq": old_seq + 1, "content_hash": content_hash,
            "etag": hashlib.sha256(envelope).hexdigest(), "envelope": envelope.decode(),
            "window_from": compiler.days[0], "compiled_at": now, "published_at": None,
            "_new": old_hash is None,
        })
        if len(pending) >= batch_size:
            _store(engine, pending)
            result.changed += [p["device_id"] for p in pending]
            pending = []
    _store(engine, pending)
    result.changed += [p["device_id"] for p in pending]
    speaker_areas = sorted({d.area_code for d in devices if d.kind == "speaker"})
    result.planned_rows = store_plans(engine, compiler, speaker_areas, loaded)
    result.seconds = clock.perf_counter() - started
    log.info("compiled %d device(s), %d changed, in %.2f s", result.devices, len(result.changed), result.seconds)
    return result


def _store(engine: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = DeviceManifest.__table__  # type: ignore[attr-defined]
    new = [{k: v for k, v in r.items() if k != "_new"} for r in rows if r["_new"]]
    old = [{k: v for k, v in r.items() if k != "_new"} for r in rows if not r["_new"]]
    with Session(engine) as session:
        if new:
            session.execute(table.insert(), new)
        if old:
            from sqlalchemy import bindparam, update

            stmt = update(table).where(table.c.device_id == bindparam("b_device_id")).values(
                seq=bindparam("seq"), content_hash=bindparam("content_hash"), etag=bindparam("etag"),
                envelope=bindparam("envelope"), window_from=bindparam("window_from"),
                compiled_at=bindparam("compiled_at"), published_at=None,
            )
            session.connection().execute(stmt, [{**r, "b_device_id": r["device_id"]} for r in old])
        session.commit()


def store_plans(engine: Any, compiler: Compiler, areas: list[str], loaded: LoadedInputs) -> int:
    """Replace each speaker area's planned audio airings over the window (the audit's "planned")."""
    categories = {v.bulletin_id: v.category for v in loaded.versions}
    rows: list[dict[str, Any]] = []
    for area in areas:
        probe = pm.DeviceDef(f"plan-{area.lower()}", "speaker", area)
        for item in compiler.items(probe):
            if item["kind"] != "audio":
                continue
            at = datetime.strptime(item["start"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            rows.append({
                "area_code": area, "local_date": pm.local_date(at), "start": at,
                "duration_ms": item["duration_ms"], "kind": "audio", "bulletin_id": item.get("bulletin_id"),
                "version_hash": item.get("version_hash"), "priority": item["priority"],
                "category": categories.get(item.get("bulletin_id") or -1), "slot_id": item.get("slot_id"),
            })
    table = PlannedAiring.__table__  # type: ignore[attr-defined]
    with Session(engine) as session:
        for start in range(0, len(areas), 500):
            chunk = areas[start:start + 500]
            session.execute(
                delete(table).where(table.c.area_code.in_(chunk)).where(table.c.local_date >= compiler.days[0])
            )
        if rows:
            session.execute(table.insert(), rows)
        session.commit()
    return len(rows)


__all__ = ["CompileResult", "board_renderer", "compile_and_store", "device_def", "iso_epoch"]
