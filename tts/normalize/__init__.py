"""Vietnamese text normalization: bulletin text -> the words a TTS voice should say.

Public API:
  normalize(text, lexicon=None) -> str        spoken form, lowercase, keeping . , ; : ! ? as pauses;
                                              lexicon: {term: reading} of an area (lexicon.py)
  split_sentences(text, max_chars=400)        pieces of normalized text for length-limited engines
  register_abbreviation(abbr, spoken, kind)   extend the dictionary in abbreviations.tsv
  normalize_tones(text)                       NFC + one tone-mark placement ("hoà" -> "hòa")

Readings chosen (each module's docstring has the details):
- numbers: "nghìn", "lẻ", "mốt"/"tư"/"lăm" after "mươi"; 1.250 groups thousands, 15,5 is a decimal;
- document numbers: "Chỉ thị số 07/CT-TTg" -> "chỉ thị số bảy của thủ tướng";
  "49/2024/NĐ-CP" -> "nghị định số bốn mươi chín năm hai nghìn không trăm hai mươi tư của chính phủ";
  the issuer is dropped when the sentence names it right after ("... ngày 21/3/2023 của Thủ tướng");
- dates: "ngày" added unless just said, "mùng" for days 1-10, "tháng tư" for April;
- times: 7h30 -> "bảy giờ ba mươi phút", 11h00 -> "mười một giờ";
- phone numbers digit by digit in their written groups, separated by commas for a short pause;
- Roman numerals only after a word that takes them (quý, thế kỷ, khóa, lần thứ, đại hội, ...);
- unknown all-caps acronyms are spelled with Vietnamese letter names ("VTV" -> "vê tê vê");
- "full form (ABBR)" is read once, later "ABBR" as the full form (definitions.py); BCH, TT., TM., KT.
  by context (context.py); loanwords in Vietnamese spelling (loanwords.py). docs/speech.md has more.
"""

from tts.normalize.abbreviations import register_abbreviation
from tts.normalize.pipeline import normalize
from tts.normalize.sentences import split_sentences
from tts.normalize.tone_marks import normalize_tones

__all__ = ["normalize", "normalize_tones", "register_abbreviation", "split_sentences"]
