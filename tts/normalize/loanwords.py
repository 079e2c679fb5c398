"""Loanwords common in bulletins, spelled for Vietnamese phonology.

eSpeak's Vietnamese voice switches to its English voice on words it knows as English ("facebook",
"video"), which sounds foreign mid-sentence; other engines read them letter by letter. Writing
them the way Vietnamese speakers say them keeps one voice. Matching ignores case ("Zalo", "ZALO")
and takes whole words only, so "videoclip" is not split.
"""

from __future__ import annotations

import functools
import re

from tts.normalize.tone_marks import is_syllable

LOANWORDS: dict[str, str] = {
    "facebook": "phây búc",
    "fanpage": "phan pết",
    "zalo": "da lô",
    "youtube": "diu túp",
    "tiktok": "tích tốc",
    "google": "gu gồ",
    "messenger": "mét sen giơ",
    "video": "vi đê ô",
    "videos": "vi đê ô",
    "clip": "cờ líp",
    "clips": "cờ líp",
    "online": "on lai",
    "offline": "óp lai",
    "livestream": "lai sờ trim",
    "livestreams": "lai sờ trim",
    "email": "i meo",
    "e-mail": "i meo",
    "website": "oép sai",
    "web": "oép",
    "wifi": "oai phai",
    "wi-fi": "oai phai",
    "internet": "in tơ nét",
    "link": "lin",
    "app": "áp",
    "pickleball": "píc cơ bóng",
    # Telecoms' self-care apps, named in their notices to subscribers.
    "my vnpt": "mai vê en pê tê",
    "my viettel": "mai viết ten",
    "smartphone": "sờ mát phôn",
    "laptop": "láp tốp",
    "camera": "ca mê ra",
    "virus": "vi rút",
    "hotline": "hót lai",
    "logo": "lô gô",
    "banner": "ban nơ",
    "poster": "pốt xtơ",
    "container": "công ten nơ",
    "test": "tét",
    "show": "sô",
    "game": "gêm",
    "ok": "ô kê",
    "call": "côn",
    "chip": "chíp",
    "vitamin": "vi ta min",
    "vaccine": "vắc xin",
    "robot": "rô bốt",
    "mobile": "mô bai",
    "etax": "i tác",
    "smart": "sờ mát",
    "chat": "chát",
    "group": "grúp",
    "post": "pốt",
    "share": "se",
    "like": "lai",
    "comment": "com men",
    # Health and farming campaigns.
    "rubella": "ru bê la",
    "covid": "cô vít",
    "methadone": "mê ta đôn",
    "sars": "sát",
    "sars-cov-2": "sát cô vi hai",
    # A vaccine's serotype: "type O, type O-A" (foot-and-mouth disease).
    "type": "típ",
    "vietgap": "việt gáp",
    "globalgap": "glô bồ gáp",
    "ocop": "ô cốp",
    "karaoke": "ca ra ô kê",
    # Apps, payment and digital-government services.
    "ihanoi": "ai hà nội",
    "vneid": "vê en e ai đi",
    "vssid": "vê ét ét ai đi",
    "momo": "mô mô",
    "viettelpay": "viết ten pây",
    "banking": "banh kinh",
    "bank": "banh",
    "agribank": "a gri banh",
    "vietcombank": "việt com banh",
    "vietinbank": "viết tin banh",
    "viettel": "viết ten",
    "mobifone": "mô bi phôn",
    "vinaphone": "vi na phôn",
    "grab": "gráp",
    "bluezone": "blu dôn",
    "ipad": "ai pát",
    "money": "mơ ni",
    "maps": "máp",
    "store": "sờ to",
    "play": "plây",
    "gmail": "giê meo",
    "iphone": "ai phôn",
    "ios": "ai ô ét",
    "android": "an đờ roi",
    "bluetooth": "blu tút",
    "ekyc": "i ca i xê",
    "e-cabinet": "i ca bi nét",
    "ecabinet": "i ca bi nét",
    "tablet": "táp lét",
    "file": "phai",
    "files": "phai",
    "code": "cốt",
    "office": "óp phít",
    "gate": "ghết",
    "tax": "tác",
    "hack": "hách",
    "hacker": "hác cơ",
    "deepfake": "díp phếch",
    "postmart": "pốt mát",
    "shopee": "sốp pi",
    "lazada": "la da đa",
    "tiki": "ti ki",
    "sendo": "xen đô",
    "drone": "đờ rôn",
    "flycam": "phờ lai cam",
    "voso": "vô sô",
    "smartca": "sờ mát xê a",
    "shop": "sốp",
    # Vaccines, disinfectants and farm products.
    "pfizer": "phai dơ",
    "astrazeneca": "át tra dê nê ca",
    "moderna": "mô đéc na",
    "verorab": "vê rô ráp",
    "pentaxim": "pen ta xim",
    "infanrix": "in phan rích",
    "rotarix": "rô ta rích",
    "rotateq": "rô ta téc",
    "gardasil": "ga đa xin",
    "vaxigrip": "vắc xi gríp",
    "prevenar": "pờ rê vê na",
    "quinvaxem": "quin vắc xem",
    "jevax": "giê vắc",
    "imojev": "i mô giép",
    "vero cell": "vê rô xen",
    "rota": "rô ta",
    "rotavirus": "rô ta vi rút",
    "combe five": "com bê phai",
    "hexaxim": "hếch xa xim",
    "varivax": "va ri vắc",
    "cloramin": "clo ra min",
    "chloramin": "clo ra min",
    "chloramine": "clo ra min",
    "chlorine": "clo",
    "biogas": "bi ô ga",
    "glyphosate": "gli phô sát",
    # Packaging, farming and weather words of press and agency texts.
    "carton": "các tông",
    "compost": "com pốt",
    "festival": "phét ti van",
    "la nina": "la ni na",
    "el nino": "en ni nô",
    "passcode": "pát cốt",
    "pasteur": "pát tơ",
    # Police news: drugs, karaoke rooms; vehicles written as one word.
    "ketamine": "ke ta min",
    "ketamin": "ke ta min",
    "methamphetamine": "mét am phê ta min",
    "amphetamine": "am phê ta min",
    "shisha": "si sa",
    "shisa": "si sa",
    "vip": "víp",
    "massage": "mát xa",
    "taxi": "tắc xi",
    "gas": "ga",
    "bida": "bi a",
    "ôtô": "ô tô",
    "môtô": "mô tô",
    # Dengue control and vaccines.
    "wolbachia": "ôn ba chi a",
    "dengue": "đen gơ",
    "zika": "di ca",
    "sabin": "sa bin",
    "omicron": "ô mi crôn",
    # Scams: messaging apps, combos, crypto.
    "telegram": "tê lê gram",
    "viber": "vai bơ",
    "combo": "com bô",
    "bitcoin": "bít coin",
    # Payment apps.
    "vnpay": "vê en pây",
    "zalopay": "da lô pây",
    # Brands named in market-surveillance news (counterfeit goods).
    "adidas": "a đi đát",
    "nike": "nai ki",
    "gucci": "gu chi",
    "chanel": "sa nen",
    "dior": "đi o",
    "hermes": "éc mét",
    # Festivals of the Khmer South ("Ok" alone stays "ô kê").
    "ok om bok": "óc om bóc",
    # Youth Union events and digital campaigns.
    "talkshow": "tóc sô",
    "gameshow": "gêm sô",
    "workshop": "guốc sóp",
    "startup": "sờ tát ắp",
    "mini": "mi ni",
    "check-in": "chéc in",
    "data": "đa ta",
    "chatgpt": "chát gi pi ti",
    # Neighbouring countries written the English way in border and fisheries news.
    "malaysia": "ma lai xi a",
    "singapore": "xin ga po",
    "indonesia": "in đô nê xi a",
    "philippines": "phi líp pin",
    "myanmar": "mi an ma",
    # Sports.
    "sea games": "xi ghêm",
    "futsal": "phút xan",
}

