"""Graceful shutdown with calls in flight: SIGTERM to $FS_PID, then GOAWAY(2^31-1) and a PING;
a stream opened before the client saw it is served; after the PING ACK, GOAWAY(last id); calls at or below it finish,
streams above it are ignored, the listener is closed. Each test stops its own server, so each needs a fresh one:
run one test per server (-k)."""
import os
import signal
import socket
import time

from h2peer import *  # noqa: F403


def ended(p, stream):
    """The grpc-status a stream ended with, waiting for it if it has not come yet."""
    for f in p.seen:
        if f.stream == stream and f.type == HEADERS and f.flags & END_STREAM:
            return dict(f.fields).get("grpc-status")
    f = p.wait(lambda f: f.stream == stream and f.type == HEADERS and f.flags & END_STREAM,
               fail=lambda f: f.type == RST_STREAM and f.stream == stream, what=f"the end of stream {stream}")
    return dict(f.fields).get("grpc-status")


def test_calls_in_flight_finish_and_new_ones_are_refused():
    p = Peer("grpc")
    message = grpc_message(5000)
    p.send(headers(1, p.block()), data(1, message[:2000]))   # a call half received
    p.send(ping(b"ready..."))
    p.expect_ping_ack(b"ready...")
    os.kill(int(os.environ["FS_PID"]), signal.SIGTERM)

    first = p.wait(lambda f: f.type == GOAWAY, what="the first GOAWAY")
    assert int.from_bytes(first.payload[:4], "big") == 0x7FFF_FFFF and first.code == NO_ERROR, first
    probe = p.wait(lambda f: f.type == PING and not f.flags & ACK, what="the shutdown PING")
    # Stream 3 left the client before it read the GOAWAY: it must be served.
    p.send(p.request(3), ping(probe.payload, ack=True))
    final = p.wait(lambda f: f.type == GOAWAY, what="the final GOAWAY")
    assert int.from_bytes(final.payload[:4], "big") == 3 and final.code == NO_ERROR, final
    assert ended(p, 3) == "0"

    # Above the last id: ignored. New connections: refused, the listener is gone.
    p.send(p.request(5))
    host, port = os.environ["FS_ADDRESS"].rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=2).close()
        raise AssertionError("a new connection was accepted after SIGTERM")
    except ConnectionRefusedError:
        pass

    # The call in flight finishes normally; then the server closes the connection.
    time.sleep(0.5)
    p.send(data(1, message[2000:], end_stream=True))
    assert ended(p, 1) == "0"
    p.read_until_closed(timeout=5)
    assert not [f for f in p.seen if f.stream == 5], "stream 5, above the last id, was answered"


def test_grace_period_ends_calls_that_never_finish():
    # Started with --shutdown-grace 1s: a call whose client never sends the rest does not hold the exit.
    p = Peer("grpc")
    p.send(headers(1, p.block()), data(1, grpc_message(5000)[:100]))
    p.send(ping(b"ready..."))
    p.expect_ping_ack(b"ready...")
    start = time.monotonic()
    os.kill(int(os.environ["FS_PID"]), signal.SIGTERM)
    p.read_until_closed(timeout=5)
    waited = time.monotonic() - start
    assert 0.9 < waited < 3, f"closed after {waited:.2f} s"
    assert [f.code for f in p.seen if f.type == GOAWAY] == [NO_ERROR, NO_ERROR]
