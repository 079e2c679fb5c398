"""Emergency templates: built-ins everywhere, approver-saved ones inherited down the tree."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from server.services.emergency_templates import ensure_builtins
from tests.server.conftest import World

URL = "/api/v1/emergency-templates"


def _template(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {"name": "Sạt lở đất", "title": "Cảnh báo sạt lở", "body": "Nguy cơ sạt lở đất.",
                               "board_text": "Nguy cơ sạt lở", "category": "disaster", "validity_hours": 12}
    body.update(overrides)
    return body


def test_builtins_seeded_once_and_visible_to_everyone(world: World) -> None:
    with Session(world.engine) as s:
        assert ensure_builtins(s) == 4  # not committed: the first reader inserts them itself
    # Without ``loa demo``: the first list inserts them, once.
    first = world.client.get(URL, headers=world.headers["mot.canbo"]).json()
    assert sorted(t["name"] for t in first if t["builtin"]) == ["Bão", "Cháy", "Dịch bệnh", "Lũ"]
    with Session(world.engine) as s:
        assert ensure_builtins(s) == 0
    for who in ("mot.canbo", "hai.duyet", "tinh.admin", "mot.kiemtra"):
        names = [t["name"] for t in world.client.get(URL, headers=world.headers[who]).json() if t["builtin"]]
        assert sorted(names) == ["Bão", "Cháy", "Dịch bệnh", "Lũ"], who


def test_approver_template_inherited_down_not_up_or_sideways(world: World) -> None:
    r = world.client.post(URL, json=_template(), headers=world.headers["mot.duyet"])
    assert r.status_code == 201, r.text
    tid = r.json()["id"]
    assert r.json()["area_code"] == "W001"
    own = [t["id"] for t in world.client.get(URL, headers=world.headers["mot.canbo"]).json()]
    hamlet = [t["id"] for t in world.client.get(URL, params={"area": "W001-T01"},
                                                 headers=world.headers["mot.canbo"]).json()]
    sideways = [t["id"] for t in world.client.get(URL, headers=world.headers["hai.duyet"]).json()]
    province = [t["id"] for t in world.client.get(URL, headers=world.headers["tinh.duyet"]).json()]
    assert tid in own and tid in hamlet and tid not in sideways and tid not in province
    # Province template reaches both communes.
    p = world.client.post(URL, json=_template(name="Rét đậm"), headers=world.headers["tinh.duyet"]).json()
    assert p["id"] in [t["id"] for t in world.client.get(URL, headers=world.headers["hai.canbo"]).json()]
    # Prefill: an emergency valid from now for the template's hours.
    pre = world.client.get(f"{URL}/{tid}", headers=world.headers["mot.duyet"]).json()["bulletin"]
    assert pre["priority"] == "emergency" and pre["targets"] == ["W001"] and pre["title"] == "Cảnh báo sạt lở"
    from datetime import datetime
    span = datetime.fromisoformat(pre["valid_until"]) - datetime.fromisoformat(pre["valid_from"])
    assert span == timedelta(hours=12)
    assert world.client.get(f"{URL}/{tid}", headers=world.headers["hai.duyet"]).status_code == 404
    # Deleting: not by an officer, not by another commune, not the province's from below.
    assert world.client.delete(f"{URL}/{tid}", headers=world.headers["mot.canbo"]).status_code == 403
    assert world.client.delete(f"{URL}/{tid}", headers=world.headers["hai.duyet"]).status_code == 404
    up = world.client.delete(f"{URL}/{p['id']}", headers=world.headers["mot.duyet"])
    assert up.status_code == 403 and up.json()["detail"]["code"] == "out_of_scope"
    assert world.client.delete(f"{URL}/{tid}", headers=world.headers["mot.duyet"]).status_code == 204


def test_create_rules(world: World) -> None:
    h = world.headers["mot.duyet"]
    with Session(world.engine) as s:
        ensure_builtins(s)
        s.commit()
    assert world.client.post(URL, json=_template(), headers=world.headers["mot.canbo"]).status_code == 403
    out = world.client.post(URL, json=_template(area_code="W002"), headers=h)
    assert out.status_code == 403 and out.json()["detail"]["code"] == "out_of_scope"
    assert world.client.post(URL, json=_template(validity_hours=0), headers=h).status_code == 422
    empty = world.client.post(URL, json=_template(title="  "), headers=h)
    assert empty.status_code == 422 and empty.json()["detail"]["code"] == "empty_text"
    builtin = next(t for t in world.client.get(URL, headers=h).json() if t["builtin"])
    r = world.client.delete(f"{URL}/{builtin['id']}", headers=h)
    assert r.status_code == 403 and r.json()["detail"]["code"] == "template_builtin"
