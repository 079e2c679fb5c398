"""PATCH /api/v1/slots/{id}: the same validation as creating a slot, scoped to the area."""

from __future__ import annotations

from typing import Any

from tests.server.conftest import World


def _slot(world: World, area: str, **overrides: Any) -> dict[str, Any]:
    body = {"name": "Sáng", "start_local": "06:00", "duration_s": 1800,
            "rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA", "dtstart": "2026-11-01"}
    body.update(overrides)
    r = world.client.post(f"/api/v1/areas/{area}/slots", json=body, headers=world.headers["mot.canbo"])
    assert r.status_code == 201, r.text
    return dict(r.json())


def _patch(world: World, slot_id: int, who: str = "mot.canbo", **fields: Any) -> Any:
    return world.client.patch(f"/api/v1/slots/{slot_id}", json=fields, headers=world.headers[who])


def test_edit_slot_fields_and_validation(world: World) -> None:
    morning = _slot(world, "W001-T01")
    evening = _slot(world, "W001-T01", name="Chiều", start_local="17:00")
    r = _patch(world, morning["id"], name="Sáng sớm", start_local="05:30", duration_s=1200, enabled=False,
               exdates=["2026-12-24"], until="2027-06-30")
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["name"], got["start_local"], got["duration_s"], got["enabled"]) == ("Sáng sớm", "05:30", 1200, False)
    assert got["exdates"] == ["2026-12-24"] and got["until"] == "2027-06-30"
    assert got["rrule"] == morning["rrule"] and got["dtstart"] == morning["dtstart"]  # untouched
    listed = {s["id"]: s for s in world.client.get("/api/v1/areas/W001-T01/slots",
                                                     headers=world.headers["mot.canbo"]).json()}
    assert listed[morning["id"]]["start_local"] == "05:30"
    # Moving onto the evening slot overlaps: refused like a create, nothing changes.
    overlap = _patch(world, morning["id"], start_local="17:10", enabled=True)
    assert overlap.status_code == 422 and overlap.json()["detail"]["code"] == "slot_overlap"
    again = {s["id"]: s for s in world.client.get("/api/v1/areas/W001-T01/slots",
                                                    headers=world.headers["mot.canbo"]).json()}
    assert again[morning["id"]]["start_local"] == "05:30" and again[evening["id"]]["start_local"] == "17:00"
    bad_rule = _patch(world, morning["id"], rrule="FREQ=SOMETIMES")
    assert bad_rule.status_code == 422
    assert _patch(world, morning["id"], start_local="25:00").status_code == 422
    assert _patch(world, morning["id"], name=None).status_code == 422
    assert _patch(world, morning["id"], duration_s=0).status_code == 422


def test_edit_slot_scope_and_roles(world: World) -> None:
    own = _slot(world, "W001-T02", start_local="09:00")
    assert _patch(world, own["id"], "hai.canbo", name="x").status_code == 403
    assert _patch(world, own["id"], "mot.kiemtra", name="x").status_code == 403
    assert _patch(world, 999_999, name="x").status_code == 404
    assert _patch(world, own["id"], "mot.duyet", name="Trưa").json()["name"] == "Trưa"
