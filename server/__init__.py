"""Loa server: API, workflow, scheduler, reports and the `loa` CLI."""
