"""Alert starts reported in device statuses: recorded once, only for alerts targeting the device."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from devices import protocol
from server.delivery.presence import apply_statuses
from server.models.console import AlertDelivery
from server.models.devices import AreaAlert, Device
from tests.server.conftest import World

T0 = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


def _status(device_id: str, started: dict[str, datetime]) -> protocol.Status:
    return protocol.Status(device_id=device_id, state="online", at=protocol.iso(T0),
                           alerts_started={a: protocol.iso(t) for a, t in started.items()})


def test_starts_recorded_once_and_only_for_targeted_devices(any_world: World) -> None:
    world = any_world
    storm = world.create(title="Bão số 3")
    with Session(world.engine) as s:
        for device_id, area, kind in [("spk-dl-1", "W001-T01", "speaker"), ("spk-dl-2", "W001-T02", "speaker"),
                                      ("spk-dl-3", "W002-T01", "speaker"), ("brd-dl-1", "W001-T01", "board")]:
            s.add(Device(id=device_id, kind=kind, area_code=area, password_hash="x", board_cols=16, board_rows=2))
        s.add(AreaAlert(alert_id="al-storm", area_code="W001", bulletin_id=storm["id"], version_hash="h",
                        action="start", seq=1, envelope="{}", starts_at=T0, expires_at=T0 + timedelta(hours=6)))
        s.commit()
    first = T0 + timedelta(seconds=5)
    statuses = [
        _status("spk-dl-1", {"al-storm": first}),
        _status("spk-dl-3", {"al-storm": first}),  # W002 is not targeted: a false claim
        _status("spk-dl-2", {"al-unknown": first}),  # no such alert
    ]
    apply_statuses(world.engine, statuses, T0 + timedelta(seconds=6))
    # The retained status again, later, with a later time: the first report stands.
    apply_statuses(world.engine, [_status("spk-dl-1", {"al-storm": first + timedelta(minutes=1)})],
                   T0 + timedelta(minutes=2))
    with Session(world.engine) as s:
        rows = s.exec(select(AlertDelivery)).all()
    assert [(r.device_id, r.alert_id, r.started_at) for r in rows] == [("spk-dl-1", "al-storm", first)]
    r = world.client.get(f"/api/v1/bulletins/{storm['id']}/delivery", headers=world.headers["mot.duyet"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["total"], body["started"], body["alert_ids"]) == (2, 1, ["al-storm"])
    assert [(d["device_id"], d["started_at"] is not None) for d in body["devices"]] == [
        ("spk-dl-2", False), ("spk-dl-1", True)]
    assert world.client.get(f"/api/v1/bulletins/{storm['id']}/delivery",
                            headers=world.headers["hai.duyet"]).status_code == 403


def test_status_bounds_for_alert_starts() -> None:
    ok = _status("spk-1", {f"a{i}": T0 for i in range(8)})
    assert len(ok.alerts_started or {}) == 8
    raw = ok.model_dump_json(exclude_none=True).encode()
    assert len(raw) < protocol.MAX_STATUS_BYTES
    too_many = dict.fromkeys((f"a{i}" for i in range(9)), protocol.iso(T0))
    import pytest

    with pytest.raises(protocol.Rejected):
        protocol.parse_bounded(
            b'{"device_id":"spk-1","state":"online","at":"2026-12-06T02:00:00Z","alerts_started":'
            + str(too_many).replace("'", '"').encode() + b"}", protocol.MAX_STATUS_BYTES, protocol.Status)
    # Old firmware (no field) stays valid.
    old = protocol.parse_bounded(b'{"device_id":"spk-1","state":"online","at":"2026-12-06T02:00:00Z"}',
                                 protocol.MAX_STATUS_BYTES, protocol.Status)
    assert old.alerts_started is None
