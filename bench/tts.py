"""`loa bench tts`: a 1,000-character bulletin through normalize -> eSpeak -> master -> cache, twice;
then how intelligible the offline voice is.

``seconds`` is the cold path (nothing cached yet), ``cache_hit_seconds`` the same request again.
Targets on two cores: <= 3 s and <= 50 ms. ``wer``/``cer``: real sentences spoken by the configured
offline voice (``voice``, ``rate``: LOA_ESPEAK_VOICE / LOA_ESPEAK_RATE) and transcribed by an
offline recogniser (bench/intelligibility.py); ``--rows N`` limits how many sentences (default all).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import intelligibility
from server.settings import Settings
from tts.engines import EspeakEngine
from tts.synth import synthesize_bulletin

# Two sample bulletins and two sentences of a third (the project's sample set has no single
# 1,000-character one): dates, times, document numbers, money and a phone number to normalize.
BULLETIN = (
    "Ngày 21/3/2023, Thủ tướng Chính phủ ban hành Chỉ thị số 07/CT-TTg về tăng cường công tác "
    "truyền thông chính sách. Chỉ thị yêu cầu các cấp, các ngành coi truyền thông chính sách là nhiệm "
    "vụ quan trọng, thường xuyên; thông tin kịp thời, chính xác về chủ trương, chính sách đến với Nhân "
    "dân, nhất là người dân vùng sâu, vùng xa và người yếu thế. Đài truyền thanh xã sẽ duy trì chuyên "
    "mục Chính sách và cuộc sống vào 17h00 thứ Tư hằng tuần. UBND xã Phú Đình thông báo: thực hiện Kế "
    "hoạch số 115/KH-UBND ngày 05/3/2024 của UBND huyện về phòng, chống bệnh dại năm 2024, xã tổ chức "
    "tiêm vắc-xin phòng bệnh dại cho đàn chó, mèo vào các ngày 18 và 19/3/2024, từ 7h00 đến 11h30. Địa "
    "điểm: nhà văn hóa các thôn. Mức thu 20.000 đồng/liều. Đề nghị các hộ gia đình đưa chó, mèo đến "
    "tiêm đầy đủ, đúng thời gian. Mọi thông tin chi tiết liên hệ cán bộ thú y xã, số điện thoại 0988 "
    "215 643. Hiện nay đang là cao điểm mùa khô, nguy cơ cháy rừng ở cấp IV — cấp nguy hiểm. Khi phát "
    "hiện cháy, báo ngay cho trưởng thôn hoặc gọi số 114."
)


def run(*, data_dir: Path, devices: int | None = None, rows: int | None = None) -> dict[str, Any]:
    del devices  # another bench's size
    settings = Settings(data_dir=data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    # A private media dir, so an existing cache in a given --data-dir cannot turn the cold run warm.
    media_dir = Path(tempfile.mkdtemp(prefix="bench-tts-", dir=data_dir))
    try:
        voice = EspeakEngine(settings.espeak_voice, words_per_minute=settings.espeak_rate)
        engines = [voice]
        started = time.perf_counter()
        first = synthesize_bulletin(BULLETIN, media_dir=media_dir, engines=engines)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        second = synthesize_bulletin(BULLETIN, media_dir=media_dir, engines=engines)
        warm = time.perf_counter() - started
        if second.sha256 != first.sha256:
            raise RuntimeError("the cache returned different audio for the same bulletin")
        heard = intelligibility.measure(voice, media_dir, rows)
    finally:
        shutil.rmtree(media_dir, ignore_errors=True)
    return {
        "metrics": {"seconds": round(cold, 3), "cache_hit_seconds": round(warm, 4),
                    "wer": heard["wer"], "cer": heard["cer"], "sentences": heard["sentences"],
                    "voice": settings.espeak_voice, "rate": settings.espeak_rate, "worst": heard["worst"]},
        "backend": "sqlite",
        "broker": "none",
    }
