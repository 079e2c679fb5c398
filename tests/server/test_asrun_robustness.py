"""As-run ingest under bad input and changing bulletins: a record the database cannot hold costs
only itself (never the other devices' batches in its pass), and the category/priority stored with
a record are those of the bulletin version it names, not of whatever was cached first."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlmodel import Session, select

from devices import protocol
from devices.mqtt import ReceivedMessage
from server.db import get_engine
from server.delivery.ingest import Ingest
from server.models.asrun import AsRun
from server.models.bulletins import Bulletin, BulletinVersion, Category, Priority
from server.models.devices import Device
from server.runtime import system_clock
from server.services import asrun as asrun_service
from server.services.asrun import INT4_MAX, UNSTORABLE, BulletinFacts, IngestStats, store_batches
from server.settings import Settings
from tests.factories import add_users, seed_two_communes

DEVICES = ("loa-a", "loa-b", "loa-c")
NOW = datetime(2025, 6, 2, 0, 0, tzinfo=UTC)


def record(device: str, key: str, **over: Any) -> dict[str, Any]:
    return {
        "key": key, "device_id": device, "kind": "audio", "planned_start": "2025-06-01T23:00:00Z",
        "actual_start": "2025-06-01T23:00:00Z", "actual_end": "2025-06-01T23:01:00Z",
        "device_time": "2025-06-02T00:00:00Z", "outcome": "played", "duration_ms": 60_000, "aired_ms": 60_000,
    } | over


def message(device: str, batch_id: str, *records: dict[str, Any]) -> ReceivedMessage:
    body = json.dumps({"device_id": device, "batch_id": batch_id, "records": list(records)}).encode()
    return ReceivedMessage(protocol.asrun_topic(device), body, 1, False)


class Acks:
    """Stands in for the ingest's MQTT client: records what it would publish."""

    def __init__(self) -> None:
        self.sent: dict[str, dict[str, Any]] = {}

    def publish_many(self, messages: list[tuple[str, bytes | str, bool]], *, qos: int, timeout: float) -> None:
        for topic, payload, _retain in messages:
            self.sent[topic.split("/")[3]] = json.loads(payload)


def ingest_for(engine: Engine) -> tuple[Ingest, Acks]:
    ingest, acks = Ingest(), Acks()
    ingest.runtime = SimpleNamespace(engine=engine, clock=system_clock)
    ingest.facts = BulletinFacts(engine)
    ingest.client = acks  # type: ignore[assignment]
    return ingest, acks


@pytest.fixture
def db(any_settings: Settings) -> Engine:
    engine = get_engine(any_settings.db_url)
    seed_two_communes(engine)
    with Session(engine) as session:
        for device in DEVICES:
            session.add(Device(id=device, kind="speaker", area_code="W001-T01", name="", password_hash="x",
                               created_at=datetime(2025, 1, 1, tzinfo=UTC)))
        session.commit()
    return engine


def stored(engine: Engine) -> dict[str, AsRun]:
    with Session(engine) as session:
        return {row.key: row for row in session.exec(select(AsRun)).all()}


def test_an_out_of_range_record_is_malformed_and_sinks_nothing_beside_it(db: Engine) -> None:
    ingest, acks = ingest_for(db)
    ingest.process([
        message("loa-a", "a", record("loa-a", "a-1")),
        message("loa-b", "b", record("loa-b", "b-1", aired_ms=10**19, version_hash="x" * 65)),
        message("loa-c", "c", record("loa-c", "c-1"), record("loa-c", "c-2", bulletin_id=None)),
    ])
    assert sorted(stored(db)) == ["a-1", "c-1", "c-2"]
    assert acks.sent == {"loa-a": {"batch_id": "a", "stored": ["a-1"], "rejected": []},
                         "loa-b": {"batch_id": "b", "stored": [], "rejected": [{"key": "b-1", "reason": "malformed"}]},
                         "loa-c": {"batch_id": "c", "stored": ["c-1", "c-2"], "rejected": []}}
    assert ingest.stats.reasons == {"malformed": 1} and ingest.stats.stored == 3