# International acronyms as Vietnamese say them (case-sensitive: "EU", not "eu"). English letter names
# where the Vietnamese alphabet would mislead: D "đê", R "a" in "QR"; a few are said as words. ("OTP" keeps
# the alphabet's "o tê pê", the corpus's reading.)
ACRONYMS: dict[str, str] = {
    "ASEAN": "a xê an",
    "AIDS": "ết",
    "UNICEF": "u ni xép",
    "FAO": "ép a ô",
    "WTO": "vê kép tê ô",
    "EU": "e u",
    "JICA": "gi ca",
    "KOICA": "côi ca",
    "COVAX": "cô vắc",
    "APEC": "a pếch",
    "UNDP": "u en đê pê",
    "ADB": "a đê bê",
    "QR": "quy a",
    "PDF": "pê đê ép",
    "DVD": "đê vê đê",
    "OPV": "ô pê vê",
    "IPV": "i pê vê",
    "bOPV": "bê ô pê vê",
    "BIDV": "bê i đê vê",
    "AI": "ây ai",
    "POS": "pốt",
    "USD": "đô la mỹ",  # also where no number precedes: "hàng chục nghìn USD"
    "EC": "e xê",  # a pesticide's formulation, "300EC": not a syllable
    # Water-quality indices in environment reports, with the English D.
    "COD": "xê ô đê",
    "BOD": "bê ô đê",
}

