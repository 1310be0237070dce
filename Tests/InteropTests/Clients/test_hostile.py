"""Hostile peers against the real server. Each attack runs on its own connection while a
good grpcio client is served on another, and the server's resident memory (from /proc, $FS_PID) must stay within a
bound the attack cannot push. The server runs with --idle-timeout 3s, so the idle case is quick to see."""
import os
import socket
import threading
import time

import grpc
import pytest

from h2peer import *  # noqa: F403

V1 = RUN_FUNCTION
MIB = 1 << 20


def rss():
    with open(f"/proc/{os.environ['FS_PID']}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def good_call():
    """One RunFunction call from grpcio on its own connection; returns the answer's size."""
    with grpc.insecure_channel(os.environ["FS_ADDRESS"]) as ch:
        call = ch.unary_unary(V1, request_serializer=lambda b: b, response_deserializer=lambda b: b)
        return len(call(b"", timeout=5))


@pytest.fixture
def bounded():
    """Asserts afterwards that the server's RSS grew by less than `limit` bytes and that a good client is served."""
    state = {"limit": 16 * MIB}
    before = rss()
    assert good_call() > 0
    yield state
    grew = rss() - before
    print(f"\nserver RSS {before / MIB:.1f} -> {(before + grew) / MIB:.1f} MiB")
    assert grew < state["limit"], f"server RSS grew by {grew / MIB:.1f} MiB (bound {state['limit'] / MIB:.0f} MiB)"
    assert good_call() > 0


def while_good_client_runs(attack):
    """Runs `attack` while a grpcio client keeps calling; every good call must succeed."""
    failures, calls = [], [0]
    stop = threading.Event()

    def good():
        while not stop.is_set():
            try:
                good_call()
                calls[0] += 1
            except Exception as e:   # noqa: BLE001 (any failure of the good client is the finding)
                failures.append(e)
            time.sleep(0.02)

    t = threading.Thread(target=good)
    t.start()
    try:
        return attack()
    finally:
        stop.set()
        t.join()
        assert not failures, failures
        assert calls[0] > 0


def test_rapid_reset(bounded):
    # CVE-2023-44487: HEADERS + RST_STREAM without end; the glitch budget ends it with ENHANCE_YOUR_CALM.
    def attack():
        p = Peer("grpc")
        out = b"".join(headers(2 * i + 1, p.block()) + rst_stream(2 * i + 1, CANCEL) for i in range(1000))
        try:
            p.send(out)
        except OSError:
            pass
        p.expect_connection_error(ENHANCE_YOUR_CALM)
    while_good_client_runs(attack)


@pytest.mark.parametrize("shape", ["large", "empty"])
def test_continuation_flood(bounded, shape):
    # CVE-2024-27316 and relatives: a header block that never ends. Cut at 64 KiB or 8 CONTINUATIONs.
    def attack():
        p = Peer("grpc")
        piece = b"\x00" + hstr("x-flood") + hstr("y" * 16000) if shape == "large" else b""
        count = 100 if shape == "large" else 5000
        frames = [headers(1, p.block(), end_headers=False)] + [continuation(1, piece, end_headers=False)] * count
        try:
            p.send(*frames)
        except OSError:
            pass
        p.expect_connection_error(ENHANCE_YOUR_CALM)
    while_good_client_runs(attack)


def test_hpack_bomb(bounded):
    # CVE-2016-6581: one 4 KB dynamic-table entry referenced 4,000 times per block decodes to 16 MB; the list is
    # capped while decoding, each request gets 431, and the connection stays usable.
    def attack():
        p = Peer("grpc")
        entry = b"\x40" + hstr("x-bomb") + hstr("z" * 4000)
        for i in range(50):
            sid = 2 * i + 1
            blk = p.block() + (entry if i == 0 else b"") + b"\xbe" * 4000
            p.send(headers(sid, blk, end_stream=True))
            f = p.expect_response(sid)
            assert dict(f.fields)[":status"] == "431"
        p.send(p.request(101))
        assert dict(p.expect_response(101).fields)[":status"] == "200"
        p.close()
    while_good_client_runs(attack)


def test_settings_flood(bounded):
    # CVE-2019-9515: every SETTINGS forces an ACK; the budget ends it.
    def attack():
        p = Peer("grpc")
        try:
            p.send(settings((INITIAL_WINDOW_SIZE, 65535)) * 2000)
        except OSError:
            pass
        p.expect_connection_error(ENHANCE_YOUR_CALM)
    while_good_client_runs(attack)


def test_ping_flood_from_a_peer_that_never_reads(bounded):
    # CVE-2019-9512 with a stream open; the peer never reads its ACKs. Nothing is written between its PINGs, so
    # the keepalive policy strikes each one after the first: the third strike ends the connection with
    # ENHANCE_YOUR_CALM "too_many_pings" after three ACKs; the rest of the flood is discarded unread.
    def attack():
        p = Peer("grpc")
        p.send(headers(1, p.block()))
        p.sock.settimeout(5)
        try:
            for _ in range(100):
                p.sock.sendall(ping() * 6000)
        except OSError:
            pass
        frames = p.read_until_closed(timeout=15)
        acks = sum(1 for f in frames if f.type == PING)
        assert frames[-1].type == GOAWAY and frames[-1].code == ENHANCE_YOUR_CALM, frames[-3:]
        assert frames[-1].payload[8:] == b"too_many_pings", frames[-1].payload
        assert acks == 3, acks
    while_good_client_runs(attack)


def test_peer_that_never_reads_its_answers(bounded):
    # CVE-2019-9517: windows wide open, answers requested without end, TCP never read. Once 1 MiB is queued for
    # the socket the server stops reading the peer, so TCP pushes back and the queue cannot grow.
    from crossplane.function.proto.v1 import run_function_pb2 as pb
    req = pb.RunFunctionRequest()
    req.meta.tag = "never-reads"
    req.desired.composite.resource.update({"apiVersion": "x.example.org/v1", "kind": "XThing", "pad": "p" * 40000})
    body = req.SerializeToString()
    framed = b"\x00" + len(body).to_bytes(4, "big") + body

    def attack():
        p = Peer("grpc", settings_pairs=[(INITIAL_WINDOW_SIZE, 0x7FFF_FFFF)])
        p.send(window_update(0, 0x7FFF_FFFF - 65535))
        p.sock.settimeout(3)
        sent = 0
        try:
            for i in range(2000):   # 80 MB of requests, each answered with 40 KB
                sid = 2 * i + 1
                p.sock.sendall(headers(sid, p.block()) + data(sid, framed, end_stream=True) if len(framed) <= 16384
                               else headers(sid, p.block()) + b"".join(
                                   data(sid, framed[o:o + 16384], end_stream=o + 16384 >= len(framed))
                                   for o in range(0, len(framed), 16384)))
                sent += 1
        except (socket.timeout, OSError):
            pass
        assert sent < 2000, "the server kept reading a peer that reads nothing"
        print(f"requests sent before TCP pushed back: {sent}")
        mid = rss()
        # Now read: every answer so far arrives, complete and in order.
        ended = 0
        deadline = time.monotonic() + 20
        while ended < sent and time.monotonic() < deadline:
            f = p.next_frame(deadline)
            if f.type == HEADERS and f.flags & END_STREAM:
                assert dict(f.fields)["grpc-status"] == "0", f.fields
                ended += 1
        assert ended >= sent - 1
        p.close()
        return mid
    while_good_client_runs(attack)


def test_zero_window_peer_and_more_streams_than_allowed(bounded):
    # A peer that never opens its window pins answers; the concurrency limit bounds them (and 30 s without progress
    # cancels them, tested frame by frame), and the stream past the limit is refused.
    bounded["limit"] = 48 * MIB
    def attack():
        p = Peer("grpc", settings_pairs=[(INITIAL_WINDOW_SIZE, 0)])
        limit = 256
        p.send(*(p.request(2 * i + 1) for i in range(limit + 1)))
        p.expect_stream_error(2 * limit + 1, REFUSED_STREAM)
        p.send(ping())
        p.expect_ping_ack()
        p.close()
    while_good_client_runs(attack)


def test_declared_sizes_are_not_trusted(bounded):
    # Every stream declares a 4 MiB message and sends 5 octets: nothing is allocated from the declared length. A
    # 4 MiB + 1 declaration is refused from the prefix alone with RESOURCE_EXHAUSTED.
    def attack():
        p = Peer("grpc")
        p.send(*(headers(2 * i + 1, p.block()) + data(2 * i + 1, b"\x00" + (4 * MIB).to_bytes(4, "big") + b"abcde")
                 for i in range(200)))
        p.send(ping())
        p.expect_ping_ack()
        p.send(headers(401, p.block()) + data(401, b"\x00" + (4 * MIB + 1).to_bytes(4, "big")))
        f = p.wait(lambda f: f.type == HEADERS and f.stream == 401, what="the answer on stream 401")
        assert dict(f.fields)["grpc-status"] == "8", f.fields
        p.close()
    while_good_client_runs(attack)


def hwm():
    with open(f"/proc/{os.environ['FS_PID']}/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))


def test_buffered_request_bytes_are_bounded_per_connection(bounded):
    # 100 streams each declaring a 4 MiB message (400 MiB) and sending as fast as the windows allow, never finishing.
    # Once the server holds 64 MiB of incomplete requests, stream credit goes only to the oldest stream, so the
    # peer runs out of window: what it got in is the budget plus the windows already granted (1 MiB per stream,
    # and the half-window updates given before the budget was reached).
    bounded["limit"] = 256 * MIB
    peak_before = hwm()

    def attack():
        p = Peer("grpc")
        conn_window = 65535 + sum(int.from_bytes(f.payload, "big") for f in p.seen if f.type == WINDOW_UPDATE and f.stream == 0)
        streams = {2 * i + 1: 1 * MIB - 5 for i in range(100)}
        left = {s: 4 * MIB for s in streams}
        p.send(*(headers(s, p.block()) + data(s, b"\x00" + (4 * MIB).to_bytes(4, "big")) for s in streams))
        conn_window -= 500
        sent = 0
        chunk = b"q" * 16384
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            progress = False
            for s in streams:
                n = min(16384, conn_window, streams[s], left[s] - 1)   # never the last byte: no call completes
                if n > 0:
                    p.send(data(s, chunk[:n]))
                    conn_window -= n
                    streams[s] -= n
                    left[s] -= n
                    sent += n
                    progress = True
            try:
                while True:
                    f = p.next_frame(time.monotonic() + (0.001 if progress else 1.0))
                    assert f.type not in (GOAWAY, RST_STREAM), f
                    if f.type == WINDOW_UPDATE:
                        inc = int.from_bytes(f.payload, "big")
                        if f.stream == 0:
                            conn_window += inc
                        else:
                            streams[f.stream] += inc
                        progress = True
            except TimeoutError:
                if not progress:
                    break
        print(f"accepted {sent / MIB:.0f} MiB of 400 MiB declared on 100 streams before credit ran out; "
              f"server peak RSS {peak_before / MIB:.1f} -> {hwm() / MIB:.1f} MiB")
        assert 64 * MIB < sent <= 64 * MIB + 100 * (MIB + MIB // 2) + 4 * MIB, sent
        p.send(ping())
        p.expect_ping_ack()   # control frames still flow
    while_good_client_runs(attack)


def test_slowloris(bounded):
    # Ten connections dribbling the preface, ten with half a header block, ten that finished the handshake and
    # then only dribble a frame header: 10 s preface and header-block bounds, and the idle timeout (3 s here).
    def attack():
        peers = []
        for _ in range(10):
            host, port = os.environ["FS_ADDRESS"].rsplit(":", 1)
            raw = socket.create_connection((host, int(port)), timeout=15)
            peers.append(("preface", raw))
        for _ in range(10):
            p = Peer("grpc")
            p.send(headers(1, p.block()[:10], end_headers=False))
            peers.append(("block", p))
        for _ in range(10):
            p = Peer("grpc")
            peers.append(("idle", p))
        start = time.monotonic()
        for i in range(len(PREFACE)):
            for kind, c in peers:
                try:
                    if kind == "preface":
                        c.send(PREFACE[i:i + 1])
                    elif kind == "idle" and i < 8:
                        c.send(b"\x00")
                except OSError:
                    pass   # already closed by the server
            time.sleep(12 / len(PREFACE))
            if time.monotonic() - start > 12:
                break
        ends = {}
        for kind, c in peers:
            if kind == "preface":
                c.settimeout(5)
                got = b""
                try:
                    while chunk := c.recv(65536):
                        got += chunk
                except OSError:
                    pass
                ends.setdefault(kind, []).append(got)
            else:
                c.read_until_closed(timeout=5)
                goaways = [f for f in c.seen if f.type == GOAWAY]
                ends.setdefault(kind, []).append(goaways[-1].code if goaways else None)
        elapsed = time.monotonic() - start
        assert all(b"\x07\x00\x00\x00\x00\x00" in g for g in ends["preface"]), "preface dribblers got GOAWAY"
        assert ends["block"] == [PROTOCOL_ERROR] * 10, ends["block"]
        assert ends["idle"] == [NO_ERROR] * 10, ends["idle"]
        assert elapsed < 20
    while_good_client_runs(attack)
