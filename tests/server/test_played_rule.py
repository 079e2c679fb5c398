"""One definition of "played" (devices.played): the report's SQL and the devices' rule give the
same verdict on the same as-run records, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete
from sqlmodel import Session, select

from devices.played import is_played
from playlists.model import LOCAL_TZ
from server.db import get_engine
from server.models.asrun import AsRun
from server.services.reports_sql import _facts_sql, _params, _statement
from server.settings import Settings

DAY = date(2025, 6, 10)
PLANNED = datetime(2025, 6, 10, 6, 0, tzinfo=LOCAL_TZ).astimezone(UTC)
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

records = st.lists(st.tuples(
    st.integers(-5, 5),  # start delay, whole seconds (wire times have no sub-seconds)
    st.integers(1_000, 120_000),  # duration_ms
    st.floats(0.80, 1.05),  # share aired
    st.booleans(),  # an emergency (displaced: no start tolerance)
    st.booleans(),  # started at all
), min_size=1, max_size=25)


@pytest.fixture
def engine(any_settings: Settings) -> Engine:
    return get_engine(any_settings.db_url)


def _sql_verdicts(engine: Engine) -> dict[str, bool]:
    sql = _statement(_facts_sql(engine.dialect.name, " SELECT r.id, r.cls FROM recs r"))
    with engine.connect() as conn:
        rows = conn.execute(sql, _params(DAY, LOCAL_TZ, ["W001-T01"], None)).all()
    with Session(engine) as session:
        keys = {a.id: a.key for a in session.exec(select(AsRun)).all()}
    return {keys[i]: cls == "played" for i, cls in rows}


@SETTINGS
@given(records)
def test_sql_and_device_rule_agree(engine: Engine, batch: list[tuple[int, int, float, bool, bool]]) -> None:
    expected: dict[str, bool] = {}
    with Session(engine) as session:
        session.execute(delete(AsRun))
        for n, (delay, duration, share, emergency, started) in enumerate(batch):
            planned = PLANNED + timedelta(minutes=n)
            actual = planned + timedelta(seconds=delay) if started else None
            aired = int(duration * share) if started else 0
            key = f"k{n}"
            expected[key] = is_played(planned, actual, duration, aired, displaced=emergency)
            session.add(AsRun(
                key=key, device_id="loa-1", area_code="W001-T01", bulletin_id=n + 1, version_hash="v",
                kind="audio", priority="emergency" if emergency else "normal", planned_start=planned,
                actual_start=actual, actual_end=actual + timedelta(milliseconds=aired) if actual else None,
                device_time=planned, outcome="played" if started else "missed", duration_ms=duration,
                aired_ms=aired,
            ))
        session.commit()
    assert _sql_verdicts(engine) == expected
