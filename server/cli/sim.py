"""`loa sim`: simulated receivers and LED boards against a running server (firmware_sim/)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from server.cli._common import add_command

EPILOG = """\
Lỗi giả lập (--faults), nhiều lỗi cách nhau bởi dấu chấm phẩy:
  NAME[=VALUE][@AT][+FOR][:WHO]
  NAME   link_down | power_loss | skew | corrupt | slow
  VALUE  skew: độ lệch đồng hồ có dấu (-90s, +2m); slow: trễ mỗi gói (250ms);
         corrupt: số lần tải media bị hỏng (mặc định 1)
  AT     thời điểm bắt đầu tính từ lúc chạy (mặc định 0); FOR: kéo dài bao lâu
         (mặc định: đến hết); đơn vị ms|s|m|h, theo đồng hồ mô phỏng (--clock-speed)
  WHO    all | N% | N | dev=ID[,ID...]   (mặc định all; chọn ngẫu nhiên theo --seed)
Ví dụ: link_down@60s+300s:10%;power_loss@2m+30s:dev=sim-0001;skew=-90s:5%;corrupt=2:3
Mất điện giữ bộ nhớ đệm trên đĩa, mất RAM. Khởi động lại broker: tự làm, thiết bị tự nối lại.
"""


def register(sub: Any) -> None:
    parser = add_command(sub, "sim", "mô phỏng loa và bảng điện tử kết nối tới máy chủ")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("--server", required=True, help="địa chỉ máy chủ, ví dụ http://127.0.0.1:8000")
    parser.add_argument("--devices", type=int, default=None, help="tổng số thiết bị (kể cả bảng)")
    parser.add_argument("--credentials", type=Path, default=None, metavar="FILE",
                        help="chạy đúng các thiết bị trong tệp thông tin đăng nhập quản trị viên cấp "
                             "(JSON: một thiết bị hoặc danh sách), không đăng ký thêm")
    parser.add_argument("--boards", type=int, default=0, help="trong đó bao nhiêu bảng điện tử (mặc định 0)")
    parser.add_argument("--token", default=None, help="mã đăng ký (mặc định: tệp enrolment-token trong --data-dir)")
    parser.add_argument("--duration", type=float, default=None, help="chạy bao nhiêu giây thật rồi dừng")
    parser.add_argument("--clock-speed", type=float, default=1.0, help="tốc độ đồng hồ của thiết bị (mặc định 1)")
    parser.add_argument("--faults", default=None, metavar="SPEC", help="lỗi giả lập, xem bên dưới")
    parser.add_argument("--area", default=None, metavar="CODE", help="đăng ký mọi thiết bị vào địa bàn này")
    parser.add_argument("--seed", type=int, default=0, help="hạt giống chọn thiết bị bị lỗi")
    parser.add_argument("--mqtt-url", default=None, help="ghi đè địa chỉ MQTT máy chủ trả về khi đăng ký")
    parser.add_argument("--cache-dir", default=None, help="bộ nhớ đệm của thiết bị (mặc định DATA_DIR/sim)")
    parser.add_argument("--json", action="store_true", help="in thêm tóm tắt JSON ở dòng cuối")
    parser.add_argument("--fresh", action="store_true",
                        help="bỏ các thiết bị đã đăng ký với máy chủ này ở lần chạy trước, đăng ký thiết bị mới")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from firmware_sim.faults import FaultSpecError, parse_faults
    from firmware_sim.runner import SimConfig, SimError, run
    from server.settings import get_settings

    settings = get_settings()
    token = args.token
    if token is None:
        try:
            token = settings.enrolment_token_path.read_text(encoding="utf-8").strip()
        except OSError:
            token = ""
    sheets = None
    if args.credentials is not None:
        try:
            loaded = json.loads(args.credentials.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(f"Lỗi: không đọc được tệp thông tin đăng nhập {args.credentials}: {exc}", file=sys.stderr)
            return 2
        sheets = loaded if isinstance(loaded, list) else [loaded]
        if not sheets or not all(isinstance(sheet, dict) for sheet in sheets):
            print("Lỗi: tệp thông tin đăng nhập phải là một đối tượng JSON hoặc một danh sách.", file=sys.stderr)
            return 2
        args.devices = len(sheets)
    elif args.devices is None:
        print("Lỗi: cần --devices N (hoặc --credentials FILE).", file=sys.stderr)
        return 2
    if args.devices < 1 or args.boards < 0 or args.clock_speed <= 0:
        print("Lỗi: --devices ≥ 1, --boards ≥ 0, --clock-speed > 0.", file=sys.stderr)
        return 2
    try:
        faults = parse_faults(args.faults)
    except FaultSpecError as exc:
        print(f"Lỗi: --faults không hợp lệ: {exc}", file=sys.stderr)
        return 2
    config = SimConfig(
        server=args.server.rstrip("/"), devices=args.devices, boards=args.boards, token=token,
        duration=args.duration, clock_speed=args.clock_speed, faults=faults, area=args.area,
        cache_dir=Path(args.cache_dir) if args.cache_dir else settings.data_dir / "sim",
        seed=args.seed, mqtt_url=args.mqtt_url, fresh=args.fresh, credentials=sheets,
    )
    try:
        run(config, as_json=args.json)
    except SimError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    return 0
