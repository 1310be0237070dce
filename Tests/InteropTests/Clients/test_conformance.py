"""The HTTP/2 conformance table, keyed by h2spec case id (h2spec 2.6.0 uses RFC 7540 numbering),
plus the cases h2spec does not cover (below the h2spec table). Every case is sent as raw frames to the real server and checked strictly:
a connection error must be GOAWAY with the exact code followed by the close, a stream error RST_STREAM with the exact
code, a response a HEADERS frame on the stream.

Each case runs twice: "http" sends h2spec's plain requests (GET /, answered 415 with a body after END_STREAM), "grpc"
sends the same frames with gRPC headers (POST RunFunction, content-type application/grpc, te trailers) and, where
h2spec sends a GET, a HEADERS frame and a DATA frame with a RunFunctionRequest, so the flow-control cases that need a
response body run in both variants and none is skipped. FS_TLS_DIR set: the whole table over mTLS.
"""
import pytest

from h2peer import *  # noqa: F403 (the frame vocabulary)

CASES = {}


def case(case_id, variants=("http", "grpc"), initial=()):
    """Registers a case; `initial` are the SETTINGS the client sends in its preface."""
    def register(fn):
        assert case_id not in CASES, case_id
        CASES[case_id] = (fn, variants, initial)
        return fn
    return register


# --- generic (44) ---

@case("generic/1/1")
def _(p):
    # The handshake itself: our SETTINGS first, then the ACK of the client's (checked by Peer), and ours is acked.
    assert p.seen[0].type == SETTINGS and not p.seen[0].flags & ACK


@case("generic/2/1")
def _(p):
    p.send(priority(1, weight=15), ping())
    p.expect_ping_ack()
    p.send(p.request(1))     # stream 1 is still idle: PRIORITY did not open it
    p.expect_response(1)


def _window_then_update(p, extra=b""):
    p.send(p.request(1))
    p.expect_response(1)
    p.send(extra + window_update(1, 1))
    p.expect_data(1, 1)


@case("generic/2/2", initial=[(INITIAL_WINDOW_SIZE, 0)])
def _(p):
    _window_then_update(p)


@case("generic/2/3", initial=[(INITIAL_WINDOW_SIZE, 0)])
def _(p):
    _window_then_update(p, priority(1, weight=20))


@case("generic/2/4")
def _(p):
    p.send(p.request(1), rst_stream(1, CANCEL), ping())
    p.expect_ping_ack()


@case("generic/2/5")
def _(p):
    p.send(p.request(1))
    p.expect_stream_end(1)
    p.send(priority(1, weight=20), ping())
    p.expect_ping_ack()


@case("generic/3.1/1")
def _(p):
    p.send(p.post(1))
    p.expect_response(1)


@case("generic/3.1/2")
def _(p):
    body = p.body()
    p.send(headers(1, p.block(method="POST")), data(1, body[:2]), data(1, body[2:], end_stream=True))
    p.expect_response(1)


@case("generic/3.1/3")
def _(p):
    p.send(headers(1, p.block(method="POST")), data(1, p.body(), end_stream=True, pad=5))
    p.expect_response(1)


@case("generic/3.2/1")
def _(p):
    p.send(p.request(1))
    p.expect_response(1)


@case("generic/3.2/2")
def _(p):
    p.send(p.request(1, pad=8))
    p.expect_response(1)


@case("generic/3.2/3")
def _(p):
    p.send(p.request(1, prio=(0, 255, False)))
    p.expect_response(1)


@case("generic/3.3/1")
def _(p):
    p.send(priority(1, weight=0), p.request(1))
    p.expect_response(1)


@case("generic/3.3/2")
def _(p):
    p.send(priority(1, weight=255), p.request(1))
    p.expect_response(1)


@case("generic/3.3/3")
def _(p):
    p.send(priority(3, depends_on=1), p.request(1))
    p.expect_response(1)


@case("generic/3.3/4")
def _(p):
    p.send(priority(1, exclusive=True), p.request(1))
    p.expect_response(1)


