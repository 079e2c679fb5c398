"""Console pages: one module per page group, each exposing ``router`` (kept out of the OpenAPI schema)."""