def _unchecked(device: str, batch_id: str, *records: dict[str, Any]) -> protocol.AsRunBatch:
    """A batch as if the wire model had let it through (it no longer does): the store's own guard."""
    return protocol.AsRunBatch.model_construct(
        device_id=device, batch_id=batch_id, records=[protocol.AsRunRecord.model_construct(**r) for r in records])


def test_a_batch_the_database_refuses_costs_only_its_bad_record(db: Engine) -> None:
    with Session(db) as session:
        devices = {d: session.get(Device, d) for d in DEVICES}
        for device in devices.values():
            session.expunge(device)
    items = [
        (devices["loa-a"], _unchecked("loa-a", "a", record("loa-a", "a-1"), record("loa-a", "a-2"))),
        (devices["loa-b"], _unchecked("loa-b", "b", record("loa-b", "b-ok"),
                                      record("loa-b", "b-bad", aired_ms=10**19))),
        (devices["loa-c"], _unchecked("loa-c", "c", record("loa-c", "c-1"))),
    ]
    facts, stats = BulletinFacts(db), IngestStats()
    for attempt in range(2):  # the second time every good record is a duplicate, the bad one refused again
        acks = dict(store_batches(db, items, NOW, facts, stats))  # type: ignore[arg-type]
        assert acks["loa-a"] == protocol.AsRunAck(batch_id="a", stored=["a-1", "a-2"])
        assert acks["loa-b"] == protocol.AsRunAck(batch_id="b", stored=["b-ok"],
                                                  rejected=[{"key": "b-bad", "reason": UNSTORABLE}])
        assert acks["loa-c"] == protocol.AsRunAck(batch_id="c", stored=["c-1"])
        assert sorted(stored(db)) == ["a-1", "a-2", "b-ok", "c-1"]
        assert (stats.stored, stats.duplicates, stats.reasons) == (4, 4 * attempt, {UNSTORABLE: attempt + 1})
    assert (stats.batches, stats.records) == (6, 10)


