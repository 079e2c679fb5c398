"""`loa bench NAME`: run a benchmark from `bench/` and print its metrics as JSON."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from server.cli._common import add_command

BENCHES = ("tts", "compile", "fanout", "reconnect", "ingest", "report", "speech", "speech1", "speech1b",
           "trust-broker", "console", "console-api", "console3", "console4", "login", "scale2")
# Another name for the same bench (the name for it).
ALIASES = {"speech1": "speech", "speech1b": "speech"}


def register(sub: Any) -> None:
    parser = add_command(sub, "bench", f"đo hiệu năng ({', '.join(b for b in BENCHES if b not in ALIASES)})")
    parser.add_argument("name", choices=BENCHES)
    parser.add_argument("--json", action="store_true", help="in kết quả JSON ở dòng cuối")
    parser.add_argument("--devices", type=int, default=None, help="số thiết bị (mặc định: mục tiêu)")
    parser.add_argument("--rows", type=int, default=None, help="số dòng as-run (bench report)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    module = importlib.import_module(f"bench.{ALIASES.get(args.name, args.name).replace('-', '_')}")
    explicit_dir = getattr(args, "data_dir", None)
    with tempfile.TemporaryDirectory(prefix=f"loa-bench-{args.name}-") as tmp:
        data_dir = Path(explicit_dir) if explicit_dir else Path(tmp)
        result: dict[str, Any] = module.run(data_dir=data_dir, devices=args.devices, rows=args.rows)
    line = {"bench": args.name, **result}
    if args.json:
        print(json.dumps(line, ensure_ascii=False))
    else:
        for key, value in result.get("metrics", {}).items():
            print(f"{key}: {value}")
        print(f"backend: {result.get('backend')}  broker: {result.get('broker')}", file=sys.stderr)
    return 0
