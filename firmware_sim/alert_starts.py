"""The alert starts a device received on its area topics that its manifest may not list yet.

An area topic retains one message, the latest, so a second emergency for the same area replaces
the first on the topic; the manifest lists every active alert but is recompiled some seconds
later. A device therefore remembers every start itself:

* a start supersedes the earlier starts of the same bulletin on the same area (a new version,
  the server's rule too) and nothing else;
* a cancel forgets its alert;
* a manifest is authoritative for what was issued before it: accepting one forgets the starts
  issued at or before its ``issued_at`` (still active through the manifest if it lists them,
  ended if it does not).

Active alerts = the manifest's alerts + the remembered starts, less a manifest alert whose
bulletin and area have a start issued after the manifest (a newer version, not listed yet).
"""

from __future__ import annotations

from datetime import datetime

from devices.protocol import Alert, AlertPayload, ManifestPayload, parse_iso


class TopicStarts:
    def __init__(self) -> None:
        self._starts: dict[str, tuple[Alert, datetime]] = {}  # alert id -> (alert, issued_at)
        self._envelopes: dict[str, bytes] = {}  # alert id -> its signed envelope, kept on disk

    def start(self, msg: AlertPayload, envelope: bytes) -> None:
        alert = msg.alert
        if alert is None:
            return
        for alert_id, (known, _) in list(self._starts.items()):
            if (known.bulletin_id, known.area_code) == (alert.bulletin_id, alert.area_code):
                self.cancel(alert_id)
        self._starts[alert.alert_id] = (alert, parse_iso(msg.issued_at))
        self._envelopes[alert.alert_id] = envelope

    def envelopes(self) -> list[bytes]:
        """The remembered starts' envelopes, oldest first (replayed in order on boot)."""
        order = sorted(self._starts, key=lambda alert_id: self._starts[alert_id][1])
        return [self._envelopes[alert_id] for alert_id in order]

    def cancel(self, alert_id: str) -> None:
        self._starts.pop(alert_id, None)
        self._envelopes.pop(alert_id, None)

    def prune(self, manifest: ManifestPayload) -> None:
        issued = parse_iso(manifest.issued_at)
        for alert_id, (_, at) in list(self._starts.items()):
            if at <= issued:
                self.cancel(alert_id)

    def active(self, manifest: ManifestPayload | None) -> dict[str, Alert]:
        """alert id -> alert of every active alert (see the module docstring)."""
        active: dict[str, Alert] = {}
        if manifest is not None:
            issued = parse_iso(manifest.issued_at)
            newer = {(a.bulletin_id, a.area_code) for a, at in self._starts.values() if at > issued}
            active = {a.alert_id: a for a in manifest.alerts if (a.bulletin_id, a.area_code) not in newer}
        return active | {alert_id: alert for alert_id, (alert, _) in self._starts.items()}
