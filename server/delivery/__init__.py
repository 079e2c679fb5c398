"""Server side of device delivery: signing keys, managed broker, publisher, ingest, presence."""