@case("generic/3.3/5")
def _(p):
    p.send(priority(3), p.request(1))
    p.expect_response(1)


@case("generic/3.4/1")
def _(p):
    p.send(headers(1, p.block()), rst_stream(1, CANCEL), ping())
    p.expect_ping_ack()


@case("generic/3.5/1")
def _(p):
    p.send(settings((HEADER_TABLE_SIZE, 4096), (ENABLE_PUSH, 1), (MAX_CONCURRENT_STREAMS, 100),
                    (INITIAL_WINDOW_SIZE, 65535), (MAX_FRAME_SIZE, 16384), (MAX_HEADER_LIST_SIZE, 100)))
    p.expect_settings_ack()


@case("generic/3.7/1")
def _(p):
    p.send(ping(b"\x01\x02\x03\x04\x05\x06\x07\x08"))
    p.expect_ping_ack(b"\x01\x02\x03\x04\x05\x06\x07\x08")


@case("generic/3.8/1")
def _(p):
    p.send(goaway(0, NO_ERROR), ping())
    p.expect_ping_ack()


@case("generic/3.9/1")
def _(p):
    p.send(window_update(0, 1), ping())
    p.expect_ping_ack()


@case("generic/3.9/2")
def _(p):
    p.send(p.request(1), window_update(1, 1))
    p.expect_response(1)


@case("generic/3.10/1")
def _(p):
    blk = p.block()
    p.send(headers(1, blk[:5], end_stream=p.variant == "http", end_headers=False), continuation(1, blk[5:]),
           data(1, grpc_message(), end_stream=True) if p.variant == "grpc" else b"")
    p.expect_response(1)


def _three_pieces(p, stream=1):
    blk = p.block()
    third = len(blk) // 3
    return (headers(stream, blk[:third], end_stream=p.variant == "http", end_headers=False)
            + continuation(stream, blk[third:2 * third], end_headers=False) + continuation(stream, blk[2 * third:])
            + (data(stream, grpc_message(), end_stream=True) if p.variant == "grpc" else b""))


@case("generic/3.10/2")
def _(p):
    p.send(_three_pieces(p))
    p.expect_response(1)


@case("generic/4/1")
def _(p):
    p.send(p.request(1))
    p.expect_response(1)


@case("generic/4/2")
def _(p):
    p.send(headers(1, p.block(method="HEAD"), end_stream=True))
    f = p.expect_response(1)
    if p.variant == "http":
        assert f.flags & END_STREAM, "a HEAD response has no body"


@case("generic/4/3")
def _(p):
    p.send(p.post(1))
    p.expect_response(1)


@case("generic/4/4")
def _(p):
    p.send(p.post(1, end_stream=False, extra=[("trailer", "x-test")]),
           headers(1, block([("x-test", "ok")]), end_stream=True))
    p.expect_response(1)


def _with_field(p, representation):
    p.send(headers(1, p.block() + representation, end_stream=p.variant == "http"),
           data(1, grpc_message(), end_stream=True) if p.variant == "grpc" else b"")
    p.expect_response(1)


# RFC 7541 section 6 representations of one extra field after the pseudo-headers. Static index 58 is user-agent.
REPRESENTATIONS = {
    "generic/5/1": b"\xba",                                                   # indexed, user-agent ""
    "generic/5/2": hint(58, 6, 0x40) + hstr("h2spec"),                        # incremental, indexed name
    "generic/5/3": hint(58, 6, 0x40) + hstr("h2spec", True),
    "generic/5/4": b"\x40" + hstr("x-test") + hstr("h2spec"),                 # incremental, new name
    "generic/5/5": b"\x40" + hstr("x-test", True) + hstr("h2spec", True),
    "generic/5/6": hint(58, 4, 0x00) + hstr("h2spec"),                        # without indexing, indexed name
    "generic/5/7": hint(58, 4, 0x00) + hstr("h2spec", True),
    "generic/5/8": b"\x00" + hstr("x-test") + hstr("h2spec"),                 # without indexing, new name
    "generic/5/9": b"\x00" + hstr("x-test", True) + hstr("h2spec", True),
    "generic/5/10": hint(58, 4, 0x10) + hstr("h2spec"),                       # never indexed, indexed name
    "generic/5/11": hint(58, 4, 0x10) + hstr("h2spec", True),
    "generic/5/12": b"\x10" + hstr("x-test") + hstr("h2spec"),                # never indexed, new name
    "generic/5/13": b"\x10" + hstr("x-test", True) + hstr("h2spec", True),
}
for _id, _rep in REPRESENTATIONS.items():
    case(_id)(lambda p, rep=_rep: _with_field(p, rep))


