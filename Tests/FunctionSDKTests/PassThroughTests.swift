import Foundation
import GRPC
import SwiftProtobuf
import Testing
@testable import FunctionSDK

typealias V1Beta1Request = Apiextensions_Fn_Proto_V1beta1_RunFunctionRequest
typealias V1Beta1Response = Apiextensions_Fn_Proto_V1beta1_RunFunctionResponse

func structValue(_ json: String) throws -> Google_Protobuf_Struct {
    try Google_Protobuf_Struct(jsonString: json)
}

/// A request like one core sends to a later pipeline step: an XR we do not compose, 10 KB of desired
/// state from an earlier step, context, and unknown fields at several levels.
func samplePassThroughRequest() throws -> (request: FnV1.RunFunctionRequest, bytes: [UInt8]) {
    var r = FnV1.RunFunctionRequest()
    r.meta.tag = "abc123"
    var xr = FnV1.Resource()
    xr.resource = try structValue(
        #"{"apiVersion":"platform.example.org/v1alpha1","kind":"XWebApp","metadata":{"name":"web-7k2xq"},"spec":{"replicas":3}}"#
    )
    r.observed.composite = xr
    var desiredXR = FnV1.Resource()
    desiredXR.resource = try structValue(
        #"{"apiVersion":"platform.example.org/v1alpha1","kind":"XWebApp","status":{"phase":"Provisioning"}}"#)
    desiredXR.connectionDetails = ["url": Data("https://web.example.org".utf8)]
    r.desired.composite = desiredXR
    for i in 0..<20 {
        var res = FnV1.Resource()
        res.resource = try structValue(
            #"{"apiVersion":"s3.aws.upbound.io/v1beta1","kind":"Bucket","metadata":{"name":"web-assets-\#(i)","labels":{"team":"web","index":"\#(i)"}},"spec":{"forProvider":{"region":"eu-west-1","tags":{"a":"b","n":\#(i)}}}}"#
        )
        res.ready = i % 2 == 0 ? .true : .false
        res.connectionDetails = ["endpoint": Data("bucket-\(i).s3.example".utf8)]
        r.desired.resources["bucket-\(i)"] = res
    }
    r.context = try structValue(#"{"apiextensions.crossplane.io/environment":{"region":"eu-west-1"}}"#)
    // Unknown fields: field 99 inside desired (a future State field) and inside a resource.
    var unknownInDesired = r.desired
    try unknownInDesired.merge(serializedBytes: [0x98, 0x06, 0x2a] as [UInt8]) // field 99, varint 42
    r.desired = unknownInDesired
    let bytes: [UInt8] = try r.serializedBytes()
    return (r, bytes)
}

func field(_ number: Int, of bytes: [UInt8]) throws -> ArraySlice<UInt8>? {
    var found: Range<Int>?
    try bytes.withUnsafeBufferPointer { b in
        try WireFormat.forEachField(b, in: 0..<b.count) { f in if f.number == number { found = f.range } }
    }
    return found.map { bytes[$0] }
}

@Suite("RunFunction pass-through")
struct PassThroughTests {
    let function = PassThroughFunction()

    @Test("desired and context come back byte for byte, unknown fields included; tag and TTL set")
    func byteForByte() throws {
        let (request, bytes) = try samplePassThroughRequest()
        let out = try FunctionRunnerService.call(function, requestBytes: bytes)
        #expect(try field(2, of: out) == field(3, of: bytes))
        #expect(try field(4, of: out) == field(5, of: bytes))
        let response = try FnV1.RunFunctionResponse(serializedBytes: out)
        #expect(response.meta.tag == "abc123")
        #expect(response.meta.ttl.seconds == 60 && response.meta.ttl.nanos == 0)
        #expect(response.desired.resources.count == 20)
        #expect(response.desired == request.desired)
        #expect(response.desired.unknownFields.data == Data([0x98, 0x06, 0x2a]))
        #expect(response.context == request.context)
        #expect(response.results.isEmpty)
    }

    @Test("v1beta1 types read the same bytes and answer identically")
    func v1beta1() throws {
        let (_, bytes) = try samplePassThroughRequest()
        let beta = try V1Beta1Request(serializedBytes: bytes)
        let betaBytes: [UInt8] = try beta.serializedBytes()
        let a = try FnV1.RunFunctionResponse(serializedBytes: try FunctionRunnerService.call(function, requestBytes: bytes))
        let b = try V1Beta1Response(serializedBytes: try FunctionRunnerService.call(function, requestBytes: betaBytes))
        #expect(try V1Beta1Response(serializedBytes: try a.serializedBytes() as [UInt8]) == b)
    }

    @Test("a request without meta (core before 1.20): empty tag, TTL still set; absent context stays absent")
    func noMeta() throws {
        var r = FnV1.RunFunctionRequest()
        r.observed.composite.resource = try structValue(#"{"apiVersion":"v1","kind":"X"}"#)
        let out = try FnV1.RunFunctionResponse(
            serializedBytes: try FunctionRunnerService.call(function, requestBytes: try r.serializedBytes()))
        #expect(out.meta.tag == "")
        #expect(out.meta.ttl.seconds == 60)
        #expect(!out.hasContext)
        #expect(!out.hasDesired)
    }

    @Test("a present but empty context is copied as present")
    func emptyContext() throws {
        var r = FnV1.RunFunctionRequest()
        r.context = Google_Protobuf_Struct()
        let out = try FnV1.RunFunctionResponse(
            serializedBytes: try FunctionRunnerService.call(function, requestBytes: try r.serializedBytes()))
        #expect(out.hasContext)
    }

    @Test(
        "corrupt protobuf is INTERNAL with the unmarshal wording",
        arguments: [
            [UInt8(0x1a), 0x05, 0x01], [0x1a], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
            [0x1b, 0x00],
        ])
    func corrupt(bytes: [UInt8]) {
        #expect {
            _ = try FunctionRunnerService.call(function, requestBytes: bytes)
        } throws: { error in
            guard let s = error as? Status else { return false }
            return s.code == .internalError && s.message.hasPrefix("grpc: failed to unmarshal the received message: ")
        }
    }

    @Test("both service paths are registered")
    func paths() {
        let router = Router(FunctionRunnerService.services(for: function))
        for path in [FunctionRunnerService.v1Path, FunctionRunnerService.v1beta1Path] {
            guard case .method = router.resolve(path) else { Issue.record("\(path) not routed"); continue }
        }
    }
}
