"""Domain services used by routes, CLI and jobs."""
