"""Device side of the server: wire protocol, board rendering, broker, presence, as-run ingest."""