@case("generic/5/14")
def _(p):
    p.send(headers(1, hint(128, 5, 0x20) + p.block(), end_stream=p.variant == "http"),
           data(1, grpc_message(), end_stream=True) if p.variant == "grpc" else b"")
    p.expect_response(1)


@case("generic/5/15")
def _(p):
    p.send(headers(1, hint(128, 5, 0x20) + hint(4096, 5, 0x20) + p.block(), end_stream=p.variant == "http"),
           data(1, grpc_message(), end_stream=True) if p.variant == "grpc" else b"")
    p.expect_response(1)


# --- http2 (95) ---

@case("http2/3.5/1")
def _(p):
    assert p.seen[0].type == SETTINGS and not p.seen[0].flags & ACK, p.seen


@case("http2/3.5/2")
def _(p):
    p.send(b"INVALID CONNECTION PREFACE\r\n\r\n")
    for f in p.read_until_closed():
        if f.type == GOAWAY:
            assert f.code == PROTOCOL_ERROR, f


@case("http2/4.1/1")
def _(p):
    p.send(frame(0x16, 0, 0, b"unknown"), ping())
    p.expect_ping_ack()


@case("http2/4.1/2")
def _(p):
    p.send(ping(flags=0x16))
    p.expect_ping_ack()


@case("http2/4.1/3")
def _(p):
    p.send(ping()[:5] + (0x8000_0000).to_bytes(4, "big") + ping()[9:])
    p.expect_ping_ack()


@case("http2/4.2/1")
def _(p):
    payload = b"x" * 16384 if p.variant == "http" else grpc_message(16384)
    p.send(headers(1, p.block(method="POST")), data(1, payload, end_stream=True))
    p.expect_response(1)


@case("http2/4.2/2")
def _(p):
    p.send(headers(1, p.block(method="POST")), data(1, b"x" * 16385, end_stream=True))
    p.expect_connection_error(FRAME_SIZE_ERROR)


@case("http2/4.2/3")
def _(p):
    big = [(f"x-dummy{i}", "x" * 4000) for i in range(5)]
    p.send(headers(1, p.block(extra=big), end_stream=True))
    p.expect_connection_error(FRAME_SIZE_ERROR)


@case("http2/4.3/1")
def _(p):
    p.send(headers(1, b"\x40", end_stream=True))
    p.expect_connection_error(COMPRESSION_ERROR)


@case("http2/4.3/2")
def _(p):
    blk = p.block()
    p.send(headers(1, blk[:5], end_headers=False), priority(1), continuation(1, blk[5:]))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/4.3/3")
def _(p):
    blk = p.block()
    p.send(headers(1, blk[:5], end_headers=False), headers(3, blk), continuation(1, blk[5:]))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/5.1/1")
def _(p):
    p.send(data(1, b"test", end_stream=True))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/5.1/2")
def _(p):
    p.send(rst_stream(1, CANCEL))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/5.1/3")
def _(p):
    p.send(window_update(1, 100))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/5.1/4")
def _(p):
    p.send(continuation(1, p.block()))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/5.1/5")
def _(p):
    # Sent together, so the stream is still half-closed (remote) when the DATA arrives.
    p.send(p.request(1), data(1, b"test"))
    p.expect_stream_error(1, STREAM_CLOSED)


@case("http2/5.1/6")
def _(p):
    p.send(p.request(1), headers(1, p.block(), end_stream=True))
    p.expect_stream_error(1, STREAM_CLOSED)


