"""Bulletins and their versions (DESIGN.md §1).

A ``Bulletin`` is the workflow object (status, owner unit, optimistic-lock ``version``); its
content lives in numbered ``BulletinVersion`` rows. A version is editable in place only until it
is submitted; after that it is frozen and an edit creates the next version. Two pointers on the
bulletin say which version is being worked on (``current_version_id``) and which one airs
(``approved_version_id``): while an edit of an approved bulletin waits for re-approval, the last
approved version keeps airing. Whether a version may air is decided only by
``server.services.airing.may_air``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import Field as PydanticField
from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from server.bounds import Day, DbId, Moment
from server.models.base import UTCDateTime, utcnow

TITLE_MAX = 200
BODY_MAX = 5000
BOARD_MAX = 300
REASON_MAX = 1000


class BulletinStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"
    expired = "expired"
    cancelled = "cancelled"


# No transition leaves these, and nothing of a bulletin in one of them airs.
TERMINAL_STATUSES = frozenset({BulletinStatus.withdrawn, BulletinStatus.expired, BulletinStatus.cancelled})


class Priority(StrEnum):
    normal = "normal"
    priority = "priority"
    emergency = "emergency"


class Category(StrEnum):
    policy = "policy"
    consultation = "consultation"
    disaster = "disaster"
    health = "health"
    security = "security"
    notice = "notice"
    other = "other"


CATEGORY_LABELS_VI = {
    Category.policy: "chính sách",
    Category.consultation: "lấy ý kiến dự thảo",
    Category.disaster: "phòng chống thiên tai",
    Category.health: "y tế",
    Category.security: "an ninh trật tự",
    Category.notice: "thông báo",
    Category.other: "khác",
}


_LOCK_COLUMN = Column("version", Integer, nullable=False)


class Bulletin(SQLModel, table=True):
    __tablename__ = "bulletin"
    # SQLAlchemy bumps ``version`` on every UPDATE and adds ``WHERE version = <read value>``:
    # a concurrent writer makes the flush fail (StaleDataError → HTTP 409) instead of winning.
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": _LOCK_COLUMN}

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=BulletinStatus.draft, max_length=16, index=True)
    # Owning unit: the area of the user who created it; scope checks use it.
    area_code: str = Field(foreign_key="area.code", max_length=64, index=True)
    # Of the airing (last approved) version, else of the draft; reports and the UI read these.
    priority: str = Field(max_length=16)
    category: str = Field(max_length=16)
    version: int = Field(default=1, sa_column=_LOCK_COLUMN)
    # No cycle at create time: these point at bulletin_version, which points back here.
    current_version_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("bulletin_version.id", use_alter=True, name="fk_bulletin_current_version"),
            nullable=True,
        ),
    )
    approved_version_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("bulletin_version.id", use_alter=True, name="fk_bulletin_approved_version"),
            nullable=True,
        ),
    )
    rejected_reason: str | None = Field(default=None, max_length=REASON_MAX)
    last_job_id: int | None = Field(default=None, foreign_key="job.id")
    created_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: int | None = Field(default=None, foreign_key="user_account.id")


class BulletinContent(SQLModel):
    """The airing-relevant fields, shared by the API models and the version table.

    Lengths are checked by the service (stable error codes), not by pydantic.
    """

    title: str = Field(sa_type=String(TITLE_MAX))
    body: str = Field(sa_type=String(BODY_MAX))
    board_text: str = Field(sa_type=String(BOARD_MAX))
    priority: Priority = Field(default=Priority.normal, sa_type=String(16))
    category: Category = Field(default=Category.notice, sa_type=String(16))
    valid_from: datetime = Field(sa_type=UTCDateTime)
    valid_until: datetime = Field(sa_type=UTCDateTime)
    repeats_per_day: int = Field(default=1)
    reads_per_play: int = Field(default=1)
    gap_seconds: float = Field(default=2.0)
    pin_date: date | None = Field(default=None)
    # The slot table belongs to the scheduling feature: an id without a foreign key.
    pin_slot_id: int | None = Field(default=None)
    # Shown on the citizens' page and podcast feed (/public); off for notices naming households.
    public: bool = Field(default=True)


class BulletinVersion(BulletinContent, table=True):
    __tablename__ = "bulletin_version"
    __table_args__ = (UniqueConstraint("bulletin_id", "number", name="uq_bulletin_version_number"),)

    id: int | None = Field(default=None, primary_key=True)
    bulletin_id: int = Field(foreign_key="bulletin.id", index=True)
    number: int
    # sha256 of the officer's original recording (kept in {data_dir}/recordings/), if any.
    recording_sha256: str | None = Field(default=None, max_length=64)
    recording_name: str | None = Field(default=None, max_length=200)
    version_hash: str = Field(max_length=64, index=True)
    # The mastered MP3 at {media_dir}/{audio_sha256}.mp3 (synthesized on submit, or the recording).
    audio_sha256: str | None = Field(default=None, max_length=64)
    audio_size: int | None = None
    audio_duration_ms: int | None = None
    audio_engine: str | None = Field(default=None, max_length=64)
    audio_voice: str | None = Field(default=None, max_length=128)
    # Everyone who wrote, uploaded or submitted this version: none of them may approve it.
    authors: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by: int | None = Field(default=None, foreign_key="user_account.id")
    # The approval binding: what the approver approved (text hash + audio), immutable after.
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_by: int | None = Field(default=None, foreign_key="user_account.id")
    approved_hash: str | None = Field(default=None, max_length=64)
    approved_audio_sha256: str | None = Field(default=None, max_length=64)
    # Created and approved in one step by an approver (emergency); recorded as such in the audit.
    one_step: bool = Field(default=False)
    # Title, body and board text folded (no diacritics, lowercase, đ→d) for search; see text_search.
    search_text: str = Field(default="", sa_type=Text)

    @property
    def frozen(self) -> bool:
        return self.submitted_at is not None


class BulletinTarget(SQLModel, table=True):
    """The areas one version targets (a row per area; indexed for the scheduler's bulk query)."""

    __tablename__ = "bulletin_target"

    version_id: int = Field(foreign_key="bulletin_version.id", primary_key=True)
    area_code: str = Field(foreign_key="area.code", primary_key=True, max_length=64, index=True)


def _documented(**limits: Any) -> Any:
    """Limits for the OpenAPI document only: the service enforces them with stable error codes."""
    return PydanticField(json_schema_extra=limits)


Title = Annotated[str, _documented(minLength=1, maxLength=TITLE_MAX)]
Body = Annotated[str, _documented(minLength=1, maxLength=BODY_MAX)]
BoardText = Annotated[str, _documented(minLength=1, maxLength=BOARD_MAX)]
Repeats = Annotated[int, _documented(minimum=1, maximum=10)]
Reads = Annotated[int, _documented(minimum=1, maximum=3)]
Gap = Annotated[float, _documented(minimum=0, maximum=30)]
Targets = Annotated[list[str], _documented(minItems=1, maxItems=500)]


class BulletinCreate(BulletinContent):
    # Bounded at the edge (server.bounds): a year-9999 validity or an id beyond int4 is a 422.
    title: Title
    body: Body
    board_text: BoardText
    valid_from: Moment
    valid_until: Moment
    repeats_per_day: Repeats = 1
    reads_per_play: Reads = 1
    gap_seconds: Gap = 2.0
    pin_date: Day | None = None
    pin_slot_id: DbId | None = None
    targets: Targets
    # Approvers only, emergencies only: create, synthesize inline and approve in one step.
    approve: bool = False


class BulletinUpdate(SQLModel):
    """A partial edit; ``version`` is the optimistic lock (HTTP 409 when stale)."""

    version: DbId
    title: Title | None = None
    body: Body | None = None
    board_text: BoardText | None = None
    priority: Priority | None = None
    category: Category | None = None
    targets: Targets | None = None
    valid_from: Moment | None = None
    valid_until: Moment | None = None
    repeats_per_day: Repeats | None = None
    reads_per_play: Reads | None = None
    gap_seconds: Gap | None = None
    pin_date: Day | None = None
    pin_slot_id: DbId | None = None
    public: bool | None = None


class TransitionRequest(SQLModel):
    """Optional expectations for submit/approve/withdraw/cancel: refused (409) when stale.

    An approver sends the ``version_hash`` and ``audio_sha256`` they reviewed, so the approval
    cannot land on anything else.
    """

    version: DbId | None = None
    version_hash: str | None = None
    audio_sha256: str | None = None


class RejectRequest(TransitionRequest):
    reason: str


class AudioPublic(SQLModel):
    sha256: str
    size: int | None
    duration_ms: int | None
    engine: str | None
    voice: str | None


class ApprovedPublic(SQLModel):
    """The version that airs (or aired until withdrawn/cancelled/expired)."""

    version_id: int
    version_number: int
    version_hash: str
    audio_sha256: str | None
    approved_by: int | None
    approved_at: datetime | None
    one_step: bool
    title: str
    valid_from: datetime
    valid_until: datetime


class BulletinPublic(SQLModel):
    id: int
    status: BulletinStatus
    version: int
    area_code: str
    created_by: int
    created_at: datetime
    updated_at: datetime
    rejected_reason: str | None
    job_id: int | None
    # The version being worked on (the newest one).
    version_id: int
    version_number: int
    version_hash: str
    title: str
    body: str
    board_text: str
    priority: Priority
    category: Category
    targets: list[str]
    valid_from: datetime
    valid_until: datetime
    repeats_per_day: int
    reads_per_play: int
    gap_seconds: float
    pin_date: date | None
    pin_slot_id: int | None
    public: bool
    recording_name: str | None
    audio: AudioPublic | None
    submitted_at: datetime | None
    approved: ApprovedPublic | None
    # ``may_air`` of the approved version right now.
    airing: bool
    # The area lexicon changed since the approved audio was made: a re-synthesis (and re-approval)
    # would read it differently. The approved audio itself never changes by itself.
    reading_changed: bool = False
