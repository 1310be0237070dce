import Foundation
import FunctionSDK
import SwiftProtobuf

/// Request bodies for the command-line clients, built here so the tests need nothing outside the repo.
enum RequestBodies {
    /// A pass-through request: an XR we do not compose with ~10 KB of desired state from an earlier step.
    static func passThrough(tag: String = "interop") throws -> [UInt8] {
        var r = FnV1.RunFunctionRequest()
        r.meta.tag = tag
        r.observed.composite.resource = try Google_Protobuf_Struct(
            jsonString:
                #"{"apiVersion":"platform.example.org/v1alpha1","kind":"XWebApp","metadata":{"name":"web-7k2xq"}}"#)
        for i in 0..<24 {
            var res = FnV1.Resource()
            res.resource = try Google_Protobuf_Struct(
                jsonString:
                    #"{"apiVersion":"s3.aws.upbound.io/v1beta1","kind":"Bucket","metadata":{"name":"web-assets-\#(i)","annotations":{"crossplane.io/external-name":"acme-web-assets-\#(i)-eu-west-1"},"labels":{"team":"web","tier":"static"}},"spec":{"forProvider":{"region":"eu-west-1","tags":{"team":"web","cost-center":"cc-1234"}}}}"#
            )
            res.ready = .true
            r.desired.resources["bucket-\(i)"] = res
        }
        r.context = try Google_Protobuf_Struct(
            jsonString: #"{"apiextensions.crossplane.io/environment":{"region":"eu-west-1"}}"#)
        return try r.serializedBytes()
    }

    /// Writes the raw message and the gRPC-framed body (5-octet prefix) to files; returns their paths.
    static func write(_ message: [UInt8], in dir: URL) throws -> (raw: URL, framed: URL) {
        let raw = dir.appendingPathComponent("request.pb")
        let framed = dir.appendingPathComponent("request.grpc")
        try Data(message).write(to: raw)
        let n = UInt32(message.count)
        try Data([0, UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + message).write(
            to: framed)
        return (raw, framed)
    }

    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("fs-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}

/// A temporary folder with a pass-through request written raw and gRPC-framed; removed with the value.
final class BodyFiles {
    let dir: URL
    let raw: URL
    let framed: URL

    init(tag: String = "interop") throws {
        dir = try RequestBodies.tempDir()
        (raw, framed) = try RequestBodies.write(try RequestBodies.passThrough(tag: tag), in: dir)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }
}
