"""A strict frame-level HTTP/2 client for the conformance table: frames are built by hand (so invalid ones can be
sent), header blocks are encoded by hand (so every HPACK representation can be chosen), and the server's frames are
parsed and its header blocks decoded with `hpack` to keep the table in sync.

Environment: FS_ADDRESS (host:port); FS_TLS_DIR, when set, a folder with ca.crt, tls.crt and tls.key of a client
certificate, and the peer speaks TLS with ALPN h2.
"""
import os
import socket
import ssl
import time

import hpack
from hpack.huffman import HuffmanEncoder
from hpack.huffman_constants import REQUEST_CODES, REQUEST_CODES_LENGTH

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM, ACK, END_HEADERS, PADDED, PRIORITY_FLAG = 0x1, 0x1, 0x4, 0x8, 0x20

HEADER_TABLE_SIZE, ENABLE_PUSH, MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE, MAX_FRAME_SIZE, MAX_HEADER_LIST_SIZE = range(1, 7)
NO_RFC7540_PRIORITIES = 9

NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, SETTINGS_TIMEOUT, STREAM_CLOSED, FRAME_SIZE_ERROR, \
    REFUSED_STREAM, CANCEL, COMPRESSION_ERROR, CONNECT_ERROR, ENHANCE_YOUR_CALM = range(12)

ERROR_NAMES = {v: k for k, v in dict(
    NO_ERROR=0, PROTOCOL_ERROR=1, INTERNAL_ERROR=2, FLOW_CONTROL_ERROR=3, SETTINGS_TIMEOUT=4, STREAM_CLOSED=5,
    FRAME_SIZE_ERROR=6, REFUSED_STREAM=7, CANCEL=8, COMPRESSION_ERROR=9, CONNECT_ERROR=10,
    ENHANCE_YOUR_CALM=11).items()}

RUN_FUNCTION = "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction"


# --- frames ---

def frame(ftype, flags, stream, payload=b""):
    return len(payload).to_bytes(3, "big") + bytes([ftype, flags]) + stream.to_bytes(4, "big") + payload


def settings(*pairs, ack=False):
    return frame(SETTINGS, ACK if ack else 0, 0, b"".join(i.to_bytes(2, "big") + v.to_bytes(4, "big") for i, v in pairs))


def ping(data=b"h2spec\x00\x00", ack=False, stream=0, flags=0):
    return frame(PING, flags | (ACK if ack else 0), stream, data)


def window_update(stream, increment):
    return frame(WINDOW_UPDATE, 0, stream, increment.to_bytes(4, "big"))


def rst_stream(stream, code):
    return frame(RST_STREAM, 0, stream, code.to_bytes(4, "big"))


def priority(stream, depends_on=0, weight=15, exclusive=False):
    dep = depends_on | (0x8000_0000 if exclusive else 0)
    return frame(PRIORITY, 0, stream, dep.to_bytes(4, "big") + bytes([weight]))


def goaway(last=0, code=NO_ERROR, debug=b"h2spec", stream=0):
    return frame(GOAWAY, 0, stream, last.to_bytes(4, "big") + code.to_bytes(4, "big") + debug)


def data(stream, payload, end_stream=False, pad=None):
    if pad is not None:
        return frame(DATA, (END_STREAM if end_stream else 0) | PADDED, stream, bytes([pad]) + payload + b"\x00" * pad)
    return frame(DATA, END_STREAM if end_stream else 0, stream, payload)


def headers(stream, block, end_stream=False, end_headers=True, pad=None, prio=None):
    flags = (END_STREAM if end_stream else 0) | (END_HEADERS if end_headers else 0)
    payload = block
    if prio is not None:
        dep, weight, exclusive = prio
        flags |= PRIORITY_FLAG
        payload = (dep | (0x8000_0000 if exclusive else 0)).to_bytes(4, "big") + bytes([weight]) + payload
    if pad is not None:
        flags |= PADDED
        payload = bytes([pad]) + payload + b"\x00" * pad
    return frame(HEADERS, flags, stream, payload)


