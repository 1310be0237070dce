"""RunFunction over a real gRPC stack (grpcio, the gRPC C core), as Crossplane-like clients call it."""
import time

import grpc
import h2.events
import pytest
from crossplane.function.proto.v1 import run_function_pb2 as v1
from crossplane.function.proto.v1beta1 import run_function_pb2 as v1beta1
from google.protobuf import struct_pb2

from conftest import grpc_headers, headers_of, stream_ended
from h2peer import varint

V1 = "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction"
V1BETA1 = "/apiextensions.fn.proto.v1beta1.FunctionRunnerService/RunFunction"


def struct(d):
    s = struct_pb2.Struct()
    s.update(d)
    return s


def sample_request(pb, n=20, pad=0):
    req = pb.RunFunctionRequest()
    req.meta.tag = "tag-" + str(n)
    req.observed.composite.resource.CopyFrom(struct({"apiVersion": "platform.example.org/v1alpha1", "kind": "XWebApp",
                                                     "metadata": {"name": "web-7k2xq"}}))
    req.desired.composite.resource.CopyFrom(struct({"apiVersion": "platform.example.org/v1alpha1", "kind": "XWebApp",
                                                    "status": {"phase": "Provisioning"}}))
    req.desired.composite.connection_details["url"] = b"https://web.example.org"
    for i in range(n):
        r = req.desired.resources[f"bucket-{i:02d}"]
        r.resource.CopyFrom(struct({"apiVersion": "s3.aws.upbound.io/v1beta1", "kind": "Bucket",
                                    "metadata": {"name": f"web-{i}"}, "spec": {"forProvider": {"region": "eu-west-1"}},
                                    "pad": "x" * pad}))
        r.ready = pb.READY_TRUE
    req.context.CopyFrom(struct({"apiextensions.crossplane.io/environment": {"region": "eu-west-1"}}))
    return req


def raw_call(channel, path, body, timeout=10):
    call = channel.unary_unary(path, request_serializer=lambda b: b, response_deserializer=lambda b: b)
    return call(body, timeout=timeout)


@pytest.fixture
def channel(address):
    with grpc.insecure_channel(address, options=[("grpc.max_receive_message_length", 8 << 20),
                                                 ("grpc.max_send_message_length", 8 << 20)]) as ch:
        yield ch


@pytest.mark.parametrize("pb,path", [(v1, V1), (v1beta1, V1BETA1)], ids=["v1", "v1beta1"])
def test_pass_through(channel, pb, path):
    req = sample_request(pb)
    rsp = pb.RunFunctionResponse.FromString(raw_call(channel, path, req.SerializeToString()))
    assert rsp.meta.tag == req.meta.tag
    assert rsp.meta.ttl.seconds == 60 and rsp.meta.ttl.nanos == 0
    assert rsp.desired.SerializeToString(deterministic=True) == req.desired.SerializeToString(deterministic=True)
    assert rsp.context == req.context
    # XWebApp is not a kind this function composes: one Fatal result, everything else passed through.
    [result] = rsp.results
    assert result.severity == pb.SEVERITY_FATAL and result.reason == "UnsupportedComposite"


def test_unknown_fields_survive(channel):
    # A State with a field this proto does not know (99 = varint 7), as a newer Crossplane might send.
    req = sample_request(v1, n=2)
    state = req.desired.SerializeToString() + bytes([0x98, 0x06, 0x07])
    body = v1.RunFunctionRequest(meta=req.meta).SerializeToString() + bytes([0x1a]) + varint(len(state)) + state
    out = raw_call(channel, V1, body)
    assert _field(out, 2) == state


def test_4mib_request(channel):
    req = sample_request(v1, n=40, pad=100_000)
    body = req.SerializeToString()
    assert 4_000_000 < len(body) <= 4 << 20
    rsp = v1.RunFunctionResponse.FromString(raw_call(channel, V1, body, timeout=30))
    assert len(rsp.desired.resources) == 40


def test_over_the_limit_is_resource_exhausted(channel):
    body = b"\x0a" + varint((4 << 20) - 4) + b"\x00" * ((4 << 20) - 4)   # a 4 MiB + 1 octet message
    assert len(body) == (4 << 20) + 1
    with pytest.raises(grpc.RpcError) as e:
        raw_call(channel, V1, body)
    assert e.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert e.value.details() == f"grpc: received message larger than max ({(4 << 20) + 1} vs. {4 << 20})"


