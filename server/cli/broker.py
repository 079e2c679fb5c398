"""`loa broker serve`: Mosquitto configured for Loa (dynamic security) as its own process.

What the compose broker service runs. On first start it creates the admin and server logins
(0600 files in the data dir) and the plugin's JSON; later starts keep that JSON, which is the
broker's account state (servers change it over MQTT). It writes ``D/broker.env`` with the
settings a `loa serve` needs to use it, then replaces itself with Mosquitto (exec), so signals
and the exit code are Mosquitto's own.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path
from typing import Any

from devices.broker import DEFAULT_PORT


def register(sub: Any) -> None:
    parser = sub.add_parser("broker", help="broker MQTT riêng cho Loa", description="broker MQTT riêng cho Loa")
    commands = parser.add_subparsers(dest="broker_command", required=True, metavar="LỆNH")
    serve = commands.add_parser(
        "serve", help="chạy Mosquitto cho Loa (tài khoản thiết bị trong dynamic security)",
        description="chạy Mosquitto cho Loa ở tiền cảnh; ghi D/broker.env cho các máy chủ `loa serve`",
    )
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"cổng MQTT (mặc định {DEFAULT_PORT})")
    serve.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    serve.add_argument("--advertise-host", default=None,
                       help="tên máy ghi vào broker.env (mặc định: --host, hoặc tên máy khi --host là 0.0.0.0)")
    serve.add_argument("--data-dir", required=True, help="thư mục của broker (tài khoản, dữ liệu, nhật ký)")
    serve.set_defaults(func=_serve)


def write_env(path: Path, values: dict[str, str]) -> None:
    from devices.broker.credentials import write_private_file

    write_private_file(path, "".join(f"{k}={v}\n" for k, v in values.items()))


def _password(url: str | None) -> str | None:
    if not url:
        return None
    from devices.mqtt import parse_mqtt_url

    return parse_mqtt_url(url).password


def _serve(args: argparse.Namespace) -> int:
    from devices.broker import Account, BrokerError, MosquittoBroker
    from devices.broker.credentials import write_private_file
    from devices.broker.mosquitto import read_or_create_secret
    from server.delivery.keys import SERVER_USERNAME

    directory = Path(args.data_dir).resolve()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        broker = MosquittoBroker(directory, args.port, host=args.host, keep_accounts=True, log_to_stdout=True)
    except BrokerError as exc:
        print(f"Lỗi: không chạy được Mosquitto ({exc}).", file=sys.stderr)
        return 2
    # Deployments pass the logins they give the servers (compose: LOA_MQTT_URL and
    # LOA_BROKER_ADMIN_URL); otherwise they are generated on first start and kept.
    given_server, given_admin = _password(os.environ.get("LOA_MQTT_URL")), _password(
        os.environ.get("LOA_BROKER_ADMIN_URL"))
    if given_server:
        write_private_file(directory / "server-password", given_server + "\n")
    if given_admin:
        broker.set_admin_password(given_admin)
    server_password = read_or_create_secret(directory / "server-password")
    broker.update_accounts([], Account.from_password(SERVER_USERNAME, server_password))
    wildcard = args.host in ("0.0.0.0", "::")  # noqa: S104 - comparing, not binding
    host = args.advertise_host or (socket.gethostname() if wildcard else args.host)
    env_path = directory / "broker.env"
    write_env(env_path, {
        "LOA_MQTT_URL": f"mqtt://{SERVER_USERNAME}:{server_password}@{host}:{args.port}",
        "LOA_BROKER_ADMIN_URL": f"mqtt://loa-admin:{broker.admin_password}@{host}:{args.port}",
    })
    print(f"Broker Loa: mqtt://{host}:{args.port}; cấu hình cho máy chủ: {env_path}", flush=True)
    command = broker.command_line()
    os.execv(command[0], command)  # noqa: S606 - our own mosquitto command line, no shell
    return 0  # pragma: no cover - exec does not return