def continuation(stream, block, end_headers=True):
    return frame(CONTINUATION, END_HEADERS if end_headers else 0, stream, block)


# --- HPACK, by hand ---

def hint(value, prefix, first=0):
    """RFC 7541 section 5.1 integer with an N-bit prefix; `first` carries the representation's flag bits."""
    top = (1 << prefix) - 1
    if value < top:
        return bytes([first | value])
    out = [first | top]
    value -= top
    while value >= 128:
        out.append((value & 127) | 128)
        value >>= 7
    out.append(value)
    return bytes(out)


_huffman = HuffmanEncoder(REQUEST_CODES, REQUEST_CODES_LENGTH)


def huffman(raw):
    return _huffman.encode(raw)


def huffman_zero_padded(raw):
    """The Huffman code of `raw` padded with zero bits instead of the EOS prefix (invalid, RFC 7541 section 5.2)."""
    bits = sum(REQUEST_CODES_LENGTH[b] for b in raw)
    pad = -bits % 8
    assert pad > 0, "pick a string whose code does not end on a byte boundary"
    out = bytearray(huffman(raw))
    out[-1] &= (0xFF << pad) & 0xFF
    return bytes(out)


def hstr(value, use_huffman=False):
    raw = value.encode() if isinstance(value, str) else value
    if use_huffman:
        coded = huffman(raw)
        return hint(len(coded), 7, 0x80) + coded
    return hint(len(raw), 7) + raw


def literal(name, value):
    """Literal without indexing, new name: never touches either dynamic table."""
    return b"\x00" + hstr(name) + hstr(value)


def block(fields):
    return b"".join(literal(n, v) for n, v in fields)


def grpc_message(size=5):
    """A framed RunFunctionRequest of exactly `size` octets (prefix included); the padding is meta.tag."""
    if size == 5:
        return b"\x00\x00\x00\x00\x00"
    body_len = size - 5
    for n in range(body_len, 0, -1):
        inner = b"\x0a" + varint(n) + b"a" * n
        outer = b"\x0a" + varint(len(inner)) + inner
        if len(outer) == body_len:
            return b"\x00" + body_len.to_bytes(4, "big") + outer
    raise ValueError(f"cannot make a message of {size} octets")


def varint(n):
    """A protobuf base-128 varint."""
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


# --- the peer ---

class Frame:
    def __init__(self, ftype, flags, stream, payload):
        self.type, self.flags, self.stream, self.payload = ftype, flags, stream, payload
        self.fields = None   # decoded header block (HEADERS ending a block)
        self.raw_block = None

    @property
    def code(self):
        if self.type == RST_STREAM:
            return int.from_bytes(self.payload[:4], "big")
        if self.type == GOAWAY:
            return int.from_bytes(self.payload[4:8], "big")
        return None

    def __repr__(self):
        names = ["DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY",
                 "WINDOW_UPDATE", "CONTINUATION"]
        name = names[self.type] if self.type < len(names) else f"type {self.type}"
        extra = ""
        if self.code is not None:
            extra = f" {ERROR_NAMES.get(self.code, self.code)}"
            if self.type == GOAWAY:
                extra += f" {self.payload[8:]!r}"
        if self.fields is not None:
            extra = f" {self.fields}"
        if self.type == DATA:
            extra = f" {len(self.payload)} octets"
        return f"<{name} stream={self.stream} flags={self.flags:#x}{extra}>"


class Closed(Exception):
    pass