@case("http2/5.1/7")
def _(p):
    p.send(p.request(1), continuation(1, p.block()))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/5.1/8")
def _(p):
    p.send(headers(1, p.block()), rst_stream(1, CANCEL), data(1, b"test"))
    p.expect_stream_error(1, STREAM_CLOSED)


@case("http2/5.1/9")
def _(p):
    p.send(headers(1, p.block()), rst_stream(1, CANCEL), headers(1, p.block()))
    p.expect_stream_error(1, STREAM_CLOSED)


@case("http2/5.1/10")
def _(p):
    p.send(headers(1, p.block()), rst_stream(1, CANCEL), continuation(1, p.block()))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/5.1/11")
def _(p):
    p.send(p.request(1))
    p.expect_stream_end(1)
    p.send(data(1, b"test"))
    p.expect_connection_error(STREAM_CLOSED)


@case("http2/5.1/12")
def _(p):
    p.send(p.request(1))
    p.expect_stream_end(1)
    p.send(headers(1, p.block(), end_stream=True))
    p.expect_connection_error(STREAM_CLOSED)


@case("http2/5.1/13")
def _(p):
    p.send(p.request(1))
    p.expect_stream_end(1)
    p.send(continuation(1, p.block()))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/5.1.1/1")
def _(p):
    p.send(headers(2, p.block(), end_stream=True))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/5.1.1/2")
def _(p):
    p.send(p.request(5))
    p.expect_response(5)
    p.send(headers(3, p.block(), end_stream=True))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/5.1.2/1")
def _(p):
    limit = next(int.from_bytes(f.payload[i + 2:i + 6], "big") for f in p.seen if f.type == SETTINGS
                 for i in range(0, len(f.payload), 6) if int.from_bytes(f.payload[i:i + 2], "big") == MAX_CONCURRENT_STREAMS)
    # With the client's window at 0 every answer is stuck, so each stream stays open.
    p.send(settings((INITIAL_WINDOW_SIZE, 0)))
    p.expect_settings_ack()
    p.send(*(p.request(2 * i + 1) for i in range(limit + 1)))
    p.expect_stream_error(2 * limit + 1, REFUSED_STREAM)


@case("http2/5.3.1/1")
def _(p):
    p.send(p.request(1, prio=(1, 15, False)))
    p.expect_stream_error(1, PROTOCOL_ERROR)


@case("http2/5.3.1/2")
def _(p):
    p.send(p.request(1), priority(1, depends_on=1))
    p.expect_stream_error(1, PROTOCOL_ERROR)


@case("http2/5.4.1/1")
def _(p):
    p.send(ping(stream=3))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/5.4.1/2")
def _(p):
    # Strict: a GOAWAY must come before the close.
    p.send(ping(stream=3))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/5.5/1")
def _(p):
    p.send(frame(0x16, 0, 0, b"extension"), ping())
    p.expect_ping_ack()


@case("http2/5.5/2")
def _(p):
    blk = p.block()
    p.send(headers(1, blk[:5], end_headers=False), frame(0x16, 0, 0, b"extension"), continuation(1, blk[5:]))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.1/1")
def _(p):
    p.send(data(0, b"test"))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.1/2")
def _(p):
    p.send(p.request(1), data(1, b"test"))
    p.expect_stream_error(1, STREAM_CLOSED)


@case("http2/6.1/3")
def _(p):
    p.send(headers(1, p.block(method="POST")), frame(DATA, PADDED | END_STREAM, 1, b"\x06test"))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.2/1")
def _(p):
    blk = p.block()
    p.send(headers(1, blk[:5], end_headers=False), priority(1))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.2/2")
def _(p):
    blk = p.block()
    p.send(headers(1, blk[:5], end_headers=False), headers(3, blk, end_stream=True))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.2/3")
def _(p):
    p.send(headers(0, p.block(), end_stream=True))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.2/4")
def _(p):
    blk = p.block()
    p.send(frame(HEADERS, PADDED | END_HEADERS | END_STREAM, 1, bytes([len(blk) + 1]) + blk))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.3/1")