# Words are looked up in the table one by one (a regex of every entry would try them all at each
# character); the few two-word entries ("Vero Cell") get a pattern of their own.
# After a slash only when a word precedes it ("website/app"): an address path ("vn/app") is no word pair.
_WORD = re.compile(r"(?<![\w@.-])(?<![\W\d_]/)[^\W\d_][\w-]*")
_PHRASES = re.compile(
    r"(?<![\w@./-])(?:" + "|".join(re.escape(word) for word in LOANWORDS if " " in word) + r")(?![\w@-])",
    re.IGNORECASE,
)


def _read_word(match: re.Match[str]) -> str:
    """A whole word of the table; not a label of an address or e-mail ("zalo.me", "video@").

    A hyphenated word not in the table ("Sởi-Rubella") has its parts looked up: words of two
    languages paired by a hyphen are a pair, said with a pause like "Sởi - Rubella".
    """
    word = match.group(0)
    rest = match.string[match.end() : match.end() + 2]
    if rest[:1] == "@" or (rest[:1] == "." and rest[1:].isalpha()):
        return word
    spoken = LOANWORDS.get(word.lower())
    if spoken is None and "-" in word:
        parts = [LOANWORDS.get(part.lower(), part) for part in word.split("-")]
        found = [part.lower() in LOANWORDS for part in word.split("-")]
        # "Sởi-Rubella" pairs a Vietnamese word with a foreign one; "PC-Covid" is one name.
        vietnamese = [not known and not part.isupper() and is_syllable(part.lower())
                      for part, known in zip(word.split("-"), found, strict=True)]
        pair = any(found) and all(known or native for known, native in zip(found, vietnamese, strict=True))
        pair = pair and not all(found)
        return ", ".join(parts) if pair else "-".join(parts)
    return word if spoken is None else spoken


# "Bàlamôn", "Katê", "Êđê": Vietnamese syllables written as one name (of a people, a festival, a
# faith). A capitalised word with a Vietnamese mark that is not one syllable is split into syllables, each
# starting with a consonant where it can; "k" before a, o, u is written "c" as Vietnamese spells it.
_MARKED = re.compile(r"[^\W\d_]*[^\x00-\x7f][^\W\d_]*")
_K_BEFORE_BACK_VOWEL = re.compile(r"^k(?=[aăâoôơuư])")


