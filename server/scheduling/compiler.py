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
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from devices.board import BoardError, render_board
from devices.protocol import Signer
from playlists import model as pm
from playlists.compile import Compiler
from server.models.asrun import PlannedAiring
from server.models.devices import Device, DeviceManifest
from server.scheduling.inputs import LoadedInputs, load_inputs
from server.services.areas import load_tree

log = logging.getLogger(__name__)


def board_renderer(text: str, cols: int, rows: int, ascii_only: bool) -> tuple[list[list[str]], list[float]]:
    try:
        rendered = render_board(text, cols, rows, ascii_only=ascii_only)
    except BoardError as exc:
        raise ValueError(exc.message) from exc
    return rendered.pages, rendered.seconds


class DeviceFields(Protocol):
    """What ``device_def`` reads: a ``Device`` or a row of those columns."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def area_code(self) -> str: ...
    @property
    def board_cols(self) -> int | None: ...
    @property
    def board_rows(self) -> int | None: ...
    @property
    def board_ascii(self) -> bool: ...


def device_def(d: DeviceFields) -> pm.DeviceDef:
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
        # Plain columns, not ORM objects: tens of thousands of Device instances cost seconds.
        query = sa_select(
            col(Device.id), col(Device.kind), col(Device.area_code), col(Device.board_cols),
            col(Device.board_rows), col(Device.board_ascii),
        ).where(col(Device.revoked_at).is_(None)).order_by(col(Device.id))
        if device_ids is not None:
            query = query.where(col(Device.id).in_(list(device_ids)))
        devices = [device_def(d) for d in session.execute(query).all()]
        existing = {
            row[0]: (row[1], row[2])
            for row in session.exec(
                select(DeviceManifest.device_id, DeviceManifest.content_hash, DeviceManifest.seq)
            ).all()
        }
    compiler = make_compiler(loaded, now, tz, days)
    expires_at = compiler.window_to + timedelta(days=1)
    categories = _categories(loaded)
    plans: list[dict[str, Any]] = []
    planned_areas: dict[str, None] = {}
    fresh: list[dict[str, Any]] = []  # devices without a manifest yet: inserted
    bumped: list[dict[str, Any]] = []  # re-signed with the next seq: updated
    for device in devices:
        if device.kind == "speaker" and device.area_code not in planned_areas:
            # Planned here, while the area's packing is still in the compiler's bounded cache
            # (a second pass over thousands of areas afterwards would pack them all again).
            planned_areas[device.area_code] = None
            plans += plan_rows(compiler, device.area_code, categories)
        # Content identity: the payload with seq/issue times fixed, so only real changes count.
        # Everything but seq/issue times, with the alerts active now: only real changes count.
        content_hash = compiler.content_digest(device, now)
        old_hash, old_seq = existing.get(device.device_id, (None, 0))
        result.devices += 1
        if content_hash == old_hash:
            continue
        body = compiler.manifest_bytes(device, seq=old_seq + 1, issued_at=now, expires_at=expires_at)
        envelope = signer.sign(body)
        row = {
            "device_id": device.device_id, "seq": old_seq + 1, "content_hash": content_hash,
            "etag": hashlib.sha256(envelope).hexdigest(), "envelope": envelope.decode(),
            "window_from": compiler.days[0], "compiled_at": now, "published_at": None,
        }
        if old_hash is None:
            fresh.append(row)
        else:
            row["b_device_id"] = device.device_id
            bumped.append(row)
        if len(fresh) + len(bumped) >= batch_size:
            result.changed += _store(engine, fresh, bumped)
            fresh, bumped = [], []
    result.changed += _store(engine, fresh, bumped)
    result.planned_rows = _replace_plans(engine, sorted(planned_areas), plans, now)
    result.seconds = clock.perf_counter() - started
    log.info("compiled %d device(s), %d changed, in %.2f s", result.devices, len(result.changed), result.seconds)
    return result


def _store(engine: Any, new: list[dict[str, Any]], old: list[dict[str, Any]]) -> list[str]:
    """Insert ``new`` and update ``old`` manifests in one transaction; returns their device ids."""
    if not new and not old:
        return []
    table = DeviceManifest.__table__  # type: ignore[attr-defined]
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
            session.connection().execute(stmt, old)
        session.commit()
    return [r["device_id"] for r in new] + [r["device_id"] for r in old]


def _categories(loaded: LoadedInputs) -> dict[int, str]:
    return {v.bulletin_id: v.category for v in loaded.versions}


def plan_rows(compiler: Compiler, area: str, categories: dict[int, str]) -> list[dict[str, Any]]:
    """The planned audio airings of one speaker area over the window, as ``planned_item`` rows."""
    rows: list[dict[str, Any]] = []
    probe = pm.DeviceDef(f"plan-{area.lower()}", "speaker", area)
    for item in compiler.items(probe):
        if item["kind"] != "audio":
            continue
        # Always "YYYY-MM-DDTHH:MM:SSZ": fromisoformat reads it as aware UTC, ~50x faster than strptime.
        at = datetime.fromisoformat(item["start"])
        rows.append({
            "area_code": area, "local_date": pm.local_date(at), "start": at,
            "duration_ms": item["duration_ms"], "kind": "audio", "bulletin_id": item.get("bulletin_id"),
            "version_hash": item.get("version_hash"), "priority": item["priority"],
            "category": categories.get(item.get("bulletin_id") or -1), "slot_id": item.get("slot_id"),
        })
    # Emergencies are planned too: every targeted speaker × every repeat (played like any other).
    for alert, play in compiler.alert_plays(area):
        at = play.replace(microsecond=0)  # as devices see it: wire times have whole seconds
        rows.append({
            "area_code": area, "local_date": pm.local_date(at), "start": at, "duration_ms": alert.duration_ms,
            "kind": "audio", "bulletin_id": alert.bulletin_id, "version_hash": alert.version_hash,
            "priority": "emergency", "category": categories.get(alert.bulletin_id), "slot_id": None,
        })
    return rows


RECENT = timedelta(hours=6)  # longer than any slot run: how far a re-pack can move an item back


def _replace_plans(engine: Any, areas: list[str], rows: list[dict[str, Any]], now: datetime) -> int:
    """Replace the areas' plan from ``now`` on. What started before stays as it was planned then:
    the audit compares what aired with that plan, and a withdrawal or expiry at 11:00 (which
    drops the bulletin and re-packs the day) must not rewrite this morning's programme."""
    table = PlannedAiring.__table__  # type: ignore[attr-defined]
    # An alert's first play is at its start, usually just before this compile: planned all the same
    # (added once, never moved); its later repeats are replaced like any future item.
    started_alerts = [r for r in rows if r["priority"] == "emergency" and r["start"] < now]
    rows = [r for r in rows if not (r["priority"] == "emergency" and r["start"] < now)]
    with Session(engine) as session:
        if started_alerts:
            insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
            session.execute(insert(table).values(started_alerts).on_conflict_do_nothing(
                index_elements=["area_code", "start", "bulletin_id", "kind"]))
        kept = _moved_before_now(session, rows, now)
        kept_keys = {(r.area_code, r.start, r.bulletin_id, r.kind) for r in kept}
        rows = [r for r in rows if r["start"] >= now
                and (r["area_code"], r["start"], r["bulletin_id"], r["kind"]) not in kept_keys]
        for start in range(0, len(areas), 500):
            chunk = areas[start:start + 500]
            stmt = delete(table).where(table.c.area_code.in_(chunk)).where(table.c.start >= now)
            if kept:
                stmt = stmt.where(table.c.id.not_in([r.id for r in kept]))
            session.execute(stmt)
        if rows:
            session.execute(table.insert(), rows)
        session.commit()
    return len(rows)


