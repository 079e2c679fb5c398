"""Verification of the audit chain (``loa audit verify``).

Walks the events in sequence order and stops at the first bad one: a gap (deleted row), a
hash that does not match the row (altered, or rows swapped), or a link to the wrong previous
hash. Then it checks the two copies of the head kept outside the chain: ``audit_head`` must
name the last event exactly, and the ``{data_dir}/audit-head`` witness must name an event the
chain still contains with the same hash. Either catches the deletion of the newest rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from server.models.audit import GENESIS_HASH, AuditEvent, AuditHead
from server.services.audit import HEAD_FILE, hash_of, read_head_file


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int  # events checked before stopping
    head_seq: int  # the last good event
    problem: str = ""  # stable code: missing, altered, broken_link, head_mismatch, truncated, witness_*
    bad_seq: int | None = None  # the first bad event
    message: str = ""  # Vietnamese, for the operator

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _lost(first: int, last: int) -> str:
    return f"Sự kiện #{first}" if first == last else f"Các sự kiện từ #{first} đến #{last}"


def _fail(events: int, head: int, problem: str, bad: int | None, message: str) -> VerifyResult:
    return VerifyResult(False, events, head, problem, bad, message)


def verify_chain(session: Session, data_dir: Path, *, batch: int = 1000) -> VerifyResult:
    witness = read_head_file(data_dir)
    stmt = select(AuditEvent).order_by(col(AuditEvent.seq)).execution_options(yield_per=batch)
    with closing(session.exec(stmt)) as events:  # a server-side cursor on PostgreSQL
        walked = _walk(events, witness[0] if witness else None)
    if isinstance(walked, VerifyResult):
        return walked
    last, prev, witnessed_hash = walked
    return _check_heads(session, last, prev, witness, witnessed_hash)


Walked = tuple[int, str, str | None]


def _walk(events: Iterable[AuditEvent], witness_seq: int | None) -> VerifyResult | Walked:
    """The first bad event, or (last seq, last hash, hash at the witnessed seq)."""
    witnessed_hash: str | None = None
    expected, prev = 1, GENESIS_HASH
    for ev in events:
        checked, last = expected - 1, expected - 1
        if ev.seq != expected:
            if ev.seq > expected:
                return _fail(checked, last, "missing", expected,
                             f"Sự kiện #{expected} đã bị xoá (sau #{last} là #{ev.seq}).")
            return _fail(checked, last, "out_of_order", ev.seq, f"Sự kiện #{ev.seq} sai thứ tự.")
        if hash_of(ev) != ev.hash:
            return _fail(checked, last, "altered", ev.seq,
                         f"Sự kiện #{ev.seq} ({ev.action}) đã bị sửa: mã băm không khớp nội dung.")
        if ev.prev_hash != prev:
            return _fail(checked, last, "broken_link", ev.seq,
                         f"Sự kiện #{ev.seq} ({ev.action}) không nối tiếp sự kiện #{last}.")
        if ev.seq == witness_seq:
            witnessed_hash = ev.hash
        prev = ev.hash
        expected += 1
    return expected - 1, prev, witnessed_hash


def _check_heads(session: Session, last: int, prev: str, witness: tuple[int, str] | None,
                 witnessed_hash: str | None) -> VerifyResult:
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)
    if head_seq > last:
        return _fail(last, last, "truncated", last + 1,
                     f"{_lost(last + 1, head_seq)} đã bị xoá (bảng audit_head ghi #{head_seq}).")
    if (head_seq, head_hash) != (last, prev):
        return _fail(last, last, "head_mismatch", head_seq + 1 if head_seq < last else last,
                     f"Đầu chuỗi trong bảng audit_head (#{head_seq}) không khớp sự kiện cuối #{last}.")
    if witness is None:
        if last > 0:
            return _fail(last, last, "witness_missing", None,
                         f"Thiếu tệp đầu chuỗi {HEAD_FILE} trong thư mục dữ liệu (có {last} sự kiện).")
    elif witness[0] < 0:
        return _fail(last, last, "witness_unreadable", None, f"Tệp đầu chuỗi {HEAD_FILE} không đọc được.")
    elif witness[0] > last:
        return _fail(last, last, "truncated", last + 1,
                     f"{_lost(last + 1, witness[0])} đã bị xoá (tệp {HEAD_FILE} ghi #{witness[0]}).")
    elif witness[0] > 0 and witnessed_hash != witness[1]:
        return _fail(last, last, "witness_mismatch", witness[0],
                     f"Sự kiện #{witness[0]} không khớp mã băm ghi trong tệp {HEAD_FILE}.")
    return VerifyResult(True, last, last, message=f"Nhật ký kiểm toán nguyên vẹn: {last} sự kiện.")
