"""The order of the passes, and `normalize` itself.

Order matters: each pass turns what it recognises into words, so later, more general passes never
see it. Specific shapes therefore go first (addresses, document numbers, phone numbers, dates and
times), then context rules (Roman numerals, abbreviations, units), and plain numbers last.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tts.normalize.abbreviation_senses import read_document_type_abbreviations
from tts.normalize.abbreviations import expand_abbreviations
from tts.normalize.cleanup import clean_input, finalize
from tts.normalize.codes import read_codes
from tts.normalize.context import read_context_abbreviations, read_road_numbers, read_weekdays_and_alert_levels
from tts.normalize.dates_times import read_dates_and_times
from tts.normalize.definitions import find_definitions
from tts.normalize.documents import read_document_numbers
from tts.normalize.lexicon import Lexicon
from tts.normalize.loanwords import read_loanwords
from tts.normalize.measures import read_measures
from tts.normalize.number_phrases import read_numbers, split_glued_codes
from tts.normalize.phones import read_phone_numbers
from tts.normalize.roman import read_roman_numerals
from tts.normalize.tone_marks import normalize_tones
from tts.normalize.web_addresses import read_web_addresses

PASSES: tuple[Callable[[str], str], ...] = (
    clean_input,
    normalize_tones,
    read_web_addresses,
    read_document_type_abbreviations,
    read_document_numbers,
    read_codes,
    read_road_numbers,
    read_weekdays_and_alert_levels,
    read_phone_numbers,
    read_dates_and_times,
    read_roman_numerals,
    split_glued_codes,
    read_loanwords,
    read_context_abbreviations,
    expand_abbreviations,
    read_measures,
    read_numbers,
    finalize,
)


# An area's lexicon runs right after the input is cleaned: a local reading beats every table.
_LEXICON_AFTER = PASSES.index(normalize_tones) + 1


def normalize_line(line: str, lexicon: Lexicon | None = None) -> str:
    for index, step in enumerate(PASSES):
        if index == _LEXICON_AFTER and lexicon:
            line = lexicon.apply(line)
        line = step(line)
    return line


def normalize(text: str, lexicon: Mapping[str, str] | Lexicon | None = None) -> str:
    """Spoken form of `text`: lowercase words and the punctuation . , ; : ! ? for pauses.

    Each line is read on its own, and a line that ends without punctuation (a heading) gets a
    full stop before the next one. Text with nothing speakable gives "". `lexicon` maps whole
    tokens to readings that override the built-in tables (an area's pronunciation lexicon).
    An abbreviation the text defines ("Hợp tác xã nông nghiệp (HTXNN)") is read as its full form
    throughout the text, and its "(HTXNN)" is not read.
    """
    entries = lexicon.entries if isinstance(lexicon, Lexicon) else dict(lexicon or {})
    definitions, text = find_definitions(text, entries)
    if definitions:
        lexicon = {**entries, **definitions}
    compiled = lexicon if isinstance(lexicon, Lexicon) or lexicon is None else Lexicon(lexicon)
    lines = [words for line in text.splitlines() if (words := normalize_line(line, compiled))]
    ended = [words if words[-1] in ".!?;:" else words + "." for words in lines[:-1]]
    return " ".join([*ended, *lines[-1:]])
