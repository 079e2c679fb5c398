"""Notifications by e-mail and webhook, delivered by a background thread (never in a request)."""
