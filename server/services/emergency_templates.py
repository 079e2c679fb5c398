"""Saved emergency bulletins: four built-ins (storm, flood, fire, epidemic) for every area, and
templates approvers save for their area, offered in its whole subtree. A template pre-fills an
emergency bulletin so an emergency takes a few taps on a phone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, or_, select

from server.errors import Forbidden, Invalid, NotFound
from server.models.bulletins import Category
from server.models.console import EmergencyTemplate
from server.models.users import User
from server.services.areas import AreaTree
from server.services.bulletin_fields import TEXT_FIELDS, clean_text

MAX_VALIDITY_HOURS = 24 * 14
NAME_MAX = 100

BUILTINS: list[dict[str, Any]] = [
    {"builtin_key": "bao", "name": "Bão", "category": "disaster", "validity_hours": 48,
     "title": "Cảnh báo bão khẩn cấp",
     "body": "Thông báo khẩn cấp: bão đang tiến gần địa bàn. Đề nghị bà con chằng chống nhà cửa, "
             "không ra khơi, không đi lại khi mưa gió lớn; người dân ở nhà yếu, khu vực trũng thấp "
             "di chuyển đến nơi trú ẩn an toàn theo hướng dẫn của chính quyền.",
     "board_text": "KHẨN CẤP: Bão sắp đổ bộ. Chằng chống nhà cửa, không ra khơi, đến nơi trú ẩn an toàn."},
    {"builtin_key": "lu", "name": "Lũ", "category": "disaster", "validity_hours": 24,
     "title": "Cảnh báo lũ khẩn cấp",
     "body": "Thông báo khẩn cấp: nước lũ đang lên nhanh. Đề nghị bà con khu vực ven sông, vùng trũng "
             "thấp khẩn trương di dời người, tài sản đến nơi cao; không qua ngầm, tràn, suối khi nước "
             "chảy xiết; trông giữ trẻ em.",
     "board_text": "KHẨN CẤP: Lũ lên nhanh. Di dời đến nơi cao, không qua ngầm, tràn khi nước chảy xiết."},
    {"builtin_key": "chay", "name": "Cháy", "category": "security", "validity_hours": 6,
     "title": "Thông báo khẩn cấp về cháy",
     "body": "Thông báo khẩn cấp: đang xảy ra cháy trên địa bàn. Đề nghị bà con giữ bình tĩnh, "
             "tránh xa khu vực cháy, nhường đường cho lực lượng chữa cháy; gọi 114 khi phát hiện cháy.",
     "board_text": "KHẨN CẤP: Đang có cháy. Tránh xa khu vực cháy, gọi 114."},
    {"builtin_key": "dich-benh", "name": "Dịch bệnh", "category": "health", "validity_hours": 72,
     "title": "Thông báo khẩn cấp về dịch bệnh",
     "body": "Thông báo khẩn cấp: trên địa bàn xuất hiện ổ dịch bệnh. Đề nghị bà con thực hiện "
             "các biện pháp phòng bệnh theo hướng dẫn của trạm y tế, hạn chế tụ tập đông người và "
             "báo ngay cho trạm y tế khi có người có triệu chứng.",
     "board_text": "KHẨN CẤP: Có dịch bệnh. Phòng bệnh theo hướng dẫn, báo trạm y tế khi có triệu chứng."},
]


def ensure_builtins(session: Session) -> int:
    """Insert the built-in templates that are missing (idempotent); returns how many were added."""
    have = set(session.exec(select(EmergencyTemplate.builtin_key)
                            .where(col(EmergencyTemplate.builtin_key).is_not(None))).all())
    added = [EmergencyTemplate(**spec) for spec in BUILTINS if spec["builtin_key"] not in have]
    session.add_all(added)
    return len(added)


def seed_emergency_templates(session: Session, report: Any, data_dir: Any) -> None:
    """``loa demo`` step: the built-in templates."""
    ensure_builtins(session)


def visible_templates(session: Session, tree: AreaTree, area_code: str) -> list[EmergencyTemplate]:
    """Built-ins, then the templates of ``area_code`` and its ancestors (nearest area first).

    The built-ins exist everywhere, even on a server never seeded by ``loa demo``: the first
    reader inserts them (a concurrent reader that loses the race simply reads them)."""
    if session.exec(select(EmergencyTemplate.id).where(col(EmergencyTemplate.builtin_key).is_not(None))
                    .limit(1)).first() is None:
        try:
            if ensure_builtins(session):
                session.commit()
        except IntegrityError:
            session.rollback()
    chain = tree.ancestors(area_code)
    rows = session.exec(select(EmergencyTemplate).where(
        or_(col(EmergencyTemplate.area_code).is_(None), col(EmergencyTemplate.area_code).in_(chain))
    )).all()
    depth = {code: i for i, code in enumerate(reversed(chain))}

    def order(t: EmergencyTemplate) -> tuple[int, int, str]:
        builtin = t.area_code is None
        return (0 if builtin else 1, 0 if builtin else depth.get(t.area_code or "", 0), t.name)

    return sorted(rows, key=order)


def get_template(session: Session, tree: AreaTree, user: User, template_id: int) -> EmergencyTemplate:
    """A template the user may use (built-in, or of their area or an ancestor, or in their subtree)."""
    row = session.get(EmergencyTemplate, template_id)
    if row is None or not (row.area_code is None or row.area_code in tree.ancestors(user.area_code)
                           or tree.is_within(row.area_code, user.area_code)):
        raise NotFound("Không tìm thấy mẫu bản tin khẩn cấp.", code="template_not_found")
    return row


def create_template(session: Session, tree: AreaTree, user: User, values: dict[str, Any], *,
                    area_code: str, now: datetime) -> EmergencyTemplate:
    if not tree.is_within(area_code, user.area_code):
        raise Forbidden(f"Địa bàn {area_code} nằm ngoài phạm vi được giao cho tài khoản của bạn.",
                        code="out_of_scope")
    texts = {name: clean_text(values.get(name), label, max_len) for name, (max_len, label) in TEXT_FIELDS.items()}
    name = clean_text(values.get("name"), "Tên mẫu", NAME_MAX)
    try:
        category = Category(str(values.get("category")))
    except ValueError:
        raise Invalid("Lĩnh vực không hợp lệ.", code="invalid_value") from None
    hours = values.get("validity_hours")
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= MAX_VALIDITY_HOURS:
        raise Invalid(f"Thời gian hiệu lực phải từ 1 đến {MAX_VALIDITY_HOURS} giờ.", code="out_of_range")
    row = EmergencyTemplate(area_code=area_code, name=name, category=category.value, validity_hours=hours,
                            title=texts["title"], body=texts["body"], board_text=texts["board_text"],
                            created_by=user.id, created_at=now)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def delete_template(session: Session, tree: AreaTree, user: User, template_id: int) -> None:
    row = get_template(session, tree, user, template_id)
    if row.area_code is None:
        raise Forbidden("Không thể xóa mẫu có sẵn của hệ thống.", code="template_builtin")
    if not tree.is_within(row.area_code, user.area_code):
        raise Forbidden("Mẫu này do cấp trên tạo; bạn không thể xóa.", code="out_of_scope")
    session.delete(row)
    session.commit()


def bulletin_prefill(template: EmergencyTemplate, *, now: datetime, targets: list[str]) -> dict[str, Any]:
    """The fields of an emergency bulletin from ``template``: valid from now for its hours."""
    start = now.replace(microsecond=0)
    return {
        "title": template.title, "body": template.body, "board_text": template.board_text,
        "category": template.category, "priority": "emergency", "valid_from": start,
        "valid_until": start + timedelta(hours=template.validity_hours), "targets": list(targets),
        "repeats_per_day": 1, "reads_per_play": 2, "gap_seconds": 2.0,
    }
