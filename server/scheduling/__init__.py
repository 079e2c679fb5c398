"""Scheduling wiring: database rows → `playlists` inputs, compile/sign/store/publish, jobs."""
