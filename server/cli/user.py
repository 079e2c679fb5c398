"""`loa user add NAME --role ROLE --area CODE [--email ADDRESS] --password-stdin`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from server.cli._common import add_command


def register(sub: Any) -> None:
    parser = add_command(sub, "user", "tài khoản người dùng")
    user_sub = parser.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = add_command(user_sub, "add", "thêm tài khoản")
    add.add_argument("name", help="tên đăng nhập")
    add.add_argument("--role", required=True, choices=["officer", "approver", "auditor", "admin"])
    add.add_argument("--area", required=True, help="mã địa bàn phụ trách")
    add.add_argument("--full-name", default="", help="họ tên")
    add.add_argument("--email", default=None, help="địa chỉ e-mail nhận thông báo của địa bàn")
    add.add_argument("--password-stdin", action="store_true", required=True,
                     help="đọc mật khẩu từ stdin (dòng đầu tiên)")
    add.set_defaults(func=_add)


def _add(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from server.bootstrap import prepare
    from server.services import audit
    from server.services.users import create_user
    from server.settings import get_settings

    password = sys.stdin.readline().rstrip("\r\n")
    settings = get_settings()
    engine = prepare(settings)
    with audit.bind(Session(engine), settings.data_dir) as session:
        user = create_user(session, args.name, password, args.role, args.area, args.full_name, args.email)
        audit.record_user_created(session, user, actor=None)
        session.commit()
        print(f"Đã tạo tài khoản {user.username} ({user.role}, địa bàn {user.area_code}).")
    return 0
