"""`loa audit verify`: exit 0 when the audit chain is intact, 1 naming the first bad event."""

from __future__ import annotations

import argparse
import json
from typing import Any

from server.cli._common import add_command


def register(sub: Any) -> None:
    parser = add_command(sub, "audit", "nhật ký kiểm toán")
    audit_sub = parser.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = add_command(audit_sub, "verify", "kiểm tra chuỗi nhật ký kiểm toán còn nguyên vẹn")
    verify.add_argument("--json", action="store_true", help="in kết quả JSON")
    verify.set_defaults(func=_verify)


def _verify(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from server.bootstrap import prepare
    from server.services.audit_verify import verify_chain
    from server.settings import get_settings

    settings = get_settings()
    engine = prepare(settings)
    with Session(engine) as session:
        result = verify_chain(session, settings.data_dir)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        print(result.message if result.ok else f"LỖI: {result.message}")
    return 0 if result.ok else 1