def _(p):
    p.send(priority(0))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.3/2")
def _(p):
    p.send(headers(1, p.block()), frame(PRIORITY, 0, 1, b"\x00\x00\x00\x00"))
    p.expect_stream_error(1, FRAME_SIZE_ERROR)


@case("http2/6.4/1")
def _(p):
    p.send(rst_stream(0, CANCEL))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.4/2")
def _(p):
    p.send(rst_stream(1, CANCEL))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.4/3")
def _(p):
    p.send(headers(1, p.block()), frame(RST_STREAM, 0, 1, b"\x00\x00\x08"))
    p.expect_connection_error(FRAME_SIZE_ERROR)


@case("http2/6.5/1")
def _(p):
    p.send(frame(SETTINGS, ACK, 0, b"\x00\x01\x00\x00\x10\x00"))
    p.expect_connection_error(FRAME_SIZE_ERROR)


@case("http2/6.5/2")
def _(p):
    p.send(frame(SETTINGS, 0, 1, b"\x00\x01\x00\x00\x10\x00"))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.5/3")
def _(p):
    p.send(frame(SETTINGS, 0, 0, b"\x00\x01\x00"))
    p.expect_connection_error(FRAME_SIZE_ERROR)


@case("http2/6.5.2/1")
def _(p):
    p.send(settings((ENABLE_PUSH, 2)))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.5.2/2")
def _(p):
    p.send(settings((INITIAL_WINDOW_SIZE, 1 << 31)))
    p.expect_connection_error(FLOW_CONTROL_ERROR)


@case("http2/6.5.2/3")
def _(p):
    p.send(settings((MAX_FRAME_SIZE, 16383)))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.5.2/4")
def _(p):
    p.send(settings((MAX_FRAME_SIZE, 1 << 24)))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.5.2/5")
def _(p):
    p.send(settings((0xFF, 1)), ping())
    p.expect_settings_ack()
    p.expect_ping_ack()


@case("http2/6.5.3/1")
def _(p):
    p.send(settings((INITIAL_WINDOW_SIZE, 100), (INITIAL_WINDOW_SIZE, 1)))
    p.expect_settings_ack()
    p.send(p.request(1))
    p.expect_data(1, 1)


@case("http2/6.5.3/2")
def _(p):
    p.send(settings((MAX_CONCURRENT_STREAMS, 10)))
    p.expect_settings_ack()


@case("http2/6.7/1")
def _(p):
    p.send(ping(b"abcdefgh"))
    p.expect_ping_ack(b"abcdefgh")


@case("http2/6.7/2")
def _(p):
    p.send(ping(b"unsolici", ack=True), ping(b"solicite"))
    p.expect_ping_ack(b"solicite")


@case("http2/6.7/3")
def _(p):
    p.send(ping(stream=1))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.7/4")
def _(p):
    p.send(frame(PING, 0, 0, b"123456"))
    p.expect_connection_error(FRAME_SIZE_ERROR)


@case("http2/6.8/1")
def _(p):
    p.send(goaway(stream=1))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.9/1")
def _(p):
    p.send(window_update(0, 0))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.9/2")
def _(p):
    p.send(headers(1, p.block()), window_update(1, 0))
    p.expect_stream_error(1, PROTOCOL_ERROR)


@case("http2/6.9/3")
def _(p):
    p.send(frame(WINDOW_UPDATE, 0, 0, b"\x00\x00\x01"))
    p.expect_connection_error(FRAME_SIZE_ERROR)


@case("http2/6.9.1/1")
def _(p):
    p.send(settings((INITIAL_WINDOW_SIZE, 1)))
    p.expect_settings_ack()
    p.send(p.request(1))
    p.expect_data(1, 1)


@case("http2/6.9.1/2")
def _(p):
    p.send(window_update(0, 0x7FFF_FFFF), window_update(0, 0x7FFF_FFFF))
    p.expect_connection_error(FLOW_CONTROL_ERROR)


