"""``may_air`` / ``airable_versions``: the single gate between the workflow and devices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from server.models.bulletins import Bulletin, BulletinTarget, BulletinVersion
from server.services.airing import AirableVersion, airable_versions, may_air
from tests.server.conftest import World


def _gate(world: World, version_id: int, now: datetime | None = None) -> bool:
    with world.session() as s:
        version = s.get(BulletinVersion, version_id)
        assert version is not None
        return may_air(version, now or datetime.now(UTC))


def _airable_ids(world: World, **kwargs: object) -> set[int]:
    with world.session() as s:
        return {a.version_id for a in airable_versions(s, datetime.now(UTC), **kwargs)}  # type: ignore[arg-type]


def test_only_the_approved_version_airs_within_its_window(world: World) -> None:
    start = datetime.now(UTC) + timedelta(hours=1)
    draft = world.create()
    submitted = world.submitted()
    future = world.approved(valid_from=start.isoformat(), valid_until=(start + timedelta(days=1)).isoformat())
    live = world.approved()
    assert not _gate(world, draft["version_id"]) and not _gate(world, submitted["version_id"])
    assert not _gate(world, future["version_id"])
    assert _gate(world, future["version_id"], start)
    assert not _gate(world, future["version_id"], start - timedelta(seconds=1))
    end = datetime.fromisoformat(future["valid_until"])
    assert not _gate(world, future["version_id"], end)
    assert _gate(world, live["version_id"])
    ids = _airable_ids(world)
    assert live["version_id"] in ids
    assert {draft["version_id"], submitted["version_id"], future["version_id"]}.isdisjoint(ids)


@pytest.mark.parametrize("column", ["body", "board_text", "title", "repeats_per_day", "audio_sha256",
                                    "approved_audio_sha256", "approved_hash", "version_hash", "valid_until"])
def test_a_row_changed_behind_the_workflow_stops_airing(world: World, column: str) -> None:
    live = world.approved()
    assert _gate(world, live["version_id"])
    values: dict[str, object] = {
        "body": "Nội dung bị sửa lén.", "board_text": "Sửa lén", "title": "Sửa lén", "repeats_per_day": 9,
        "audio_sha256": "a" * 64, "approved_audio_sha256": "b" * 64, "approved_hash": "c" * 64,
        "version_hash": "d" * 64, "valid_until": datetime.now(UTC) + timedelta(days=300),
    }
    with world.session() as s:
        s.execute(update(BulletinVersion).where(col(BulletinVersion.id) == live["version_id"])
                  .values({column: values[column]}))
        s.commit()
    assert not _gate(world, live["version_id"])
    assert live["version_id"] not in _airable_ids(world)


def test_an_added_target_stops_airing(world: World) -> None:
    live = world.approved()
    with world.session() as s:
        s.add(BulletinTarget(version_id=live["version_id"], area_code="W002-T01"))
        s.commit()
    assert not _gate(world, live["version_id"])


def test_moving_the_approved_pointer_to_an_unapproved_version_does_not_air_it(world: World) -> None:
    live = world.approved()
    pending = world.patch("mot.canbo", live["id"], live["version"], body="Bản chưa duyệt.").json()
    with world.session() as s:
        s.execute(update(Bulletin).where(col(Bulletin.id) == live["id"])
                  .values(approved_version_id=pending["version_id"]))
        s.commit()
    assert not _gate(world, pending["version_id"]) and not _gate(world, live["version_id"])


def test_airable_versions_filters_by_exact_target_codes(world: World) -> None:
    hamlet = world.approved(targets=["W001-T02"])
    commune = world.approved(targets=["W001"])
    province = world.submitted("tinh.duyet", targets=["W002"])
    world.act("mot.duyet", province["id"], "approve")  # out of scope: refused
    assert hamlet["version_id"] in _airable_ids(world, area_codes=["W001-T02"])
    assert commune["version_id"] not in _airable_ids(world, area_codes=["W001-T02"])
    # A device in hamlet W001-T02 asks for its area and every ancestor.
    device = _airable_ids(world, area_codes=["W001-T02", "W001", "P01"])
    assert {hamlet["version_id"], commune["version_id"]} <= device
    assert _airable_ids(world, area_codes=[]) == set()
    with world.session() as s:
        found = [a for a in airable_versions(s, datetime.now(UTC), area_codes=["W001-T02"])
                 if a.version_id == hamlet["version_id"]]
    assert len(found) == 1
    item = found[0]
    assert isinstance(item, AirableVersion)
    assert (item.bulletin_id, item.version_hash) == (hamlet["id"], hamlet["version_hash"])
    assert item.targets == ("W001-T02",) and item.audio_sha256 == hamlet["audio"]["sha256"]
    assert item.duration_ms == hamlet["audio"]["duration_ms"] and item.approved_by == world.ids["mot.duyet"]
    assert item.owner_area == "W001" and item.priority == "normal"


def test_airable_versions_over_a_window(world: World) -> None:
    now = datetime.now(UTC)
    tomorrow = now + timedelta(days=1)
    later = world.approved(valid_from=tomorrow.isoformat(), valid_until=(tomorrow + timedelta(hours=6)).isoformat())
    with world.session() as s:
        assert later["version_id"] not in {a.version_id for a in airable_versions(s, now)}
        window = {a.version_id for a in airable_versions(s, now, until=now + timedelta(days=2))}
        assert later["version_id"] in window
        short = {a.version_id for a in airable_versions(s, now, until=now + timedelta(hours=12))}
        assert later["version_id"] not in short


def test_may_air_needs_a_session_or_the_facts(world: World) -> None:
    live = world.approved()
    with world.session() as s:
        version = s.get(BulletinVersion, live["version_id"])
        bulletin = s.get(Bulletin, live["id"])
        stmt = select(BulletinTarget.area_code).where(BulletinTarget.version_id == live["version_id"])
        targets = list(s.exec(stmt))
        assert version is not None and bulletin is not None
        s.expunge_all()
    now = datetime.now(UTC)
    with pytest.raises(ValueError, match="session"):
        may_air(version, now)
    assert may_air(version, now, bulletin=bulletin, targets=targets)


def test_airing_on_both_databases(any_world: World) -> None:
    """The SQL half of the gate (window, status, target filter) on SQLite and PostgreSQL."""
    live = any_world.approved(targets=["W001-T01"])
    withdrawn = any_world.approved()
    any_world.act("mot.canbo", withdrawn["id"], "withdraw")
    edited = any_world.approved()
    pending = any_world.patch("mot.canbo", edited["id"], edited["version"], title="Đang chờ duyệt lại").json()
    with Session(any_world.engine) as s:
        ids = {a.version_id for a in airable_versions(s, datetime.now(UTC), area_codes=["W001-T01", "W001"])}
    assert live["version_id"] in ids and edited["version_id"] in ids
    assert withdrawn["version_id"] not in ids and pending["version_id"] not in ids
    later = datetime.now(UTC) + timedelta(days=30)
    with Session(any_world.engine) as s:
        assert airable_versions(s, later) == []
