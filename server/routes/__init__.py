"""One router module per resource; ``ROUTERS`` is the list the app mounts."""
