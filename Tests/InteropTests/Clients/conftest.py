"""Shared helpers for the interop clients: the server under test is at $FS_ADDRESS (host:port)."""
import os
import socket

import h2.config
import h2.connection
import h2.events
import pytest


@pytest.fixture(scope="session")
def address():
    a = os.environ.get("FS_ADDRESS")
    if not a:
        pytest.fail("FS_ADDRESS is not set: run these through `swift test` (Tests/InteropTests)")
    return a


class RawH2:
    """A frame-level HTTP/2 client (python h2) for cases real gRPC clients never produce."""

    def __init__(self, address):
        host, port = address.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=5)
        self.conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.initiate_connection()
        self.flush()

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def events(self, until, timeout=5.0):
        """Reads until `until(events_so_far)` is true; returns every event."""
        self.sock.settimeout(timeout)
        seen = []
        while not until(seen):
            data = self.sock.recv(65536)
            if not data:
                break
            seen.extend(self.conn.receive_data(data))
            self.flush()
        return seen

    def close(self):
        self.sock.close()


def grpc_headers(path, extra=()):
    return [(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", "localhost"),
            ("content-type", "application/grpc"), ("te", "trailers"), *extra]


def stream_ended(stream_id):
    return lambda evs: any(isinstance(e, (h2.events.StreamEnded, h2.events.StreamReset)) and e.stream_id == stream_id for e in evs)


def headers_of(events, stream_id):
    out = {}
    for e in events:
        if isinstance(e, (h2.events.ResponseReceived, h2.events.TrailersReceived)) and e.stream_id == stream_id:
            out.update(dict(e.headers))
    return out


@pytest.fixture
def raw(address):
    c = RawH2(address)
    yield c
    c.close()