def test_a_connection_error_acknowledges_nothing(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def lost(*_: Any) -> int:
        raise sa_exc.OperationalError("INSERT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(asrun_service, "insert_rows", lost)
    with Session(db) as session:
        device = session.get(Device, "loa-a")
        assert device is not None
        session.expunge(device)
    batch = protocol.AsRunBatch.model_validate({"device_id": "loa-a", "batch_id": "a",
                                                "records": [record("loa-a", "a-1")]})
    stats = IngestStats()
    with pytest.raises(sa_exc.OperationalError):  # not "unstorable": the device must resend
        store_batches(db, [(device, batch)], NOW, BulletinFacts(db), stats)
    assert stats.rejected == 0 and stats.records == 0


def test_device_clocks_years_off_are_stored_flagged(db: Engine) -> None:
    ingest, acks = ingest_for(db)
    ingest.process([message("loa-a", "a", record("loa-a", "epoch", device_time="1970-01-01T00:00:00Z"),
                            record("loa-a", "far", device_time="2100-12-31T23:59:59Z"))])
    rows = stored(db)
    assert acks.sent["loa-a"]["stored"] == ["epoch", "far"]
    assert (rows["epoch"].clock_skew_ms, rows["far"].clock_skew_ms) == (-INT4_MAX, INT4_MAX)
    assert rows["epoch"].skew_flagged and rows["far"].skew_flagged


def _add_version(session: Session, bulletin: Bulletin, number: int, digest: str, priority: str, category: str,
                 user_id: int) -> None:
    """A new approved version; the bulletin's own columns follow it, as a re-approval does."""
    assert bulletin.id is not None
    version = BulletinVersion(
        bulletin_id=bulletin.id, number=number, title="Tin", body="Tin", board_text="Tin",
        priority=Priority(priority), category=Category(category), valid_from=datetime(2025, 5, 1, tzinfo=UTC),
        valid_until=datetime(2026, 1, 1, tzinfo=UTC), version_hash=digest, created_by=user_id,
    )
    session.add(version)
    session.flush()
    bulletin.approved_version_id, bulletin.priority, bulletin.category = version.id, priority, category
    session.add(bulletin)


def test_facts_follow_the_version_a_record_names_after_a_reapproval(db: Engine) -> None:
    user_id = add_users(db, [("seed.admin", "admin", "P01")])["seed.admin"].id or 0
    with Session(db) as session:
        bulletin = Bulletin(status="approved", area_code="P01", priority="normal", category="health",
                            created_by=user_id)
        session.add(bulletin)
        session.flush()
        _add_version(session, bulletin, 1, "h1", "normal", "health", user_id)
        session.commit()
        bid = bulletin.id
    ingest, _ = ingest_for(db)  # one ingest, one cache, across the re-approval
    ingest.process([message("loa-a", "a1", record("loa-a", "v1", bulletin_id=bid, version_hash="h1"),
                            record("loa-a", "none-before", bulletin_id=bid))])
    with Session(db) as session:
        bulletin = session.get(Bulletin, bid)
        assert bulletin is not None
        _add_version(session, bulletin, 2, "h2", "emergency", "disaster", user_id)
        session.commit()
    ingest.process([message("loa-a", "a2", record("loa-a", "v2", bulletin_id=bid, version_hash="h2"),
                            record("loa-a", "v1-late", bulletin_id=bid, version_hash="h1"),
                            record("loa-a", "none-after", bulletin_id=bid),
                            record("loa-a", "unknown-hash", bulletin_id=bid, version_hash="h9"),
                            record("loa-a", "no-bulletin", bulletin_id=bid + 1000, version_hash="h1"))])
    facts = {key: (row.category, row.priority) for key, row in stored(db).items()}
    assert facts == {
        "v1": ("health", "normal"), "none-before": ("health", "normal"),
        "v2": ("disaster", "emergency"), "v1-late": ("health", "normal"),  # the version that aired
        "none-after": ("disaster", "emergency"), "unknown-hash": ("disaster", "emergency"),
        "no-bulletin": (None, None),
    }


def test_skew_is_measured_when_the_batch_was_sent_not_when_the_record_was_written(db: Engine) -> None:
    with Session(db) as session:
        device = session.get(Device, "loa-a")
        assert device is not None
        session.expunge(device)
    three_hours_ago = "2025-06-01T21:00:00Z"  # written during an outage, sent on reconnection at NOW

    def batch(batch_id: str, sent_at: str | None, **over: Any) -> protocol.AsRunBatch:
        body = {"device_id": "loa-a", "batch_id": batch_id, "records": [record("loa-a", batch_id, **over)]}
        return protocol.AsRunBatch.model_validate(body | ({"sent_at": sent_at} if sent_at else {}))

    late = batch("late", "2025-06-02T00:00:00Z", device_time=three_hours_ago)
    fast = batch("fast", "2025-06-02T00:05:00Z")  # a clock 5 min ahead
    old = batch("old", None, device_time=three_hours_ago)  # firmware without sent_at
    store_batches(db, [(device, late), (device, fast), (device, old)], NOW, BulletinFacts(db), IngestStats())
    rows = stored(db)
    assert not rows["late"].skew_flagged and rows["late"].clock_skew_ms == 0
    assert rows["fast"].skew_flagged and rows["fast"].clock_skew_ms == 300_000
    assert rows["old"].skew_flagged and rows["old"].clock_skew_ms == -3 * 3600 * 1000
    assert rows["late"].device_time == datetime(2025, 6, 1, 21, 0, tzinfo=UTC)  # still when it was written
