"""`loa demo`: seed a real province, demo hamlets, users (and, from later features, content)."""

from __future__ import annotations

import argparse
from typing import Any

from server.cli._common import add_command


def register(sub: Any) -> None:
    parser = add_command(sub, "demo", "nạp dữ liệu mẫu (tỉnh thật, thôn mẫu, tài khoản mẫu)")
    parser.add_argument("--if-empty", action="store_true", help="chỉ nạp khi cơ sở dữ liệu còn trống")
    parser.set_defaults(func=_demo)


def _demo(args: argparse.Namespace) -> int:
    from server.bootstrap import prepare
    from server.services.demo import DEMO_PASSWORD, database_is_empty, seed_demo
    from server.settings import get_settings

    settings = get_settings()
    engine = prepare(settings)
    if args.if_empty and not database_is_empty(engine):
        print("Cơ sở dữ liệu đã có dữ liệu; bỏ qua nạp dữ liệu mẫu.")
        return 0
    report = seed_demo(engine, settings.data_dir)
    print(f"Đã nạp dữ liệu mẫu: thêm {report.areas_added} địa bàn.")
    for note in report.notes:
        print(f"  {note}")
    print(f"Tài khoản mẫu (mật khẩu chung, CHỈ DÙNG THỬ: {DEMO_PASSWORD}):")
    for username, role, area in report.users:
        print(f"  {username:<18} {role:<9} {area}")
    print(f"Mã đăng ký thiết bị (demo): {settings.enrolment_token_path}")
    return 0
