"""`loa demo`, `loa areas list`, `loa user add`, and start-up errors of `loa serve`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from server.cli import main


def test_demo_seeds_real_province_and_users(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(tmp_path / "d")
    assert main(["demo", "--data-dir", data]) == 0
    out = capsys.readouterr().out
    assert "canbo.phudinh" in out and "lanhdao.phudinh" in out
    assert main(["areas", "list", "--json", "--data-dir", data]) == 0
    areas = json.loads(capsys.readouterr().out)
    by_code = {a["code"]: a for a in areas}
    assert by_code["P19"] == {"code": "P19", "name": "Thái Nguyên", "level": "province", "parent_code": None}
    assert by_code["W05602"]["name"] == "Xã Phú Đình"
    assert sum(1 for a in areas if a["level"] == "commune") == 92  # real communes of Thái Nguyên
    assert by_code["W05602-T01"]["level"] == "hamlet"
    assert (tmp_path / "d" / "DEMO").exists()
    assert (tmp_path / "d" / "enrolment-token").stat().st_mode & 0o777 == 0o600
    # Idempotent: seeding again adds nothing.
    assert main(["demo", "--if-empty", "--data-dir", data]) == 0
    assert "bỏ qua" in capsys.readouterr().out


def test_user_add_reads_password_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "d")
    main(["demo", "--data-dir", data])
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai\n"))
    assert main(["user", "add", "nguyenvana", "--role", "auditor", "--area", "W05602",
                 "--password-stdin", "--data-dir", data]) == 0
    assert "nguyenvana" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai\n"))
    assert main(["user", "add", "nguyenvana", "--role", "auditor", "--area", "W05602",
                 "--password-stdin", "--data-dir", data]) == 2
    assert "đã tồn tại" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai\n"))
    assert main(["user", "add", "someone", "--role", "officer", "--area", "NOWHERE",
                 "--password-stdin", "--data-dir", data]) == 2
    assert "NOWHERE" in capsys.readouterr().err


def test_serve_refuses_unwritable_data_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["serve", "--data-dir", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert "LOA_DATA_DIR" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_serve_refuses_unreachable_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOA_DATABASE_URL", "postgresql://nobody@127.0.0.1:9/none")
    assert main(["serve", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "LOA_DATABASE_URL" in err and len(err.strip().splitlines()) == 1