@functools.lru_cache(maxsize=65536)
def _glued_syllables(word: str) -> str | None:
    lower = word.lower()
    if len(lower) < 3 or not word[0].isupper() or word.isupper() or is_syllable(lower):
        return None
    # best[i]: the split of lower[:i] with the fewest vowel-initial syllables after the first, then the fewest syllables
    best: list[tuple[int, int, list[str]] | None] = [None] * (len(lower) + 1)
    best[0] = (0, 0, [])
    for end in range(1, len(lower) + 1):
        for start in range(max(0, end - 7), end):
            previous = best[start]
            piece = lower[start:end]
            if previous is None or not is_syllable(piece):
                continue
            vowel_initial = int(bool(previous[2]) and piece[0] in "aăâeêioôơuưy" + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩị"
                                "òóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
            candidate = (previous[0] + vowel_initial, previous[1] + 1, [*previous[2], piece])
            if best[end] is None or candidate[:2] < best[end][:2]:  # type: ignore[index]
                best[end] = candidate
    found = best[-1]
    if found is None or len(found[2]) < 2:
        return None
    return " ".join(_K_BEFORE_BACK_VOWEL.sub("c", piece) for piece in found[2])


def _read_glued(match: re.Match[str]) -> str:
    return _glued_syllables(match.group(0)) or match.group(0)


# "QR-code" and "VNPAY-QR" keep their parts; "QR2" is a code, not the acronym.
_ACRONYM_PATTERN = re.compile(
    r"(?<![\w@./])(?:" + "|".join(sorted(ACRONYMS, key=len, reverse=True)) + r")(?![\w@]|\.[^\W\d_])"
)


def _read_acronym(match: re.Match[str]) -> str:
    """An acronym that is also a syllable ("AI") stays as it is in an all-caps heading ("AI CŨNG ...")."""
    found = match.group(0)
    if is_syllable(found.lower()):
        before = re.findall(r"[^\W\d_]+", match.string[max(0, match.start() - 30) : match.start()])[-1:]
        after = re.findall(r"[^\W\d_]+", match.string[match.end() : match.end() + 30])[:1]
        if any(len(word) > 1 and word.isupper() and is_syllable(word.lower()) for word in before + after):
            return found
    return ACRONYMS[found]


# "iOffice", "eOffice", "iGate": the "i-" and "e-" of digital services are said "ai" and "i".
_DIGITAL_PREFIX = re.compile(r"(?<![\w@./-])(?P<prefix>[ie])-?(?P<rest>[A-Z][a-z]{2,})(?![\w@-]|\.[^\W\d_])")
_PREFIX_READINGS = {"i": "ai", "e": "i"}


def _read_digital_prefix(match: re.Match[str]) -> str:
    if match.group(0).lower() in LOANWORDS:
        return match.group(0)
    rest = match.group("rest")
    return f"{_PREFIX_READINGS[match.group('prefix')]} {LOANWORDS.get(rest.lower(), rest)}"


_TOKENS = re.compile(r"[^\W\d_][\w-]*")
_SINGLE_WORDS = frozenset(word for word in LOANWORDS if " " not in word)


def read_loanwords(text: str) -> str:
    tokens = set(_TOKENS.findall(text))
    if tokens & ACRONYMS.keys():
        text = _ACRONYM_PATTERN.sub(_read_acronym, text)
    text = _DIGITAL_PREFIX.sub(_read_digital_prefix, text)
    text = _PHRASES.sub(lambda match: LOANWORDS[match.group(0).lower()], text)
    # Most lines hold no loanword: look words up only when one of them (or a part of one) is in the table.
    lowered = {token.lower() for token in tokens}
    parts = {part for token in lowered if "-" in token for part in token.split("-")}
    if (lowered | parts) & _SINGLE_WORDS:
        text = _WORD.sub(_read_word, text)
    if any(_glued_syllables(token) for token in tokens if not token.isascii()):
        text = _MARKED.sub(_read_glued, text)
    return text