def test_unknown_method_is_unimplemented(channel):
    with pytest.raises(grpc.RpcError) as e:
        raw_call(channel, "/apiextensions.fn.proto.v1.FunctionRunnerService/Nope", b"")
    assert e.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert e.value.details() == "unknown method Nope for service apiextensions.fn.proto.v1.FunctionRunnerService"
    with pytest.raises(grpc.RpcError) as e:
        raw_call(channel, "/apiextensions.fn.proto.v2.FunctionRunnerService/RunFunction", b"")
    assert e.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_corrupt_request_is_internal(channel):
    with pytest.raises(grpc.RpcError) as e:
        raw_call(channel, V1, b"\x1a\x05\x01")
    assert e.value.code() == grpc.StatusCode.INTERNAL
    assert e.value.details().startswith("grpc: failed to unmarshal the received message")


def test_deadline_is_honoured_by_a_real_client(channel):
    # grpcio sends grpc-timeout; the call completes well inside it.
    rsp = raw_call(channel, V1, sample_request(v1, n=1).SerializeToString(), timeout=0.5)
    assert v1.RunFunctionResponse.FromString(rsp).meta.ttl.seconds == 60


def test_many_calls_in_flight_on_one_channel(channel):
    call = channel.unary_unary(V1, request_serializer=lambda b: b, response_deserializer=lambda b: b)
    body = sample_request(v1, n=3).SerializeToString()
    futures = [call.future(body, timeout=10) for _ in range(200)]
    assert all(v1.RunFunctionResponse.FromString(f.result()).meta.tag == "tag-3" for f in futures)


# --- Frame-level cases that gRPC clients never produce (python h2) ---

def test_expired_deadline_is_deadline_exceeded(raw):
    sid = raw.conn.get_next_available_stream_id()
    raw.conn.send_headers(sid, grpc_headers(V1, [("grpc-timeout", "0n")]), end_stream=False)
    raw.flush()
    h = headers_of(raw.events(stream_ended(sid)), sid)
    assert h["grpc-status"] == "4"


def test_deadline_passing_mid_request_resets_the_stream(raw):
    sid = raw.conn.get_next_available_stream_id()
    raw.conn.send_headers(sid, grpc_headers(V1, [("grpc-timeout", "200m")]), end_stream=False)
    raw.conn.send_data(sid, b"\x00\x00\x00\x00\x10", end_stream=False)   # a prefix, then nothing
    raw.flush()
    t0 = time.monotonic()
    evs = raw.events(stream_ended(sid))
    elapsed = time.monotonic() - t0
    resets = [e for e in evs if isinstance(e, h2.events.StreamReset) and e.stream_id == sid]
    assert resets and resets[0].error_code == 8   # CANCEL
    assert 0.15 < elapsed < 2.0


@pytest.mark.parametrize("how", ["headers-only", "empty-data"])
def test_empty_unary_call_is_answered_at_once(raw, how):
    sid = raw.conn.get_next_available_stream_id()
    raw.conn.send_headers(sid, grpc_headers(V1), end_stream=how == "headers-only")
    if how == "empty-data":
        raw.conn.send_data(sid, b"", end_stream=True)
    raw.flush()
    t0 = time.monotonic()
    h = headers_of(raw.events(stream_ended(sid)), sid)
    assert time.monotonic() - t0 < 1.0
    assert h["grpc-status"] == "13"
    assert "cardinality violation" in h["grpc-message"]


def test_non_grpc_request_gets_415_with_a_body(raw):
    sid = raw.conn.get_next_available_stream_id()
    raw.conn.send_headers(sid, [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "x")], end_stream=True)
    raw.flush()
    evs = raw.events(stream_ended(sid))
    assert headers_of(evs, sid)[":status"] == "415"
    body = b"".join(e.data for e in evs if isinstance(e, h2.events.DataReceived))
    assert len(body) >= 5


def _field(buf, number):
    i = 0
    while i < len(buf):
        key, i = _read_varint(buf, i)
        wt = key & 7
        if wt == 2:
            n, i = _read_varint(buf, i)
            if key >> 3 == number:
                return buf[i:i + n]
            i += n
        elif wt == 0:
            _, i = _read_varint(buf, i)
        else:
            raise ValueError("unexpected wire type")
    return None


def _read_varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


# --- gzip (grpc-encoding) ---

def test_gzip_both_ways_with_grpcio(address):
    # grpcio compresses the request and accepts gzip; an answer over 64 KiB comes back compressed.
    req = sample_request(v1, n=40, pad=3000)
    with grpc.insecure_channel(address, compression=grpc.Compression.Gzip) as ch:
        rsp = v1.RunFunctionResponse.FromString(raw_call(ch, V1, req.SerializeToString()))
    assert rsp.desired.SerializeToString(deterministic=True) == req.desired.SerializeToString(deterministic=True)