@case("http2/6.9.1/3")
def _(p):
    p.send(headers(1, p.block()), window_update(1, 0x7FFF_FFFF), window_update(1, 0x7FFF_FFFF))
    p.expect_stream_error(1, FLOW_CONTROL_ERROR)


@case("http2/6.9.2/1")
def _(p):
    p.send(settings((INITIAL_WINDOW_SIZE, 0)))
    p.expect_settings_ack()
    p.send(p.request(1))
    p.expect_response(1)
    p.send(settings((INITIAL_WINDOW_SIZE, 1)))
    p.expect_data(1, 1)


@case("http2/6.9.2/2")
def _(p):
    p.send(settings((INITIAL_WINDOW_SIZE, 3)))
    p.expect_settings_ack()
    p.send(p.request(1))
    p.expect_data(1, 3)
    p.send(settings((INITIAL_WINDOW_SIZE, 2)))   # the stream's window is now -1
    p.expect_settings_ack()
    p.send(window_update(1, 2))
    p.expect_data(1, 1)


@case("http2/6.9.2/3")
def _(p):
    p.send(settings((INITIAL_WINDOW_SIZE, 1 << 31)))
    p.expect_connection_error(FLOW_CONTROL_ERROR)


@case("http2/6.10/1")
def _(p):
    p.send(_three_pieces(p))
    p.expect_response(1)


@case("http2/6.10/2")
def _(p):
    blk = p.block()
    p.send(headers(1, blk[:3], end_headers=False), continuation(1, blk[3:6], end_headers=False), data(1, b"test"))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.10/3")
def _(p):
    blk = p.block()
    p.send(headers(1, blk[:5], end_headers=False), continuation(0, blk[5:]))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.10/4")
def _(p):
    p.send(headers(1, p.block(), end_stream=True), continuation(1, p.block()))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.10/5")
def _(p):
    blk = p.block()
    p.send(headers(1, blk[:5], end_stream=True, end_headers=False), continuation(1, blk[5:]),
           continuation(1, blk))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/6.10/6")
def _(p):
    blk = p.block()
    p.send(headers(1, blk[:5], end_headers=False), data(1, b"test"), continuation(1, blk[5:]))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("http2/7/1")
def _(p):
    p.send(goaway(0, 0xFF), ping())
    p.expect_ping_ack()


@case("http2/7/2")
def _(p):
    p.send(headers(1, p.block()), rst_stream(1, 0xFF), ping())
    p.expect_ping_ack()


@case("http2/8.1/1")
def _(p):
    p.send(headers(1, p.block(method="POST")), data(1, p.body()), headers(1, block([("x-test", "ok")])))
    p.expect_stream_error(1, PROTOCOL_ERROR)


def _malformed(p, fields):
    p.send(headers(1, block(fields), end_stream=True))
    p.expect_stream_error(1, PROTOCOL_ERROR)


@case("http2/8.1.2/1")
def _(p):
    _malformed(p, p.fields(extra=[("X-TEST", "ok")]))


@case("http2/8.1.2.1/1")
def _(p):
    _malformed(p, p.fields(extra=[(":test", "ok")]))


@case("http2/8.1.2.1/2")
def _(p):
    _malformed(p, p.fields(extra=[(":status", "200")]))


@case("http2/8.1.2.1/3")
def _(p):
    p.send(headers(1, p.block(method="POST")), data(1, p.body()),
           headers(1, block([(":method", "POST")]), end_stream=True))
    p.expect_stream_error(1, PROTOCOL_ERROR)


@case("http2/8.1.2.1/4")
def _(p):
    _malformed(p, p.fields(first=[("x-test", "ok")]))


@case("http2/8.1.2.2/1")
def _(p):
    _malformed(p, p.fields(extra=[("connection", "keep-alive")]))


@case("http2/8.1.2.2/2")
def _(p):
    _malformed(p, p.fields(omit=("te",), extra=[("te", "trailers, deflate")]))


@case("http2/8.1.2.3/1")
def _(p):
    _malformed(p, [(n, "" if n == ":path" else v) for n, v in p.fields()])