class Peer:
    """One connection. `variant` is "http" (h2spec's plain requests) or "grpc" (RunFunction requests)."""

    def __init__(self, variant, settings_pairs=(), preface=True, handshake=True):
        self.variant = variant
        host, port = os.environ["FS_ADDRESS"].rsplit(":", 1)
        sock = socket.create_connection((host, int(port)), timeout=5)
        tls_dir = os.environ.get("FS_TLS_DIR")
        self.scheme = "http"
        if tls_dir:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.load_verify_locations(os.path.join(tls_dir, "ca.crt"))
            ctx.load_cert_chain(os.path.join(tls_dir, "tls.crt"), os.path.join(tls_dir, "tls.key"))
            ctx.set_alpn_protocols(["h2"])
            sock = ctx.wrap_socket(sock, server_hostname="localhost")
            assert sock.selected_alpn_protocol() == "h2"
            self.scheme = "https"
        self.sock = sock
        self.authority = f"localhost:{port}"
        self.buf = b""
        self.decoder = hpack.Decoder()
        self.decoder.max_header_list_size = 1 << 20
        self.partial = None
        self.seen = []
        self.closed = False
        if preface:
            self.send(PREFACE + settings(*settings_pairs))
            if handshake:
                self.wait(lambda f: f.type == SETTINGS and f.flags & ACK, what="the SETTINGS ACK of the handshake")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, *chunks):
        self.sock.settimeout(10)   # reads leave their own (short) timeout behind
        self.sock.sendall(b"".join(chunks))

    # Reading.

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError
        except (ConnectionResetError, ssl.SSLError, OSError):
            chunk = b""
        if not chunk:
            self.closed = True
            raise Closed
        self.buf += chunk

    def next_frame(self, deadline):
        while len(self.buf) < 9:
            self._fill(deadline)
        length = int.from_bytes(self.buf[:3], "big")
        while len(self.buf) < 9 + length:
            self._fill(deadline)
        head, payload, self.buf = self.buf[:9], self.buf[9:9 + length], self.buf[9 + length:]
        f = Frame(head[3], head[4], int.from_bytes(head[5:9], "big") & 0x7FFF_FFFF, payload)
        self._track(f)
        self.seen.append(f)
        return f

    def _track(self, f):
        if f.type == SETTINGS and not f.flags & ACK:
            self.send(settings(ack=True))
        if f.type == HEADERS:
            body = f.payload
            if f.flags & PADDED:
                body = body[1:len(body) - body[0]]
            if f.flags & PRIORITY_FLAG:
                body = body[5:]
            self.partial = (f, body)
        elif f.type == CONTINUATION and self.partial:
            self.partial = (self.partial[0], self.partial[1] + f.payload)
        if f.type in (HEADERS, CONTINUATION) and f.flags & END_HEADERS and self.partial:
            first, raw = self.partial
            self.partial = None
            first.raw_block = raw
            first.fields = [(n.decode() if isinstance(n, bytes) else n, v.decode() if isinstance(v, bytes) else v)
                            for n, v in self.decoder.decode(raw)]
            if f is not first:
                f.fields, f.raw_block = first.fields, raw

    def wait(self, match, fail=lambda f: False, timeout=5.0, what="a frame"):
        deadline = time.monotonic() + timeout
        while True:
            try:
                f = self.next_frame(deadline)
            except TimeoutError:
                raise AssertionError(f"timed out waiting for {what}; frames seen: {self.seen}")
            except Closed:
                raise AssertionError(f"connection closed while waiting for {what}; frames seen: {self.seen}")
            if match(f):
                return f
            if fail(f):
                raise AssertionError(f"{f} while waiting for {what}; frames seen: {self.seen}")

    def read_until_closed(self, timeout=3.0):
        deadline = time.monotonic() + timeout
        frames = []
        while True:
            try:
                frames.append(self.next_frame(deadline))
            except Closed:
                return frames
            except TimeoutError:
                raise AssertionError(f"connection not closed within {timeout} s; frames seen: {self.seen}")

    # Requests in the two variants.

    def fields(self, method=None, path=None, extra=(), omit=(), first=()):
        if self.variant == "grpc":
            base = [(":method", method or "POST"), (":scheme", self.scheme), (":path", path or RUN_FUNCTION),
                    (":authority", self.authority)]
            regular = [("content-type", "application/grpc"), ("te", "trailers")]
        else:
            base = [(":method", method or "GET"), (":scheme", self.scheme), (":path", path or "/"),
                    (":authority", self.authority)]
            regular = []
        out = list(first) + [f for f in base + regular if f[0] not in omit]
        return out + list(extra)

    def block(self, **kw):
        return block(self.fields(**kw))

    def body(self):
        """The request body h2spec sends as "test"; in the gRPC variant a real RunFunctionRequest."""
        return b"test" if self.variant == "http" else grpc_message()

    def request(self, stream, end_stream=True, **kw):
        """h2spec's "GET": in the gRPC variant HEADERS then a DATA frame with a message."""
        fields = kw.pop("fields", None)
        blk = block(fields) if fields is not None else self.block()
        if self.variant == "http":
            return headers(stream, blk, end_stream=end_stream, **kw)
        out = headers(stream, blk, end_stream=False, **kw)
        return out + (data(stream, grpc_message(), end_stream=True) if end_stream else b"")

    def post(self, stream, payload=None, end_stream=True, extra=()):
        payload = self.body() if payload is None else payload
        blk = self.block(method="POST", extra=extra)
        return headers(stream, blk) + data(stream, payload, end_stream=end_stream)

    # Expectations (strict).

    def expect_response(self, stream, timeout=5.0):
        f = self.wait(lambda f: f.type == HEADERS and f.stream == stream,
                      fail=lambda f: f.type == GOAWAY or (f.type == RST_STREAM and f.stream == stream),
                      timeout=timeout, what=f"a response on stream {stream}")
        names = dict(f.fields)
        assert ":status" in names, f.fields
        if self.variant == "grpc" and names[":status"] != "200":
            assert "grpc-status" in names, f"a non-200 answer to a gRPC request carries grpc-status: {f.fields}"
        return f

    def expect_stream_end(self, stream):
        return self.wait(lambda f: f.stream == stream and f.type in (DATA, HEADERS) and f.flags & END_STREAM,
                         fail=lambda f: f.type == GOAWAY or (f.type == RST_STREAM and f.stream == stream),
                         what=f"the end of the response on stream {stream}")

    def expect_ping_ack(self, payload=b"h2spec\x00\x00"):
        f = self.wait(lambda f: f.type == PING and f.flags & ACK, fail=lambda f: f.type == GOAWAY,
                      what="a PING ACK")
        assert f.payload == payload, f"PING ACK with {f.payload!r}, expected {payload!r}"
        return f

    def expect_settings_ack(self):
        return self.wait(lambda f: f.type == SETTINGS and f.flags & ACK, fail=lambda f: f.type == GOAWAY,
                         what="a SETTINGS ACK")

    def expect_connection_error(self, code):
        f = self.wait(lambda f: f.type == GOAWAY, what=f"GOAWAY {ERROR_NAMES[code]}")
        assert f.code == code, f"GOAWAY {ERROR_NAMES.get(f.code, f.code)} {f.payload[8:]!r}, expected {ERROR_NAMES[code]}"
        after = self.read_until_closed()
        assert not [x for x in after if x.type != SETTINGS], f"frames after GOAWAY: {after}"
        return f

    def expect_stream_error(self, stream, code):
        f = self.wait(lambda f: f.type == RST_STREAM and f.stream == stream, fail=lambda f: f.type == GOAWAY,
                      what=f"RST_STREAM {ERROR_NAMES[code]} on stream {stream}")
        assert f.code == code, f"RST_STREAM {ERROR_NAMES.get(f.code, f.code)}, expected {ERROR_NAMES[code]}"
        return f

    def expect_data(self, stream, length):
        f = self.wait(lambda f: f.type == DATA and f.stream == stream,
                      fail=lambda f: f.type in (GOAWAY, RST_STREAM), what=f"DATA on stream {stream}")
        assert len(f.payload) == length, f"DATA of {len(f.payload)} octets, expected {length}"
        return f

    def expect_silence(self, seconds=0.3):
        """Nothing but the frames listed arrives for a moment (used to prove the absence of an answer)."""
        deadline = time.monotonic() + seconds
        got = []
        while True:
            try:
                got.append(self.next_frame(deadline))
            except TimeoutError:
                return got
            except Closed:
                raise AssertionError(f"connection closed; frames seen: {self.seen}")
