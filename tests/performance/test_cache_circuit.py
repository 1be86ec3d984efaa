"""A Redis that hangs is skipped after its first failure instead of stalling every request."""

import socket
import threading
from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.urls import reverse

from hub.cache_client import circuit
from tests.support.worlds import build_world


class SilentServer:
    """Accepts connections and reads commands, never answers: a hung Redis."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received = 0
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(conn)
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn: socket.socket) -> None:
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.received += len(data)

    def close(self) -> None:
        self.listener.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def hung_redis() -> Iterator[SilentServer]:
    server = SilentServer()
    circuit.close()
    yield server
    circuit.close()
    server.close()


@pytest.mark.django_db
def test_after_one_timeout_the_cache_is_not_asked_again(client_for, hung_redis) -> None:
    world = build_world(fasts_in_range=3)
    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{hung_redis.port}/0",
            "OPTIONS": {
                "CLIENT_CLASS": "hub.cache_client.CircuitBreakerClient",
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    with override_settings(CACHES=caches, DJANGO_REDIS_IGNORE_EXCEPTIONS=True):
        client = client_for(world.user)
        assert len(client.get(reverse("fast-list")).json()) == 4
        assert circuit.is_open()
        asked = hung_redis.received
        assert asked > 0
        for name in ("fast-list", "fast-stats", "profile-detail"):
            assert client.get(reverse(name)).status_code == 200
        joined = client.put(reverse("fast-join"), {"fast_id": world.spare.pk}, format="json")
        assert joined.status_code == 200
        listed = {f["id"]: f["joined"] for f in client.get(reverse("fast-list")).json()}
        assert listed[world.spare.pk] is True
        assert hung_redis.received == asked  # nothing more was sent while the circuit was open
