"""Versions of a bulletin and the word diff against the last approved version."""

from __future__ import annotations

from server.services.bulletin_history import word_diff
from tests.server.conftest import World


def test_word_diff_reconstructs_both_sides() -> None:
    before, after = "Xã tổ chức tiêm phòng dại vào sáng thứ Bảy.", "Xã tổ chức tiêm phòng cúm vào chiều thứ Bảy."
    ops = word_diff(before, after)
    assert "".join(o["text"] for o in ops if o["op"] != "insert") == before
    assert "".join(o["text"] for o in ops if o["op"] != "delete") == after
    assert {"op": "delete", "text": "dại "} in ops and {"op": "insert", "text": "cúm "} in ops
    assert word_diff("", "mới") == [{"op": "insert", "text": "mới"}]
    assert word_diff("giữ", "giữ") == [{"op": "equal", "text": "giữ"}]


def test_versions_and_diff_after_editing_an_approved_bulletin(world: World) -> None:
    approved = world.approved(body="Xã tổ chức tiêm phòng dại vào sáng thứ Bảy.")
    bid = approved["id"]
    fresh = world.client.get(f"/api/v1/bulletins/{bid}/diff", headers=world.headers["mot.duyet"]).json()
    assert fresh["unchanged"] is True and fresh["base_version"] == 1
    r = world.patch("mot.canbo", bid, approved["version"], body="Xã tổ chức tiêm phòng dại vào chiều Chủ nhật.",
                    repeats_per_day=3)
    assert r.status_code == 200, r.text
    versions = world.client.get(f"/api/v1/bulletins/{bid}/versions", headers=world.headers["mot.duyet"]).json()
    assert [(v["number"], v["current"], v["airing_version"]) for v in versions] == [(2, True, False),
                                                                                    (1, False, True)]
    assert versions[1]["approved_by"] == world.ids["mot.duyet"] and versions[0]["approved_at"] is None
    d = world.client.get(f"/api/v1/bulletins/{bid}/diff", headers=world.headers["mot.duyet"]).json()
    assert d["base_version"] == 1 and d["version"] == 2 and not d["unchanged"]
    body_ops = d["fields"]["body"]
    assert {"op": "delete", "text": "sáng thứ Bảy."} in body_ops
    assert {"op": "insert", "text": "chiều Chủ nhật."} in body_ops
    assert all(o["op"] == "equal" for o in d["fields"]["title"])
    assert d["changed"] == [{"field": "repeats_per_day", "before": 2, "after": 3}]
    # Scope: another commune cannot read either.
    assert world.client.get(f"/api/v1/bulletins/{bid}/versions", headers=world.headers["hai.duyet"]).status_code == 403
    assert world.client.get(f"/api/v1/bulletins/{bid}/diff", headers=world.headers["hai.canbo"]).status_code == 403


def test_diff_of_a_never_approved_bulletin_is_all_new(world: World) -> None:
    created = world.create(title="Thông báo mới")
    d = world.client.get(f"/api/v1/bulletins/{created['id']}/diff", headers=world.headers["mot.canbo"]).json()
    assert d["base_version"] is None
    assert d["fields"]["title"] == [{"op": "insert", "text": "Thông báo mới"}]
    assert {c["field"] for c in d["changed"]} >= {"priority", "targets", "valid_from"}
