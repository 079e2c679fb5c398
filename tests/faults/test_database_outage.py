"""PostgreSQL stopped (and killed) under load, then started again: the server answers 503 while
it is away, reconnects by itself, and no acknowledged as-run record is lost — the device keeps
every record it got no acknowledgement for and sends it again."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from server.app import create_app
from server.db import dispose_engines, get_engine, migrate
from server.runtime import build_runtime
from server.services import areas as area_service
from server.services import devices as registry
from server.settings import Settings
from tests.factories import seed_two_communes
from tests.faults.pg_cluster import Cluster, throwaway_cluster

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    pg = throwaway_cluster()
    try:
        migrate(pg.url)
        yield pg
    finally:
        dispose_engines()
        pg.remove()


class Device:
    """A device's side of the HTTP as-run fallback: records stay queued until acknowledged."""

    def __init__(self, client: TestClient, device_id: str, password: str) -> None:
        self.client, self.device_id = client, device_id
        self.auth = {"Authorization": "Basic " + base64.b64encode(f"{device_id}:{password}".encode()).decode()}
        self.queue: list[dict[str, object]] = []
        self.acked: set[str] = set()
        self.statuses: list[int] = []
        self._keys = itertools.count(1)
        self._batches = itertools.count(1)

    def air(self, count: int) -> None:
        now = datetime.now(UTC).replace(microsecond=0)
        for _ in range(count):
            n = next(self._keys)
            at = (now - timedelta(minutes=n)).isoformat().replace("+00:00", "Z")
            self.queue.append({"key": f"{self.device_id}-{n}", "device_id": self.device_id, "kind": "audio",
                               "planned_start": at, "actual_start": at, "actual_end": at, "device_time": at,
                               "outcome": "played", "duration_ms": 60_000, "aired_ms": 60_000})

    def send(self) -> int:
        if not self.queue:
            return 200
        batch = {"device_id": self.device_id, "batch_id": f"b{next(self._batches)}", "records": self.queue[:50]}
        response = self.client.post(f"/api/v1/devices/{self.device_id}/asrun", json=batch, headers=self.auth)
        self.statuses.append(response.status_code)
        if response.status_code == 200:
            stored = set(response.json()["stored"])
            self.acked |= stored
            self.queue = [r for r in self.queue if r["key"] not in stored]
        return response.status_code


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_server_rides_out_a_database_outage_without_losing_acknowledged_logs(
    cluster: Cluster, tmp_path: Path, how: str
) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=cluster.url)
    runtime = build_runtime(settings)
    engine = runtime.engine
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE asrun, device, area RESTART IDENTITY CASCADE"))
    area_service.invalidate(engine)
    seed_two_communes(engine)
    from sqlmodel import Session

    with Session(engine) as session:
        creds = registry.enrol(session, kind="speaker", area_code="W001")
        session.commit()
        device_id, password = creds.device.id, creds.password
    with TestClient(create_app(runtime, start_runtime=False)) as client:
        device = Device(client, device_id, password)
        for _ in range(3):  # under load before the outage
            device.air(20)
            assert device.send() == 200

        (cluster.stop if how == "stop" else cluster.kill)()
        device.air(30)
        outage = [device.send() for _ in range(3)]
        health = client.get("/healthz")
        assert set(outage) == {503}, outage  # refused with a clear answer, never a 500
        assert health.status_code == 200 and health.json()["database"]["state"] == "unreachable"
        body = client.post(f"/api/v1/devices/{device.device_id}/asrun", json={"x": 1}, headers=device.auth)
        assert body.status_code == 503 and body.json()["detail"]["code"] == "database_unavailable"
        assert body.headers.get("retry-after")

        cluster.start()
        device.air(10)
        for _ in range(10):  # the device retries what was never acknowledged
            if device.send() == 200 and not device.queue:
                break
        assert not device.queue, device.statuses
        assert client.get("/healthz").json()["database"]["state"] == "ok"  # reconnected by itself

    with get_engine(cluster.url).connect() as conn:
        stored = set(conn.execute(text("SELECT key FROM asrun")).scalars())
    assert device.acked <= stored and len(device.acked) == 3 * 20 + 30 + 10  # nothing acknowledged is lost
    assert stored == device.acked  # and nothing twice or unasked
