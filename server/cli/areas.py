"""`loa areas list [--json]`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from server.cli._common import add_command


def register(sub: Any) -> None:
    parser = add_command(sub, "areas", "địa bàn hành chính")
    areas_sub = parser.add_subparsers(dest="areas_command", required=True, metavar="ACTION")
    listing = add_command(areas_sub, "list", "liệt kê địa bàn")
    listing.add_argument("--json", action="store_true", help="in JSON")
    listing.add_argument("--root", default=None, help="chỉ liệt kê cây con dưới mã này")
    listing.set_defaults(func=_list)


def _list(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from server.bootstrap import prepare
    from server.services.areas import list_areas
    from server.settings import get_settings

    engine = prepare(get_settings())
    with Session(engine) as session:
        rows = list_areas(session, root=args.root)
    if args.json:
        out = [{"code": a.code, "name": a.name, "level": a.level, "parent_code": a.parent_code} for a in rows]
        print(json.dumps(out, ensure_ascii=False))
    else:
        for a in rows:
            retired = " (đã giải thể)" if a.retired_at else ""
            print(f"{a.code:<14} {a.level:<9} {a.name}{retired}")
    return 0
