"""Audit trail page: events of the auditor's scope, filters, and the chain's verification result
(a tampered event is reported)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from server.models.audit import AuditEvent
from tests.server.conftest import World
from tests.server.conftest import world as world
from tests.web.http import console_sign_in


def test_trail_filters_scope_and_verification(world: World) -> None:
    one = world.submitted(title="Nhật ký xã Một")
    world.submitted(officer="hai.canbo", title="Nhật ký xã Hai", targets=["W002-T01"])
    auditor = TestClient(world.client.app)
    console_sign_in(auditor, "mot.kiemtra")
    page = auditor.get("/nhat-ky").text
    assert "Chuỗi nhật ký nguyên vẹn" in page
    assert f"bulletin:{one['id']}" in page and "hai.canbo" not in page
    filtered = auditor.get("/nhat-ky", params={"doi_tuong": f"bulletin:{one['id']}",
                                               "hanh_dong": "bulletin_submitted"}).text
    assert filtered.count("<tr><td>") == 1
    with Session(world.engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.subject == f"bulletin:{one['id']}")
                             .order_by(col(AuditEvent.seq))).first()
        assert event is not None
        event.details = {"forged": True}
        session.add(event)
        session.commit()
        seq = event.seq
    broken = auditor.get("/nhat-ky").text
    assert "Chuỗi nhật ký bị can thiệp" in broken and f"#{seq}" in broken
    officer = TestClient(world.client.app)
    console_sign_in(officer, "mot.canbo")
    assert officer.get("/nhat-ky").status_code == 403
