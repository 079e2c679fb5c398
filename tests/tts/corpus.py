"""The administrative reading corpus (data/admin_corpus.tsv) and its score.

`python -m tests.tts.corpus [SPLIT]` prints the share read exactly right per split and the lines of
the given split that differ (tuning looks only at `tune`). Later batches live beside it, one file
each (data/corpus_*.tsv, same columns), so batches written in parallel never touch one file. A
reading may list the usual alternatives, separated by " | ", when announcers say a line either way.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from tts.normalize import normalize

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "admin_corpus.tsv"


@dataclass(frozen=True)
class Line:
    split: str
    source: str
    text: str
    reading: str

    @property
    def readings(self) -> tuple[str, ...]:
        """The announcer's reading, or several where announcers say it either way ("a | b")."""
        return tuple(part.strip() for part in self.reading.split(" | "))


def corpus_files(extra: list[Path] | None = None) -> list[Path]:
    return [CORPUS, *sorted(DATA.glob("corpus_*.tsv")), *(extra or [])]


def load(extra: list[Path] | None = None) -> list[Line]:
    rows = []
    for path in corpus_files(extra):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if raw and not raw.startswith("#"):
                rows.append(Line(*raw.split("\t")))
    return rows


def splits(lines: list[Line]) -> list[str]:
    """Split names in the order they first appear."""
    return list(dict.fromkeys(line.split for line in lines))


def misread(lines: list[Line]) -> list[tuple[Line, str]]:
    return [(line, got) for line in lines if (got := normalize(line.text)) not in line.readings]


def share_right(lines: list[Line]) -> float:
    return 1 - len(misread(lines)) / len(lines) if lines else 1.0


def main(argv: list[str]) -> None:
    """`[SPLIT] [FILE.tsv ...]`: extra files (e.g. another worktree's batch) are scored too."""
    files = [Path(arg) for arg in argv if arg.endswith(".tsv")]
    argv = [arg for arg in argv if not arg.endswith(".tsv")]
    lines = load(files)
    for split in splits(lines):
        part = [line for line in lines if line.split == split]
        real = [line for line in part if line.source.startswith(("seed", "bulletin", "page"))]
        print(f"{split}: {share_right(part):.1%} of {len(part)} lines read exactly right "
              f"(real documents {share_right(real):.1%} of {len(real)})")
    show = argv[0] if argv else "tune"
    for line, got in misread([line for line in lines if line.split == show]):
        print(f"\n{line.text}\n  want {line.reading}\n  got  {got}")


if __name__ == "__main__":
    main(sys.argv[1:])