def _moved_before_now(session: Session, rows: list[dict[str, Any]], now: datetime) -> list[Any]:
    """Planned rows (from ``now`` on) whose item the new plan moves before ``now``: a withdrawal
    mid-slot packs the rest of the slot earlier, and the devices skip what now lies behind them.
    Those rows stay: the item was planned there and will not air (the audit reports it missed)."""
    recent = [r for r in rows if now - RECENT <= r["start"] < now]
    if not recent:
        return []
    table = PlannedAiring.__table__  # type: ignore[attr-defined]
    areas = sorted({r["area_code"] for r in recent})
    old: list[Any] = []
    for start in range(0, len(areas), 500):
        old += session.execute(
            sa_select(table.c.id, table.c.area_code, table.c.local_date, table.c.start, table.c.slot_id,
                      table.c.bulletin_id, table.c.kind)
            .where(table.c.area_code.in_(areas[start:start + 500]))
            .where(table.c.start >= now - RECENT).where(table.c.start < now + RECENT)
        ).all()
    before = {(r.area_code, r.start, r.bulletin_id, r.kind) for r in old if r.start < now}
    moved = {(r["area_code"], r["local_date"], r["slot_id"], r["bulletin_id"], r["kind"]) for r in recent
             if (r["area_code"], r["start"], r["bulletin_id"], r["kind"]) not in before}
    return [r for r in old if r.start >= now
            and (r.area_code, r.local_date, r.slot_id, r.bulletin_id, r.kind) in moved]