@case("http2/8.1.2.3/2")
def _(p):
    _malformed(p, p.fields(omit=(":method",)))


@case("http2/8.1.2.3/3")
def _(p):
    _malformed(p, p.fields(omit=(":scheme",)))


@case("http2/8.1.2.3/4")
def _(p):
    _malformed(p, p.fields(omit=(":path",)))


@case("http2/8.1.2.3/5")
def _(p):
    _malformed(p, p.fields(first=[(":method", "POST")]))


@case("http2/8.1.2.3/6")
def _(p):
    _malformed(p, p.fields(first=[(":scheme", p.scheme)]))


@case("http2/8.1.2.3/7")
def _(p):
    _malformed(p, p.fields(first=[(":path", "/")]))


@case("http2/8.1.2.6/1")
def _(p):
    p.send(headers(1, p.block(method="POST", extra=[("content-length", "4")])), data(1, b"test1", end_stream=True))
    p.expect_stream_error(1, PROTOCOL_ERROR)


@case("http2/8.1.2.6/2")
def _(p):
    p.send(headers(1, p.block(method="POST", extra=[("content-length", "4")])), data(1, b"test"),
           data(1, b"test", end_stream=True))
    p.expect_stream_error(1, PROTOCOL_ERROR)


@case("http2/8.2/1")
def _(p):
    p.send(headers(1, p.block()), frame(PUSH_PROMISE, END_HEADERS, 1, (2).to_bytes(4, "big") + p.block()))
    p.expect_connection_error(PROTOCOL_ERROR)


# --- hpack (8) ---

def _hpack_error(p, tail, head=b""):
    p.send(headers(1, head + p.block() + tail, end_stream=True))
    p.expect_connection_error(COMPRESSION_ERROR)


HPACK_CASES = {
    "hpack/2.3.3/1": (b"\xc6", b""),                                        # indexed 70: past the end
    "hpack/2.3.3/2": (hint(70, 6, 0x40) + hstr("test"), b""),               # name index 70
    "hpack/4.2/1": (hint(4096, 5, 0x20), b""),                              # size update at the end
    "hpack/5.2/1": (b"\x00" + hstr("x-test") + hint(5, 7, 0x80) + huffman(b"test") + b"\xff\xff", b""),
    "hpack/5.2/2": (b"\x00" + hstr("x-test") + hint(3, 7, 0x80) + huffman_zero_padded(b"test"), b""),
    "hpack/5.2/3": (b"\x00" + hstr("x-test") + hint(4, 7, 0x80) + b"\xff\xff\xff\xff", b""),  # EOS
    "hpack/6.1/1": (b"\x80", b""),                                          # index 0
    "hpack/6.3/1": (b"", hint(4097, 5, 0x20)),                              # over our HEADER_TABLE_SIZE
}
for _id, (_tail, _head) in HPACK_CASES.items():
    case(_id)(lambda p, tail=_tail, head=_head: _hpack_error(p, tail, head))


# --- cases h2spec does not cover ---

FIELD_CASES = {
    "extra/value-cr": ("x-test", "a\rb"),
    "extra/value-lf": ("x-test", "a\nb"),
    "extra/value-nul": ("x-test", "a\x00b"),
    "extra/value-leading-space": ("x-test", " ab"),
    "extra/value-trailing-tab": ("x-test", "ab\t"),
    "extra/name-space": ("x test", "ok"),
    "extra/name-del": ("x-test\x7f", "ok"),
    "extra/name-non-ascii": ("x-t\u00e9st", "ok"),
    "extra/name-inner-colon": ("x:test", "ok"),
    "extra/name-empty": ("", "ok"),
    "extra/transfer-encoding": ("transfer-encoding", "chunked"),
    "extra/upgrade": ("upgrade", "h2c"),
    "extra/keep-alive": ("keep-alive", "timeout=5"),
    "extra/proxy-connection": ("proxy-connection", "keep-alive"),
    "extra/host-differs": ("host", "example.com"),
}
for _id, _field in FIELD_CASES.items():
    case(_id)(lambda p, fld=_field: _malformed(p, p.fields(extra=[fld])))


