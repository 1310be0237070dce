"""gRPC server reflection, as grpcurl-style tools use it: list services, then fetch descriptors."""
import grpc
import pytest
from google.protobuf.descriptor_pool import DescriptorPool
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase


@pytest.fixture
def channel(address):
    with grpc.insecure_channel(address) as ch:
        yield ch


def test_list_and_describe_with_the_reflection_client(channel):
    db = ProtoReflectionDescriptorDatabase(channel)
    assert list(db.get_services()) == ["apiextensions.fn.proto.v1.FunctionRunnerService",
                                       "apiextensions.fn.proto.v1beta1.FunctionRunnerService", "grpc.health.v1.Health",
                                       "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]
    pool = DescriptorPool(db)
    run = pool.FindServiceByName("apiextensions.fn.proto.v1.FunctionRunnerService").methods_by_name["RunFunction"]
    assert run.input_type.full_name == "apiextensions.fn.proto.v1.RunFunctionRequest"
    assert run.output_type.fields_by_name["desired"].number == 2
    # Imports come along: State.resources maps to Resource, whose resource is a google.protobuf.Struct.
    resource = pool.FindMessageTypeByName("apiextensions.fn.proto.v1beta1.Resource")
    assert resource.fields_by_name["resource"].message_type.full_name == "google.protobuf.Struct"
    with pytest.raises(KeyError):
        pool.FindMessageTypeByName("apiextensions.fn.proto.v1.NoSuchMessage")


@pytest.mark.parametrize("version", ["v1", "v1alpha"])
def test_several_requests_on_one_stream(channel, version):
    # The v1 and v1alpha messages are the same on the wire.
    call = channel.stream_stream(f"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo",
                                 request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                                 response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
    requests = [reflection_pb2.ServerReflectionRequest(host="h", list_services=""),
                reflection_pb2.ServerReflectionRequest(file_containing_symbol="grpc.health.v1.Health.Check"),
                reflection_pb2.ServerReflectionRequest(file_by_filename="v1/run_function.proto"),
                reflection_pb2.ServerReflectionRequest(file_by_filename="nope.proto")]
    answers = list(call(iter(requests), timeout=10))
    assert len(answers) == 4
    assert answers[0].valid_host == "h" and answers[0].original_request == requests[0]
    assert "grpc.health.v1.Health" in [s.name for s in answers[0].list_services_response.service]
    assert len(answers[1].file_descriptor_response.file_descriptor_proto) == 1
    # run_function.proto, then what it imports (duration, struct).
    assert len(answers[2].file_descriptor_response.file_descriptor_proto) == 3
    assert answers[3].error_response.error_code == 5
