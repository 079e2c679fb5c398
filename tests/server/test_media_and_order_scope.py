"""Media and slot order respect what may air and who may see it: a device only downloads audio
that may still air; an officer orders only bulletins of their own scope."""

from __future__ import annotations

from sqlmodel import select

from server.models.schedule import SlotOrder
from server.services import devices as registry
from tests.server.conftest import World


def test_a_device_cannot_download_a_withdrawn_bulletins_audio_but_staff_still_can(world: World) -> None:
    b = world.approved()
    sha = b["approved"]["audio_sha256"]
    with world.session() as session:
        creds = registry.enrol(session, kind="speaker", area_code="W001-T01")
        session.commit()
        device = (creds.device.id, creds.password)
    assert world.client.get(f"/media/{sha}.mp3", auth=device).status_code == 200
    assert world.act("mot.canbo", b["id"], "withdraw").status_code == 200
    gone = world.client.get(f"/media/{sha}.mp3", auth=device)
    assert gone.status_code == 404 and gone.json()["detail"]["code"] == "media_not_found"
    assert world.client.get(f"/media/{sha}.mp3", headers=world.headers["mot.kiemtra"]).status_code == 200  # audit


def test_slot_order_refuses_unknown_and_foreign_bulletins(world: World) -> None:
    r = world.client.post("/api/v1/areas/W001/slots", headers=world.headers["mot.canbo"], json={
        "name": "Tối", "start_local": "19:00", "duration_s": 900, "rrule": "FREQ=DAILY", "dtstart": "2026-11-01"})
    assert r.status_code == 201, r.text
    slot_id = r.json()["id"]
    own = world.approved()
    foreign = world.approved("hai.canbo", "hai.duyet", targets=["W002-T01"])
    url, headers = f"/api/v1/slots/{slot_id}/order", world.headers["mot.canbo"]

    def order(*ids: int) -> int:
        body = {"date": "2026-12-01", "bulletin_ids": list(ids)}
        return world.client.put(url, headers=headers, json=body).status_code

    assert order(own["id"]) == 200
    assert order(own["id"], 999_999) == 404
    assert order(foreign["id"]) in (403, 404)  # out of scope: refused, whether or not it is told it exists
    with world.session() as session:
        kept = session.exec(select(SlotOrder).where(SlotOrder.slot_id == slot_id)).all()
    assert [o.bulletin_id for o in kept] == [own["id"]]  # the refused orders changed nothing
