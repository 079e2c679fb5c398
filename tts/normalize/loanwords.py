"""Loanwords common in bulletins, spelled for Vietnamese phonology.

eSpeak's Vietnamese voice switches to its English voice on words it knows as English ("facebook",
"video"), which sounds foreign mid-sentence; other engines read them letter by letter. Writing
them the way Vietnamese speakers say them keeps one voice. Matching ignores case ("Zalo", "ZALO")
and takes whole words only, so "videoclip" is not split.
"""

from __future__ import annotations

import re

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
    "vietgap": "việt gáp",
    "globalgap": "glô bồ gáp",
    "ocop": "ô cốp",
    "karaoke": "ca ra ô kê",
}

_PATTERN = re.compile(
    r"(?<![\w@./-])(?:" + "|".join(re.escape(word) for word in sorted(LOANWORDS, key=len, reverse=True))
    + r")(?![\w@-]|\.[^\W\d_])",
    re.IGNORECASE,
)


def read_loanwords(text: str) -> str:
    return _PATTERN.sub(lambda match: LOANWORDS[match.group(0).lower()], text)
