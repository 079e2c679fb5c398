"""View models: turn the services' data into page context (no business rules here)."""