def test_gzip_answer_is_really_compressed(raw):
    import gzip
    body = sample_request(v1, n=40, pad=3000).SerializeToString()
    z = gzip.compress(body)
    sid = raw.conn.get_next_available_stream_id()
    raw.conn.send_headers(sid, grpc_headers(V1, [("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip")]), end_stream=False)
    framed = b"\x01" + len(z).to_bytes(4, "big") + z
    for i in range(0, len(framed), 16384):
        raw.conn.send_data(sid, framed[i:i + 16384], end_stream=i + 16384 >= len(framed))
    raw.flush()
    evs = raw.events(stream_ended(sid))
    h = headers_of(evs, sid)
    assert h["grpc-status"] == "0" and h["grpc-encoding"] == "gzip"
    data = b"".join(e.data for e in evs if isinstance(e, h2.events.DataReceived))
    for e in evs:
        if isinstance(e, h2.events.DataReceived):
            raw.conn.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
    assert data[0] == 1
    rsp = v1.RunFunctionResponse.FromString(gzip.decompress(data[5:]))
    assert len(rsp.desired.resources) == 40


def test_unknown_encoding_is_unimplemented(raw):
    sid = raw.conn.get_next_available_stream_id()
    raw.conn.send_headers(sid, grpc_headers(V1, [("grpc-encoding", "snappy")]), end_stream=False)
    raw.flush()
    h = headers_of(raw.events(stream_ended(sid)), sid)
    assert h["grpc-status"] == "12"
    assert h["grpc-accept-encoding"] == "gzip,identity"


# --- hostile peers ---

def test_rapid_reset_flood_is_cut_off_while_a_good_client_is_served(raw, channel):
    for _ in range(300):
        sid = raw.conn.get_next_available_stream_id()
        raw.conn.send_headers(sid, grpc_headers(V1), end_stream=False)
        raw.conn.reset_stream(sid, error_code=8)
    raw.flush()
    evs = raw.events(lambda evs: any(isinstance(e, h2.events.ConnectionTerminated) for e in evs))
    [term] = [e for e in evs if isinstance(e, h2.events.ConnectionTerminated)]
    assert term.error_code == 0xB   # ENHANCE_YOUR_CALM
    rsp = v1.RunFunctionResponse.FromString(raw_call(channel, V1, sample_request(v1, n=1).SerializeToString()))
    assert rsp.meta.tag == "tag-1"


# --- flow control with large messages ---

def test_4mib_answer_to_a_client_with_65535_octet_windows(raw):
    # python h2 keeps the default 65,535-octet windows; the answer can only flow as WINDOW_UPDATEs come back.
    body = sample_request(v1, n=1000, pad=3900).SerializeToString()
    assert 3_900_000 < len(body) < 4 << 20
    framed = b"\x00" + len(body).to_bytes(4, "big") + body
    sid = raw.conn.get_next_available_stream_id()
    raw.conn.send_headers(sid, grpc_headers(V1), end_stream=False)
    sent = 0
    answer = bytearray()
    trailers = {}
    raw.sock.settimeout(10)
    while not trailers:
        while sent < len(framed) and raw.conn.local_flow_control_window(sid) > 0:
            n = min(raw.conn.local_flow_control_window(sid), raw.conn.max_outbound_frame_size, len(framed) - sent)
            raw.conn.send_data(sid, framed[sent:sent + n], end_stream=sent + n == len(framed))
            sent += n
        raw.flush()
        data = raw.sock.recv(65536)
        assert data, "connection closed"
        for e in raw.conn.receive_data(data):
            if isinstance(e, h2.events.DataReceived):
                answer += e.data
                raw.conn.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
            elif isinstance(e, h2.events.TrailersReceived):
                trailers = dict(e.headers)
            elif isinstance(e, (h2.events.StreamReset, h2.events.ConnectionTerminated)):
                raise AssertionError(e)
        raw.flush()
    assert trailers["grpc-status"] == "0"
    assert raw.conn.remote_settings.initial_window_size == 1 << 20   # ours; the client's stayed at 65,535
    rsp = v1.RunFunctionResponse.FromString(bytes(answer[5:]))
    assert len(answer) > 3_900_000 and len(rsp.desired.resources) == 1000


def test_100_concurrent_1mib_calls_on_one_connection(address):
    # 100 MiB in flight both ways on one HTTP/2 connection: WINDOW_UPDATEs keep both directions open.
    req = sample_request(v1, n=250, pad=4200)
    body = req.SerializeToString()
    assert 1 << 20 <= len(body) < 4 << 20
    opts = [("grpc.max_receive_message_length", 8 << 20), ("grpc.max_send_message_length", 8 << 20)]
    with grpc.insecure_channel(address, options=opts) as ch:
        call = ch.unary_unary(V1, request_serializer=lambda b: b, response_deserializer=lambda b: b)
        futures = [call.future(body, timeout=60) for _ in range(100)]
        answers = [f.result() for f in futures]
    assert all(len(a) >= len(body) - 64 for a in answers)
    assert v1.RunFunctionResponse.FromString(answers[-1]).desired.resources["bucket-249"].ready == v1.READY_TRUE
