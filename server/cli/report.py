"""`loa report airtime --area CODE --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|xlsx|json] [-o FILE]`.

Like the HTTP report it first brings the daily rollups up to date, so running it once after an
upgrade or a big import also builds them (minutes for a province-year on PostgreSQL).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from playlists.model import LOCAL_TZ
from server.cli._common import add_command


def register(sub: Any) -> None:
    parser = add_command(sub, "report", "báo cáo kiểm tra phát thanh")
    report_sub = parser.add_subparsers(dest="report_command", required=True, metavar="ACTION")
    airtime = add_command(report_sub, "airtime", "báo cáo thời lượng và kết quả phát theo kế hoạch")
    airtime.add_argument("--area", required=True, help="mã địa bàn (cả cây con bên dưới)")
    airtime.add_argument("--from", dest="date_from", required=True, help="ngày bắt đầu YYYY-MM-DD (tính cả ngày này)")
    airtime.add_argument("--to", dest="date_to", required=True, help="ngày kết thúc YYYY-MM-DD (tính cả ngày này)")
    airtime.add_argument("--format", default="json", choices=["json", "csv", "xlsx"], help="định dạng (mặc định json)")
    airtime.add_argument("-o", "--output", default=None, help="ghi ra tệp thay vì màn hình")
    airtime.set_defaults(func=_airtime)


def _write(data: bytes, output: str | None) -> None:
    """Write the whole file atomically: a failure never leaves half a report behind."""
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    fd, tmp = tempfile.mkstemp(prefix=".report-", dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _airtime(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from sqlmodel import Session

    from server.bootstrap import prepare
    from server.errors import Invalid
    from server.services import audit
    from server.services.areas import load_tree, validate_code
    from server.services.reports import airtime_report, audit_details
    from server.services.reports_export import render
    from server.services.reports_query import parse_period
    from server.settings import get_settings

    if args.format == "xlsx" and args.output is None and sys.stdout.isatty():
        raise Invalid("Tệp XLSX cần được ghi ra tệp: thêm -o BAO_CAO.xlsx.", code="xlsx_needs_output")
    settings = get_settings()
    start, end = parse_period(args.date_from, args.date_to)
    engine = prepare(settings)
    tree = load_tree(engine)
    root = tree.get(validate_code(args.area)).code
    report = airtime_report(engine, tree, LOCAL_TZ, root, start, end, datetime.now(UTC),
                            days=args.format == "xlsx", grace=settings.asrun_grace)
    who = _os_user()
    report["generated_by"] = f"{who} (dòng lệnh)"
    data = render(report, args.format, LOCAL_TZ)
    with audit.bind(Session(engine), settings.data_dir) as session:
        audit.record(session, None, "report_generated", f"report:airtime:{root}",
                     {**audit_details(report, args.format), "via": "cli", "os_user": who})
        session.commit()
    _write(data, args.output)
    if args.output:
        print(f"Đã ghi báo cáo ({report['as_of']}) vào {args.output}.", file=sys.stderr)
    return 0


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "?"