@case("extra/host-same-as-authority")
def _(p):
    p.send(p.request(1, fields=p.fields(extra=[("host", p.authority)])))
    p.expect_response(1)


@case("extra/first-frame-not-settings")
def _(p):
    p.send(PREFACE + ping())
    p.expect_connection_error(PROTOCOL_ERROR)


@case("extra/goaway-too-short")
def _(p):
    p.send(frame(GOAWAY, 0, 0, b"\x00\x00\x00\x00"))
    p.expect_connection_error(FRAME_SIZE_ERROR)


@case("extra/headers-priority-too-short")
def _(p):
    p.send(frame(HEADERS, PRIORITY_FLAG | END_HEADERS | END_STREAM, 1, b"\x00\x00\x00"))
    p.expect_connection_error(FRAME_SIZE_ERROR)


@case("extra/no-rfc7540-priorities-2")
def _(p):
    p.send(settings((NO_RFC7540_PRIORITIES, 2)))
    p.expect_connection_error(PROTOCOL_ERROR)


@case("extra/data-after-trailers")
def _(p):
    p.send(headers(1, p.block(method="POST")), data(1, p.body()), headers(1, block([("x-test", "ok")]), end_stream=True),
           data(1, b"late"))
    p.expect_stream_error(1, STREAM_CLOSED)


@case("extra/nine-continuations")
def _(p):
    blk = p.block()
    frames = [headers(1, blk[:1], end_stream=True, end_headers=False)]
    frames += [continuation(1, blk[i:i + 1], end_headers=False) for i in range(1, 10)]
    p.send(*frames)
    p.expect_connection_error(ENHANCE_YOUR_CALM)


@case("extra/header-block-over-64k")
def _(p):
    filler = block([(f"x-filler{i}", "x" * 8000) for i in range(9)])
    blk = p.block() + filler
    pieces = [blk[i:i + 16000] for i in range(0, len(blk), 16000)]
    frames = [headers(1, pieces[0], end_stream=True, end_headers=False)]
    frames += [continuation(1, piece, end_headers=i == len(pieces) - 1) for i, piece in enumerate(pieces[1:], 1)]
    p.send(*frames)
    p.expect_connection_error(ENHANCE_YOUR_CALM)


@case("extra/header-list-over-limit-431")
def _(p):
    # 70 KB decoded from 4 KB: one field added to the dynamic table, then referenced 17 times. The table stays in
    # sync, so the next request on the same connection is served.
    big = b"\x40" + hstr("x-big") + hstr("y" * 3900) + b"\xbe" * 17   # 18 x 3,937 octets decoded
    p.send(headers(1, p.block() + big, end_stream=True))
    f = p.expect_response(1)
    assert dict(f.fields)[":status"] == "431", f.fields
    p.send(p.request(3))
    p.expect_response(3)


@case("extra/header-table-size-0")
def _(p):
    p.send(settings((HEADER_TABLE_SIZE, 0)))
    p.expect_settings_ack()
    p.send(p.request(1))
    f = p.expect_response(1)
    assert f.raw_block[0] == 0x20, f"the response block starts with {f.raw_block[:4].hex()}, not a size update to 0"


# --- running the table ---

PARAMS = [pytest.param(case_id, variant, id=f"{case_id}[{variant}]")
          for case_id, (_fn, variants, _initial) in CASES.items() for variant in variants]

NO_HANDSHAKE = {"http2/3.5/2", "extra/first-frame-not-settings"}
COUNTS = {"generic": 44, "http2": 95, "hpack": 8}


def test_the_table_has_every_h2spec_case():
    for group, n in COUNTS.items():
        assert len([c for c in CASES if c.startswith(group + "/")]) == n, group


@pytest.mark.parametrize("case_id,variant", PARAMS)
def test_case(case_id, variant):
    fn, _, initial = CASES[case_id]
    p = Peer(variant, preface=False) if case_id in NO_HANDSHAKE else Peer(variant, settings_pairs=initial)
    try:
        fn(p)
    finally:
        p.close()
