"""Maximum connection age with calls in flight, frame by frame: the server ($FS_ADDRESS) runs with a short
--max-connection-age. At the age it sends GOAWAY(2^31-1, NO_ERROR, "max_age") and a PING; a stream opened before the
client saw it is served; after the PING ACK comes GOAWAY(last id); calls at or below it finish. Unlike SIGTERM the
listener stays open: the client reconnects and is served. Run one test per server (-k)."""
import os
import socket
import time

from h2peer import *  # noqa: F403
from test_shutdown import ended


def drain_starts(p):
    first = p.wait(lambda f: f.type == GOAWAY, what="the max-age GOAWAY")
    assert int.from_bytes(first.payload[:4], "big") == 0x7FFF_FFFF and first.code == NO_ERROR, first
    assert first.payload[8:] == b"max_age", first.payload
    return p.wait(lambda f: f.type == PING and not f.flags & ACK, what="the drain PING")


def test_calls_in_flight_at_max_age_finish():
    # --max-connection-age 2s
    p = Peer("grpc")
    message = grpc_message(5000)
    p.send(headers(1, p.block()), data(1, message[:2000]))   # a call half received when the age comes
    probe = drain_starts(p)
    # Stream 3 left the client before it read the GOAWAY: it is served.
    p.send(p.request(3), ping(probe.payload, ack=True))
    final = p.wait(lambda f: f.type == GOAWAY, what="the final GOAWAY")
    assert int.from_bytes(final.payload[:4], "big") == 3 and final.code == NO_ERROR, final
    assert ended(p, 3) == "0"
    # The call that was half sent finishes normally, then the server closes the connection.
    p.send(data(1, message[2000:], end_stream=True))
    assert ended(p, 1) == "0"
    p.read_until_closed(timeout=5)
    # The listener is still there: the client reconnects and is served.
    again = Peer("grpc")
    again.send(again.request(1))
    assert ended(again, 1) == "0"


def test_grace_cuts_a_call_that_never_finishes():
    # --max-connection-age 1s --max-connection-age-grace 2s: a call whose client never sends the rest is cut
    # two seconds after the first GOAWAY, with a last GOAWAY that keeps the last stream id.
    p = Peer("grpc")
    p.send(headers(1, p.block()), data(1, grpc_message(5000)[:100]))
    probe = drain_starts(p)
    start = time.monotonic()
    p.send(ping(probe.payload, ack=True))
    p.read_until_closed(timeout=6)
    waited = time.monotonic() - start
    assert 1.8 < waited < 3.5, f"closed {waited:.2f} s after the first GOAWAY"
    goaways = [f for f in p.seen if f.type == GOAWAY]
    assert [f.code for f in goaways] == [NO_ERROR, NO_ERROR, NO_ERROR], goaways
    assert [int.from_bytes(f.payload[:4], "big") for f in goaways] == [0x7FFF_FFFF, 1, 1]
    assert not [f for f in p.seen if f.stream == 1 and f.type == HEADERS], "the cut call was answered"
