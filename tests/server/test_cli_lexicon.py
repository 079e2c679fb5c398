"""`loa lexicon add|list|remove` and `loa tts normalize --area` against a real data dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from server.bootstrap import prepare
from server.cli import main
from server.models.audit import AuditEvent
from server.services.audit_verify import verify_chain
from server.settings import Settings
from tests.factories import seed_two_communes


@pytest.fixture
def data_dir(tmp_path: Path) -> str:
    data = tmp_path / "data"
    data.mkdir()
    seed_two_communes(prepare(Settings(data_dir=data)))
    return str(data)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_lexicon_add_changes_what_normalize_reads(data_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    # A term no built-in table knows is spelled letter by letter until the area defines it.
    assert _run(capsys, "tts", "normalize", "--area", "W001-T01", "Họp BQLKDC.", "--data-dir", data_dir)[1] == \
        "họp bê quy e lờ ca dê xê.\n"
    assert _run(capsys, "lexicon", "add", "--area", "W001", "BQLKDC", "ban quản lý khu dân cư",
                "--data-dir", data_dir)[0] == 0
    assert _run(capsys, "lexicon", "add", "--area", "W001", "KDC", "khu dân cư", "--data-dir", data_dir)[0] == 0
    code, out, _ = _run(capsys, "tts", "normalize", "--area", "W001", "Họp KDC số 3, BQLKDC.",
                        "--data-dir", data_dir)
    assert (code, out) == (0, "họp khu dân cư số ba, ban quản lý khu dân cư.\n")
    # Inherited by the hamlets below; not by the other commune.
    assert "ban quản lý khu dân cư" in _run(capsys, "tts", "normalize", "--area", "W001-T02", "BQLKDC",
                                            "--data-dir", data_dir)[1]
    assert "bê quy" in _run(capsys, "tts", "normalize", "--area", "W002", "BQLKDC", "--data-dir", data_dir)[1]


def test_lexicon_list_json_marks_inherited_entries(data_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["lexicon", "add", "--area", "P01", "KDC", "khu dân cư", "--data-dir", data_dir])
    main(["lexicon", "add", "--area", "W001", "TĐC", "tái định cư", "--data-dir", data_dir])
    capsys.readouterr()
    code, out, _ = _run(capsys, "lexicon", "list", "--area", "W001", "--json", "--data-dir", data_dir)
    assert code == 0
    assert json.loads(out) == [
        {"term": "KDC", "reading": "khu dân cư", "area_code": "P01", "inherited": True},
        {"term": "TĐC", "reading": "tái định cư", "area_code": "W001", "inherited": False},
    ]
    assert _run(capsys, "lexicon", "remove", "--area", "W001", "TĐC", "--data-dir", data_dir)[0] == 0
    code, _, err = _run(capsys, "lexicon", "remove", "--area", "W001", "TĐC", "--data-dir", data_dir)
    assert code == 2 and "TĐC" in err
    assert [e["term"] for e in json.loads(_run(capsys, "lexicon", "list", "--area", "W001", "--json",
                                               "--data-dir", data_dir)[1])] == ["KDC"]
    # Each change was audited, and the chain is intact.
    engine = prepare(Settings(data_dir=Path(data_dir)))
    with Session(engine) as session:
        report = verify_chain(session, Path(data_dir))
        actions = session.exec(select(AuditEvent.action).where(col(AuditEvent.action).like("lexicon_%"))).all()
    assert report.ok, report.message
    assert sorted(actions) == ["lexicon_entry_removed", "lexicon_entry_set", "lexicon_entry_set"]


def test_lexicon_add_refuses_bad_input_in_vietnamese(data_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "lexicon", "add", "--area", "W001", "KDC", "x" * 201, "--data-dir", data_dir)
    assert code == 2 and "Cách đọc" in err
    code, _, err = _run(capsys, "lexicon", "add", "--area", "NOWHERE", "KDC", "khu", "--data-dir", data_dir)
    assert code == 2 and "NOWHERE" in err
