"""The Web console: server-rendered Vietnamese pages (Jinja2 + vendored htmx) over the same services as the API."""
