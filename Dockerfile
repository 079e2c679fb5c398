# Loa server image: API replicas, the scheduler, the standalone broker and the simulator all run it
# (docker-compose.yml). Debian slim + Debian's Mosquitto (with its dynamic-security plugin).
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends mosquitto \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/loa
COPY pyproject.toml README.md ./
COPY server ./server
COPY devices ./devices
COPY tts ./tts
COPY playlists ./playlists
COPY firmware_sim ./firmware_sim
COPY bench ./bench
RUN pip install --no-cache-dir . && python -c "import server.app"

# Never root: the data dir (media, keys, SQLite when used) belongs to this user.
RUN useradd --system --uid 10001 --home-dir /var/lib/loa --create-home loa
USER loa
ENV LOA_DATA_DIR=/var/lib/loa \
    PYTHONUNBUFFERED=1
VOLUME ["/var/lib/loa"]
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"

ENTRYPOINT ["loa"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
