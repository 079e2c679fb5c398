"""Finding 1 (unapproved content airs): a relay reaches a manifest only after an approver of the
area approved exactly its stream source. Runs the real HTTP and compile path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from server.models.audit import AuditEvent
from server.models.devices import DeviceManifest
from server.models.streams import StreamSource
from server.scheduling.component import SchedulerComponent
from tests.server.conftest import World
from tests.server.test_scheduling import NOON, device, slot

ATTACK_URL = "http://attacker.example/live.mp3"


@pytest.fixture
def sched(world: World) -> Iterator[SchedulerComponent]:
    comp = SchedulerComponent()
    comp.runtime = world.runtime
    world.runtime.components.append(comp)
    yield comp
    world.runtime.components.remove(comp)


def relay_urls(world: World) -> set[str]:
    """Every relay URL in every stored manifest."""
    with Session(world.engine) as session:
        envelopes = session.exec(select(DeviceManifest.envelope)).all()
    return {item["stream_url"] for env in envelopes for item in json.loads(env)["payload"]["items"]
            if item["kind"] == "relay"}


def post(world: World, who: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return world.client.post(f"/api/v1/{path}", json=body, headers=world.headers[who])


def preview_slot(world: World, area: str, slot_id: int) -> dict[str, Any]:
    day = NOON.date().isoformat()
    r = world.client.get(f"/api/v1/preview?area={area}&date={day}", headers=world.headers["mot.canbo"])
    assert r.status_code == 200, r.text
    return next(s for s in r.json()["slots"] if s["slot_id"] == slot_id)


def actions(world: World, stream_id: int) -> list[str]:
    with Session(world.engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.subject == f"stream:{stream_id}")
                            .order_by(col(AuditEvent.seq))).all()
    return [r.action for r in rows]


def test_officer_relay_airs_only_after_approval_and_a_changed_url_waits_again(any_world: World) -> None:
    world = any_world
    sched = SchedulerComponent()
    sched.runtime = world.runtime
    speaker = device(world, "W001-T01")
    made = slot(world, "mot.canbo", "W001", name="Tiếp sóng", start_local="11:00", duration_s=900,
                relays=[{"stream_url": ATTACK_URL, "duration_s": 300, "title": "Đài lạ"}])
    assert made.status_code == 201, made.text
    sched.compile_now(now=NOON)
    assert ATTACK_URL not in relay_urls(world)  # the attack on main: a signed relay item with this URL
    relay = made.json()["relays"][0]
    assert relay["stream_status"] == "pending" and relay["approved"] is False
    blocked = preview_slot(world, "W001-T01", made.json()["id"])["blocked_relays"]
    assert blocked == [{"stream_id": relay["stream_id"], "url": ATTACK_URL, "title": "Đài lạ",
                        "reason": "relay_not_approved", "message": blocked[0]["message"]}]
    assert "phê duyệt" in blocked[0]["message"]

    assert post(world, "mot.duyet", f"streams/{relay['stream_id']}/approve").status_code == 200
    result = sched.compile_now(now=NOON)
    assert speaker in result.changed and ATTACK_URL in relay_urls(world)
    assert preview_slot(world, "W001-T01", made.json()["id"])["blocked_relays"] == []

    # The URL changes: a new pending source; the new relay waits, the approved one is untouched.
    world.client.delete(f"/api/v1/areas/W001/slots/{made.json()['id']}", headers=world.headers["mot.canbo"])
    changed = slot(world, "mot.canbo", "W001", name="Tiếp sóng", start_local="11:00", duration_s=900,
                   relays=[{"stream_url": ATTACK_URL + "?v=2", "duration_s": 300, "title": "Đài lạ"}])
    assert changed.status_code == 201, changed.text
    assert changed.json()["relays"][0]["stream_status"] == "pending"
    assert changed.json()["relays"][0]["stream_id"] != relay["stream_id"]
    sched.compile_now(now=NOON)
    assert relay_urls(world) == set()
    assert actions(world, relay["stream_id"]) == ["stream_created", "stream_approved"]
    world.client.delete(f"/api/v1/areas/W001/slots/{changed.json()['id']}", headers=world.headers["mot.canbo"])


def test_an_approved_source_is_reused_by_url_and_inherited_by_id(world: World, sched: SchedulerComponent) -> None:
    src = post(world, "mot.canbo", "areas/P01/streams", {"url": "https://vov.example/vov1", "title": "VOV1"})
    assert src.status_code == 403  # an officer of W001 proposes only within W001
    src = post(world, "mot.canbo", "areas/W001/streams", {"url": "https://vov.example/vov1", "title": "VOV1"})
    assert src.status_code == 201 and src.json()["status"] == "pending"
    sid = src.json()["id"]
    assert post(world, "mot.duyet", f"streams/{sid}/approve").status_code == 200
    by_url = slot(world, "mot.canbo2", "W001", name="Sáng VOV", start_local="07:00", duration_s=900,
                  relays=[{"stream_url": "https://vov.example/vov1", "duration_s": 120, "title": "VOV"}])
    assert by_url.status_code == 201 and by_url.json()["relays"][0]["stream_id"] == sid
    hamlet = slot(world, "mot.canbo", "W001-T02", name="Thôn VOV", start_local="08:00", duration_s=900,
                  relays=[{"stream_id": sid, "duration_s": 120}])
    assert hamlet.status_code == 201, hamlet.text
    assert hamlet.json()["relays"][0]["approved"] is True
    other = slot(world, "hai.canbo", "W002", name="Mượn nguồn", start_local="08:00", duration_s=900,
                 relays=[{"stream_id": sid, "duration_s": 120}])
    assert other.status_code == 422 and other.json()["detail"]["code"] == "stream_not_inherited"
    listed = world.client.get("/api/v1/areas/W001-T02/streams", headers=world.headers["mot.canbo"]).json()
    mine = next(s for s in listed if s["id"] == sid)
    assert mine["inherited"] is True and mine["approved"] is True
    device(world, "W001-T02")
    sched.compile_now(now=NOON)
    assert "https://vov.example/vov1" in relay_urls(world)
    stopped = post(world, "tinh.duyet", f"streams/{sid}/reject", {"reason": "Nguồn bị chiếm quyền"})
    assert stopped.status_code == 200 and stopped.json()["approved"] is False  # a leader can stop a source
    sched.compile_now(now=NOON)
    assert "https://vov.example/vov1" not in relay_urls(world)
    assert actions(world, sid) == ["stream_created", "stream_approved", "stream_rejected"]
    for made in (by_url, hamlet):
        code = made.json()["area_code"]
        world.client.delete(f"/api/v1/areas/{code}/slots/{made.json()['id']}", headers=world.headers["tinh.admin"])


def test_who_may_decide_on_a_source(world: World, sched: SchedulerComponent,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    recompiles: list[object] = []
    monkeypatch.setattr(sched, "request_recompile", lambda *a, **k: recompiles.append(a))
    sid = post(world, "mot.canbo", "areas/W001/streams", {"url": "rtsp://radio.example/p", "title": "Đài tỉnh"}
               ).json()["id"]
    assert post(world, "mot.canbo2", f"streams/{sid}/approve").json()["detail"]["code"] == "role_forbidden"
    assert post(world, "hai.duyet", f"streams/{sid}/approve").json()["detail"]["code"] == "out_of_scope"
    assert post(world, "hai.duyet", f"streams/{sid}/reject", {"reason": "Không"}).status_code == 403
    own = post(world, "mot.duyet", "areas/W001/streams", {"url": "rtsp://radio.example/q", "title": "Tự đề xuất"})
    own_id = own.json()["id"]
    refused = post(world, "mot.duyet", f"streams/{own_id}/approve")
    assert refused.status_code == 403 and refused.json()["detail"]["code"] == "own_stream"
    assert not recompiles
    assert post(world, "tinh.duyet", f"streams/{own_id}/approve").status_code == 200  # the province's approver
    assert len(recompiles) == 1  # approving a source recompiles, like approving a bulletin
    rejected = post(world, "mot.duyet", f"streams/{sid}/reject", {"reason": "Nguồn không rõ ràng"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    again = post(world, "tinh.duyet", f"streams/{sid}/approve")
    assert again.status_code == 409 and again.json()["detail"]["code"] == "bad_transition"
    waiting = post(world, "mot.canbo", "areas/W001-T01/streams", {"url": "rtsp://radio.example/h", "title": "Thôn"})
    queue = world.client.get("/api/v1/areas/P01/streams?subtree=true&status=pending",
                             headers=world.headers["tinh.duyet"]).json()
    assert queue and {s["status"] for s in queue} == {"pending"} and not any(s["inherited"] for s in queue)
    assert waiting.json()["id"] in {s["id"] for s in queue} and sid not in {s["id"] for s in queue}
    ancestor = post(world, "tinh.duyet", "areas/P01/streams", {"url": "rtsp://radio.example/r", "title": "Tỉnh"})
    assert post(world, "mot.duyet", f"streams/{ancestor.json()['id']}/approve").status_code == 403  # above them
    assert actions(world, sid) == ["stream_created", "stream_rejected"]
    assert actions(world, own_id) == ["stream_created", "stream_approved"]
    assert world.client.get(f"/api/v1/streams/{sid}", headers=world.headers["hai.canbo"]).status_code == 403
    above = post(world, "tinh.duyet", "areas/P01/streams", {"url": "rtsp://radio.example/t", "title": "Tỉnh"})
    seen = world.client.get(f"/api/v1/streams/{above.json()['id']}", headers=world.headers["hai.canbo"])
    assert seen.status_code == 200 and seen.json()["inherited"] is True  # inherited: W002's slots may use it
    assert post(world, "mot.duyet", "streams/99999/approve").status_code == 404
    assert post(world, "mot.duyet", f"streams/{2**70}/approve").status_code in (404, 422)  # never a 500
    huge = slot(world, "mot.canbo", "W001", name="Lớn", start_local="14:00", relays=[
        {"stream_id": 2**70, "duration_s": 60}])
    assert huge.status_code == 422


@pytest.mark.parametrize("body, code", [
    ({"url": "javascript:alert(1)", "title": "X"}, "stream_url_invalid"),
    ({"url": "http://", "title": "X"}, "stream_url_invalid"),
    ({"url": "http://a.example/x y", "title": "X"}, "stream_url_invalid"),
    ({"url": "https://user:secret@a.example/x", "title": "X"}, "stream_url_invalid"),
    ({"url": "http://a.example/\u202ex", "title": "X"}, "stream_url_invalid"),
    ({"url": "http://a.example/x", "title": "\u200b\u2060\ufeff"}, "invisible_text"),
    ({"url": "http://a.example/x", "title": "VOV\u202e1"}, "bidi_control"),
])
def test_bad_sources_are_refused(world: World, body: dict[str, str], code: str) -> None:
    r = post(world, "mot.canbo", "areas/W001/streams", body)
    assert r.status_code == 422 and r.json()["detail"]["code"] == code


def test_a_source_edited_behind_the_api_stops_airing(world: World, sched: SchedulerComponent) -> None:
    sid = post(world, "mot.canbo", "areas/W001/streams", {"url": "https://ok.example/a", "title": "Đài A"}
               ).json()["id"]
    post(world, "mot.duyet", f"streams/{sid}/approve")
    made = slot(world, "mot.canbo", "W001", name="Bị sửa", start_local="13:00", duration_s=900,
                relays=[{"stream_id": sid, "duration_s": 60}])
    device(world, "W001-T01")
    sched.compile_now(now=NOON)
    assert "https://ok.example/a" in relay_urls(world)
    with Session(world.engine) as session:
        session.execute(update(StreamSource).where(col(StreamSource.id) == sid).values(url=ATTACK_URL))
        session.commit()
    sched.compile_now(now=NOON)
    assert relay_urls(world) == set()
    world.client.delete(f"/api/v1/areas/W001/slots/{made.json()['id']}", headers=world.headers["mot.canbo"])
