"""examples/function-hello, served by its own binary (Tests/example-function.sh), called with grpcio
as Crossplane core calls a function: both proto packages, a bad input, then a good call again."""
import grpc
import pytest
from crossplane.function.proto.v1 import run_function_pb2 as v1
from crossplane.function.proto.v1beta1 import run_function_pb2 as v1beta1

PATHS = {"v1": ("/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction", v1),
         "v1beta1": ("/apiextensions.fn.proto.v1beta1.FunctionRunnerService/RunFunction", v1beta1)}


def call(channel, version, who, input=None):
    path, pb = PATHS[version]
    r = pb.RunFunctionRequest()
    r.meta.tag = f"hello-{version}"
    r.observed.composite.resource.update(
        {"apiVersion": "example.org/v1", "kind": "XHello", "metadata": {"name": "hi"}, "spec": {"who": who}})
    r.input.update(input or {"greeting": "Hello", "replicas": 3})
    stub = channel.unary_unary(path, request_serializer=pb.RunFunctionRequest.SerializeToString,
                               response_deserializer=pb.RunFunctionResponse.FromString)
    return stub(r, timeout=5), pb


@pytest.mark.parametrize("version", ["v1", "v1beta1"])
def test_hello_over_the_wire(address, version):
    with grpc.insecure_channel(address) as channel:
        rsp, pb = call(channel, version, "world")
        assert rsp.meta.tag == f"hello-{version}" and rsp.meta.ttl.seconds == 30
        assert set(rsp.desired.resources) == {"greeting", "web"}
        manifest = rsp.desired.resources["greeting"].resource["spec"]["forProvider"]["manifest"]
        assert manifest["data"]["message"] == "Hello, world!"
        assert rsp.desired.resources["web"].resource["spec"]["forProvider"]["values"]["replicas"] == 3
        assert rsp.desired.composite.resource["status"]["greeting"] == "Hello, world!"
        assert [(c.type, c.status) for c in rsp.conditions] == [("Greeted", pb.STATUS_CONDITION_FALSE)]
        assert [(r.severity, r.message) for r in rsp.results] == [(pb.SEVERITY_NORMAL, "said hello to world")]

        bad, _ = call(channel, version, "world", {"greeting": 7})
        assert [(r.severity, r.message) for r in bad.results] == [
            (pb.SEVERITY_FATAL, "function input: greeting must be a string")]
        assert not bad.desired.resources

        again, _ = call(channel, version, "again")
        assert again.desired.composite.resource["status"]["greeting"] == "Hello, again!"
