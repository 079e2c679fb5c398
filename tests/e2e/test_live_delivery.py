"""Live emergency delivery end to end: real server and Mosquitto, simulated speakers. Each
speaker publishes its status as soon as the alert starts; the delivery endpoint counts them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LiveServer, bulletin
from tests.e2e.test_scenarios import fleet_in

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def delivery(live: LiveServer, bulletin_id: int) -> dict[str, Any]:
    with live.http() as c:
        r = c.get(f"/api/v1/bulletins/{bulletin_id}/delivery", headers=live.headers["mot.duyet"])
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_devices_report_the_alert_start_and_delivery_counts_them(live: LiveServer, tmp_path: Path) -> None:
    fleet = await fleet_in(live, tmp_path, {"W001-T01": 3, "W001-T02": 2, "W002-T01": 2})
    inside = [d for d in fleet.devices if d.identity.area_code.startswith("W001")]
    try:
        now = live.clock.now()
        storm = live.post("mot.duyet", "/api/v1/bulletins", bulletin(
            "Tin bão khẩn cấp", now, priority="emergency", category="disaster", approve=True,
            valid_from=(now - timedelta(seconds=1)).isoformat(), valid_until=(now + timedelta(hours=6)).isoformat()))
        first = delivery(live, storm["id"])
        assert first["total"] == 5  # W001's speakers only; W002 is not targeted
        assert {d["device_id"] for d in first["devices"]} == {d.id for d in inside}
        await fleet.wait_for(lambda: all(d.on_air == "Tin bão khẩn cấp" for d in inside), 30, "alert on air")
        await fleet.wait_for(lambda: delivery(live, storm["id"])["started"] == 5, 30, "starts reported")
        done = delivery(live, storm["id"])
        assert done["alert_ids"] and all(d["started_at"] is not None for d in done["devices"])
        # The next heartbeat repeats the (retained) start: nothing is counted twice.
        await live.clock.advance(61)
        assert delivery(live, storm["id"])["started"] == 5
    finally:
        await fleet.aclose()
