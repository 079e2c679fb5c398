"""The audit hash chain: appends, `loa audit verify` catching every kind of tampering, and
concurrent appends that never fork the chain — on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col, select

from server.cli import main
from server.db import get_engine
from server.models.audit import GENESIS_HASH, AuditEvent, AuditHead
from server.services import audit
from server.services.audit_verify import verify_chain
from server.settings import Settings

EVENTS = 6


def _append(engine: Engine, data_dir: Path, n: int, actor: str = "t") -> None:
    for i in range(n):
        with audit.bind(Session(engine), data_dir) as s:
            details = {"i": i, "by": actor, "text": "Thôn Đồng Hòa"}
            audit.record(s, None, "test_event", f"test:{actor}", details)
            s.commit()


@pytest.fixture
def chain(any_settings: Settings) -> tuple[Settings, Engine]:
    engine = get_engine(any_settings.db_url)
    _append(engine, any_settings.data_dir, EVENTS)
    return any_settings, engine


def _verify(settings: Settings, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    if settings.database_url:
        monkeypatch.setenv("LOA_DATABASE_URL", settings.database_url)
    code = main(["audit", "verify", "--data-dir", str(settings.data_dir)])
    return code, capsys.readouterr().out


def test_intact_chain_verifies(chain: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    settings, engine = chain
    with Session(engine) as s:
        rows = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq))).all()
        head = s.get(AuditHead, 1)
    assert [r.seq for r in rows] == list(range(1, EVENTS + 1))
    assert rows[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert rows[0].details == {"i": 0, "by": "t", "text": "Thôn Đồng Hòa"}
    assert head is not None and (head.seq, head.hash) == (EVENTS, rows[-1].hash)
    witness = json.loads((settings.data_dir / "audit-head").read_text())
    assert witness == {"seq": EVENTS, "hash": rows[-1].hash}
    code, out = _verify(settings, monkeypatch, capsys)
    assert code == 0 and f"{EVENTS} sự kiện" in out


def test_verify_catches_an_update(chain: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    settings, engine = chain
    with engine.begin() as conn:
        conn.execute(update(AuditEvent).where(col(AuditEvent.seq) == 3).values(details={"i": 99}))
    code, out = _verify(settings, monkeypatch, capsys)
    assert code == 1 and "#3" in out
    assert _problem(settings, engine) == ("altered", 3)


def test_verify_catches_a_rehashed_update_at_the_next_link(chain: tuple[Settings, Engine]) -> None:
    settings, engine = chain
    with Session(engine) as s:
        ev = s.get(AuditEvent, 3)
        assert ev is not None
        ev.actor = "mallory"
        ev.hash = audit.hash_of(ev)
        s.add(ev)
        s.commit()
    assert _problem(settings, engine) == ("broken_link", 4)


def test_verify_catches_a_deleted_middle_row(chain: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    settings, engine = chain
    with engine.begin() as conn:
        conn.execute(delete(AuditEvent).where(col(AuditEvent.seq) == 4))
    code, out = _verify(settings, monkeypatch, capsys)
    assert code == 1 and "#4" in out
    assert _problem(settings, engine) == ("missing", 4)


def test_verify_catches_a_deleted_newest_row(chain: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    settings, engine = chain
    with engine.begin() as conn:
        conn.execute(delete(AuditEvent).where(col(AuditEvent.seq) == EVENTS))
    code, out = _verify(settings, monkeypatch, capsys)
    assert code == 1 and f"#{EVENTS}" in out
    assert _problem(settings, engine) == ("truncated", EVENTS)


def test_the_witness_file_catches_truncation_that_also_rewrote_the_head_row(
    chain: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    settings, engine = chain
    with Session(engine) as s:
        fifth = s.get(AuditEvent, EVENTS - 1)
        assert fifth is not None
        s.execute(delete(AuditEvent).where(col(AuditEvent.seq) == EVENTS))
        s.execute(update(AuditHead).values(seq=fifth.seq, hash=fifth.hash))
        s.commit()
    code, out = _verify(settings, monkeypatch, capsys)
    assert code == 1 and f"#{EVENTS}" in out and "audit-head" in out
    assert _problem(settings, engine) == ("truncated", EVENTS)


def test_verify_catches_a_swapped_pair(chain: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    settings, engine = chain
    with engine.begin() as conn:
        for old, new in ((2, -2), (3, 2), (-2, 3)):
            conn.execute(update(AuditEvent).where(col(AuditEvent.seq) == old).values(seq=new))
    code, out = _verify(settings, monkeypatch, capsys)
    assert code == 1 and "#2" in out
    assert _problem(settings, engine) == ("altered", 2)


def test_verify_catches_a_missing_or_foreign_witness(chain: tuple[Settings, Engine]) -> None:
    settings, engine = chain
    witness = settings.data_dir / "audit-head"
    witness.write_text(json.dumps({"seq": 2, "hash": "f" * 64}))
    assert _problem(settings, engine) == ("witness_mismatch", 2)
    witness.unlink()
    assert _problem(settings, engine) == ("witness_missing", None)


def test_empty_chain_is_intact(settings: Settings) -> None:
    with Session(get_engine(settings.db_url)) as s:
        result = verify_chain(s, settings.data_dir)
    assert result.ok and result.events == 0


def test_a_rolled_back_append_leaves_no_trace(any_settings: Settings) -> None:
    engine = get_engine(any_settings.db_url)
    _append(engine, any_settings.data_dir, 2)
    with audit.bind(Session(engine), any_settings.data_dir) as s:
        audit.record(s, None, "test_event", "test:rollback", {})
        s.rollback()
    with audit.bind(Session(engine), any_settings.data_dir) as s:
        audit.record(s, None, "test_event", "test:closed", {})  # session closed without commit
    _append(engine, any_settings.data_dir, 1)
    with Session(engine) as s:
        result = verify_chain(s, any_settings.data_dir)
        subjects = s.exec(select(AuditEvent.subject)).all()
    assert result.ok and result.events == 3, result
    assert "test:rollback" not in subjects and "test:closed" not in subjects
    assert json.loads((any_settings.data_dir / "audit-head").read_text())["seq"] == 3


def test_record_refuses_a_session_without_data_dir(settings: Settings) -> None:
    with Session(get_engine(settings.db_url)) as s, pytest.raises(RuntimeError, match="data dir"):
        audit.record(s, None, "test_event")


def test_concurrent_appends_never_fork_the_chain(any_settings: Settings) -> None:
    engine = get_engine(any_settings.db_url)
    threads, per_thread = 6, 8
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            _append(engine, any_settings.data_dir, per_thread, actor=f"w{n}")
        except BaseException as exc:
            errors.append(exc)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=60)
    assert not errors, errors
    total = threads * per_thread
    with Session(engine) as s:
        result = verify_chain(s, any_settings.data_dir)
        seqs = s.exec(select(AuditEvent.seq).order_by(col(AuditEvent.seq))).all()
        by_actor = s.exec(select(AuditEvent.subject)).all()
    assert result.ok, result
    assert list(seqs) == list(range(1, total + 1))
    assert sorted(set(by_actor)) == [f"test:w{n}" for n in range(threads)]
    assert json.loads((any_settings.data_dir / "audit-head").read_text())["seq"] == total


def _problem(settings: Settings, engine: Engine) -> tuple[str, int | None]:
    with Session(engine) as s:
        result = verify_chain(s, settings.data_dir)
    assert not result.ok
    return result.problem, result.bad_seq
