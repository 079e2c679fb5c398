"""`loa lexicon add|list|remove --area CODE ...`: an area's pronunciation lexicon.

Run on the server's machine by whoever holds its data dir, like `loa user add`; each change is
audited (actor: the command line). Submitted bulletins the change affects are re-synthesized
right here, since the command has no scheduler to hand jobs to.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from server.cli._common import add_command


def register(sub: Any) -> None:
    parser = add_command(sub, "lexicon", "từ điển phát âm của địa bàn (kế thừa xuống các địa bàn cấp dưới)")
    lex_sub = parser.add_subparsers(dest="lexicon_command", required=True, metavar="ACTION")

    add = add_command(lex_sub, "add", "thêm hoặc sửa cách đọc một từ")
    add.add_argument("--area", required=True, help="mã địa bàn")
    add.add_argument("term", help="từ như được viết, ví dụ KDC")
    add.add_argument("reading", help="cách đọc, ví dụ \"khu dân cư\"")
    add.set_defaults(func=_add)

    listing = add_command(lex_sub, "list", "liệt kê các mục áp dụng cho địa bàn (kể cả kế thừa)")
    listing.add_argument("--area", required=True, help="mã địa bàn")
    listing.add_argument("--json", action="store_true", help="in JSON")
    listing.set_defaults(func=_list)

    remove = add_command(lex_sub, "remove", "xoá cách đọc một từ của địa bàn")
    remove.add_argument("--area", required=True, help="mã địa bàn")
    remove.add_argument("term", help="từ cần xoá")
    remove.set_defaults(func=_remove)


def _open() -> Any:
    from sqlmodel import Session

    from server.bootstrap import prepare
    from server.services import audit
    from server.settings import get_settings

    settings = get_settings()
    engine = prepare(settings)
    return settings, engine, audit.bind(Session(engine), settings.data_dir)


def _resynthesize(session: Any, settings: Any, changes: list[Any]) -> None:
    from server.services.synthesis import resynthesize

    if changes:
        print(f"Đang tạo lại âm thanh cho {len(changes)} bản tin chờ duyệt bị ảnh hưởng...")
        resynthesize(session, changes, settings=settings, jobs=None, user_id=None)


def _add(args: argparse.Namespace) -> int:
    from server.services.areas import load_tree
    from server.services.lexicon import add_entry

    settings, engine, session = _open()
    with session:
        entry, changes = add_entry(session, None, load_tree(engine), args.area, args.term, args.reading)
        session.commit()
        print(f"Đã lưu: {entry.term} đọc là \"{entry.reading}\" (địa bàn {entry.area_code}).")
        _resynthesize(session, settings, changes)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from server.services.areas import load_tree
    from server.services.lexicon import remove_entry

    settings, engine, session = _open()
    with session:
        changes = remove_entry(session, None, load_tree(engine), args.area, args.term)
        session.commit()
        print(f"Đã xoá cách đọc của {args.term} (địa bàn {args.area}).")
        _resynthesize(session, settings, changes)
    return 0


def _list(args: argparse.Namespace) -> int:
    from server.services.areas import load_tree
    from server.services.lexicon import effective_entries

    _settings, engine, session = _open()
    with session:
        entries = effective_entries(session, load_tree(engine), args.area)
    if args.json:
        print(json.dumps([e.as_dict() for e in entries], ensure_ascii=False))
        return 0
    for e in entries:
        origin = f" (kế thừa từ {e.area_code})" if e.inherited else ""
        print(f"{e.term}\t{e.reading}{origin}")
    if not entries:
        print(f"Địa bàn {args.area} chưa có mục phát âm nào.")
    return 0
