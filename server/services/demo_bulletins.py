"""Demo step: the sample bulletins, drafted by the demo officers of Phú Đình and Định Hóa,
submitted (synthesized inline with the configured engine chain) and approved by the demo
approvers, each targeting its commune and valid for 30 days from seeding.

Runs through the same services as the API, so the demo's audit trail is a real one.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from playlists.model import LOCAL_TZ
from server.errors import LoaError
from server.models.areas import Area
from server.models.bulletins import CATEGORY_LABELS_VI, Bulletin, BulletinCreate, BulletinVersion, Category
from server.models.users import User
from server.services import audit, bulletins, synthesis, workflow
from server.services.areas import AreaTree
from server.settings import Settings, get_settings

if TYPE_CHECKING:
    from server.services.demo import DemoReport

VALID_DAYS = 30
# Sample i goes to commune i % 2: (officer, approver, commune).
AUTHORS = [
    ("canbo.phudinh", "lanhdao.phudinh", "W05602"),
    ("canbo.dinhhoa", "lanhdao.dinhhoa", "W05569"),
]
_CATEGORY_BY_LABEL = {label: category for category, label in CATEGORY_LABELS_VI.items()}


def category_of(label: str) -> Category:
    """The English value for a Vietnamese label (or an English value already)."""
    label = label.strip().lower()
    if label in Category.__members__:
        return Category(label)
    return _CATEGORY_BY_LABEL.get(label, Category.other)


def _tree(session: Session) -> AreaTree:
    """Read through this session: the demo's areas are not committed yet."""
    return AreaTree.from_rows(session.exec(select(Area)).all())


def _user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).one()
    return user


def seed_bulletins(session: Session, report: DemoReport, data_dir: Path) -> None:
    from server.services.demo import sample_bulletins

    audit.bind(session, data_dir)
    settings = get_settings().model_copy(update={"data_dir": data_dir})
    tree, now = _tree(session), datetime.now(UTC).replace(microsecond=0)
    created: list[tuple[Bulletin, User]] = []
    for index, sample in enumerate(sample_bulletins()):
        officer_name, approver_name, commune = AUTHORS[index % len(AUTHORS)]
        officer, approver = _user(session, officer_name), _user(session, approver_name)
        if _exists(session, commune, sample["title"]):
            continue
        data = BulletinCreate(
            title=sample["title"], body=sample["body"], board_text=sample["board_text"],
            priority=sample.get("priority", "normal"), category=category_of(sample["category"]),
            valid_from=now, valid_until=now + timedelta(days=VALID_DAYS), targets=[commune],
            repeats_per_day=2 if sample.get("priority") == "normal" else 3,
            reads_per_play=2 if sample.get("priority") == "emergency" else 1,
        )
        bulletin = bulletins.create_draft(session, officer, tree, data, now=now, tz=LOCAL_TZ)
        created.append((bulletin, approver))
    if not created:
        return
    _prepare_audio(session, settings, [b for b, _ in created])
    approved = 0
    for bulletin, approver in created:
        author = session.get(User, bulletin.created_by)
        assert author is not None
        try:
            workflow.submit(session, author, bulletin, settings=settings, now=now, jobs=None)
            workflow.approve(session, approver, tree, bulletin, settings=settings, now=now)
            approved += 1
        except LoaError as exc:
            session.rollback()
            report.notes.append(f"Bản tin mẫu #{bulletin.id} chưa được duyệt: {exc.message}")
    report.notes.append(
        f"Bản tin mẫu: {len(created)} bản tin, {approved} đã duyệt (hiệu lực {VALID_DAYS} ngày)."
    )


def _exists(session: Session, commune: str, title: str) -> bool:
    stmt = (
        select(Bulletin.id)
        .join(BulletinVersion, col(BulletinVersion.id) == col(Bulletin.current_version_id))
        .where(Bulletin.area_code == commune, BulletinVersion.title == title)
    )
    return session.exec(stmt).first() is not None


def _prepare_audio(session: Session, settings: Settings, created: list[Bulletin]) -> None:
    """Warm the audio cache in parallel (mastering is the slow part); submit then finds each file."""
    versions = [bulletins.current_version(session, b) for b in created]
    jobs: list[dict[str, Any]] = [
        {"text": v.body, "reads_per_play": v.reads_per_play, "gap_seconds": v.gap_seconds} for v in versions
    ]

    def speak(job: dict[str, Any]) -> None:
        with suppress(LoaError):  # submit tries again and reports the failure
            synthesis.synthesize_text(settings, job.pop("text"), **job)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(speak, jobs))
