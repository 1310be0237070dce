"""A function that misuses the Swift SDK (MisuseOverTheWireTests.swift), called with grpcio on one
channel: every mistake is answered with one Fatal result, and the call after it works, on the same
connection."""
import os
import urllib.request

import grpc
from crossplane.function.proto.v1 import run_function_pb2 as v1
from google.protobuf import struct_pb2

V1 = "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction"


def request(tag, mistake=None):
    r = v1.RunFunctionRequest()
    r.meta.tag = tag
    r.observed.composite.resource.update({"apiVersion": "example.org/v1", "kind": "XApp", "metadata": {"name": "app"}})
    if mistake:
        r.input.update({"mistake": mistake})
    return r


def test_each_mistake_is_one_fatal_call_and_the_next_call_works(address):
    with grpc.insecure_channel(address) as channel:
        call = channel.unary_unary(V1, request_serializer=v1.RunFunctionRequest.SerializeToString,
                                   response_deserializer=v1.RunFunctionResponse.FromString)
        good = call(request("first"), timeout=5)
        assert not good.results and set(good.desired.resources) == {"config-app"}

        for i, mistake in enumerate(["reuse-a-kept-value", "a-string-as-object"]):
            bad = call(request(f"bad-{i}", mistake), timeout=5)
            assert bad.meta.tag == f"bad-{i}"
            assert [(r.severity, r.reason) for r in bad.results] == [(v1.SEVERITY_FATAL, "FunctionMisuse")], mistake
            assert bad.results[0].message.startswith("the function misused the Swift SDK: "), bad.results[0].message
            assert not bad.desired.resources, mistake

            after = call(request(f"after-{i}"), timeout=5)
            assert not after.results and set(after.desired.resources) == {"config-app"}
            labels = after.desired.resources["config-app"].resource["metadata"]["labels"]
            assert dict(labels) == {"team": "a"}

    metrics = urllib.request.urlopen(f"http://{os.environ['FS_METRICS']}/metrics", timeout=5).read().decode()
    assert "function_secrets_connections_opened_total 1\n" in metrics, metrics
