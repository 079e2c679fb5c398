"""A poison as-run record (a time the columns cannot hold, such as year 999) is refused at the door
and costs only itself: over HTTP the upload answers 200 or 4xx, never 500; over MQTT the other
devices' batches in the same ingest pass are stored and acknowledged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from devices import protocol
from server.app import create_app
from server.models.asrun import AsRun
from server.runtime import build_runtime
from server.services import areas as area_service
from server.services import devices as registry
from server.settings import Settings
from tests.factories import seed_two_communes
from tests.server.test_asrun_robustness import ingest_for, message, record

POISON = "0999-01-01T00:00:00Z"
TIME_FIELDS = ("device_time", "planned_start", "actual_start", "actual_end")


@pytest.fixture
def device_client(any_settings: Settings) -> Iterator[tuple[TestClient, Engine, dict[str, str]]]:
    runtime = build_runtime(any_settings)
    seed_two_communes(runtime.engine)
    creds = {}
    with Session(runtime.engine) as session:
        for name in ("spk-a", "spk-b"):
            made = registry.enrol(session, kind="speaker", area_code="W001-T01", device_id=name)
            creds[name] = made.password
        session.commit()
    with TestClient(create_app(runtime, start_runtime=False)) as client:
        yield client, runtime.engine, creds
    area_service.invalidate(runtime.engine)
    runtime.engine.dispose()


def _keys(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(row.key for row in session.exec(select(AsRun)).all())


def _post(client: TestClient, creds: dict[str, str], device: str, body: Any) -> httpx.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(f"/api/v1/devices/{device}/asrun", content=raw, auth=(device, creds[device]))


@pytest.mark.parametrize("field", TIME_FIELDS)
def test_http_upload_with_a_year_999_time_is_refused_not_a_server_error(
    device_client: tuple[TestClient, Engine, dict[str, str]], field: str
) -> None:
    client, engine, creds = device_client
    batch = {"device_id": "spk-a", "batch_id": "b1",
             "records": [record("spk-a", "good"), record("spk-a", "poison", **{field: POISON})]}
    res = _post(client, creds, "spk-a", batch)
    assert res.status_code == 200, res.text
    assert res.json() == {"batch_id": "b1", "stored": ["good"],
                          "rejected": [{"key": "poison", "reason": "malformed"}]}
    assert _keys(engine) == ["good"]


def test_http_upload_poison_in_sent_at_or_shape_is_a_4xx(
    device_client: tuple[TestClient, Engine, dict[str, str]]
) -> None:
    client, engine, creds = device_client
    bad_sent = {"device_id": "spk-a", "batch_id": "b1", "sent_at": POISON, "records": [record("spk-a", "k")]}
    for body in (bad_sent, b"{not json", {"device_id": "spk-a", "batch_id": "b1", "records": []},
                 {"device_id": "spk-a", "batch_id": "b1", "records": [{"outcome": "played"}]},
                 {"device_id": "spk-a", "batch_id": "b1", "records": [1, 2]}):
        res = _post(client, creds, "spk-a", body)
        assert 400 <= res.status_code < 500, res.text
        assert res.json()["detail"]["code"] == "asrun_malformed"
    assert _keys(engine) == []


@pytest.mark.parametrize("field", TIME_FIELDS)
def test_mqtt_pass_with_a_year_999_record_stores_and_acks_the_other_devices(
    device_client: tuple[TestClient, Engine, dict[str, str]], field: str
) -> None:
    _client, engine, _creds = device_client
    ingest, acks = ingest_for(engine)
    ingest.process([
        message("spk-a", "a", record("spk-a", "a-1")),
        message("spk-b", "b", record("spk-b", "b-1"), record("spk-b", "b-poison", **{field: POISON})),
    ])
    assert _keys(engine) == ["a-1", "b-1"]
    assert acks.sent == {
        "spk-a": {"batch_id": "a", "stored": ["a-1"], "rejected": []},
        "spk-b": {"batch_id": "b", "stored": ["b-1"], "rejected": [{"key": "b-poison", "reason": "malformed"}]},
    }


@pytest.mark.parametrize("value", ["1969-12-31T23:59:59Z", "2101-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                                   "0001-01-01T00:00:00Z"])
def test_times_outside_the_plausible_range_are_malformed(value: str) -> None:
    with pytest.raises(protocol.Rejected) as caught:
        protocol.parse_bounded(json.dumps(record("d", "k", device_time=value)).encode(), 10_000,
                               protocol.AsRunRecord)
    assert caught.value.reason == "malformed"
