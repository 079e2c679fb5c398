"""paho's threaded client with a network loop that waits in ``poll()`` instead of ``select()``.

``select()`` cannot watch a descriptor numbered 1024 or more. A process holding many files or
sockets (the server under thousands of HTTP pulls, a bench fleet) hands paho such a socket, and
paho's loop then reports "connection lost" on every pass: the client reconnects forever and
never works, silently (paho-mqtt issue #819, open). ``Client._loop`` is the one method
``loop_start``/``loop_forever`` call per pass in every paho 2.x; this is the same pass with
``poll()``, which has no such limit (a test fails if paho stops calling ``_loop``).
"""

from __future__ import annotations

import contextlib
import math
import select

import paho.mqtt.client as paho
from paho.mqtt.enums import MQTTErrorCode, _ConnectionState

_READ = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP
_ENDED = (_ConnectionState.MQTT_CS_DISCONNECTING, _ConnectionState.MQTT_CS_DISCONNECTED)


class PollingClient(paho.Client):
    def _loop(self, timeout: float = 1.0) -> MQTTErrorCode:
        if timeout < 0.0:
            raise ValueError("Invalid timeout.")
        sock, wake = self._sock, self._sockpairR
        if sock is None:
            return MQTTErrorCode.MQTT_ERR_NO_CONN
        pending = sock.pending() if hasattr(sock, "pending") else 0  # TLS bytes already read
        poller = select.poll()
        try:
            fd = sock.fileno()
            poller.register(fd, _READ | (select.POLLOUT if self.want_write() else 0))
            if wake is not None:  # publish() from another thread writes a byte here
                poller.register(wake.fileno(), select.POLLIN)
            events = dict(poller.poll(0 if pending else math.ceil(timeout * 1000)))
        except (OSError, ValueError, TypeError):  # the socket was closed under us (disconnect)
            return self._lost()
        except Exception:  # as paho: never let the network thread die
            return MQTTErrorCode.MQTT_ERR_UNKNOWN

        mask = events.get(fd, 0)
        if mask & select.POLLNVAL:  # select() would have raised EBADF
            return self._lost()
        if mask & _READ or pending:
            rc = self.loop_read()
            if rc or self._sock is None:
                return rc
        write = bool(mask & select.POLLOUT)
        if wake is not None and wake.fileno() in events:
            write = True  # something was queued while we waited
            with contextlib.suppress(BlockingIOError):
                wake.recv(10000)
        if write:
            rc = self.loop_write()
            if rc or self._sock is None:
                return rc
        return self.loop_misc()

    def _lost(self) -> MQTTErrorCode:
        if self._state not in _ENDED:
            self._state = _ConnectionState.MQTT_CS_CONNECTION_LOST
        return MQTTErrorCode.MQTT_ERR_CONN_LOST
