import Compositions
import Foundation
import FunctionSDK
import SwiftProtobuf
import Testing

/// A RunFunction request for a claim, built from JSON text, and the decoded answer.
struct Fixture {
    var xr: String
    var input: String? = nil
    /// Observed composed resources by key: the object and its connection details.
    var observed: [String: (object: String, details: [String: String])] = [:]
    var desired: FnV1.RunFunctionRequest? = nil
    var tag = "golden"

    func request() throws -> FnV1.RunFunctionRequest {
        var r = desired ?? FnV1.RunFunctionRequest()
        r.meta.tag = tag
        r.observed.composite.resource = try Google_Protobuf_Struct(jsonString: xr)
        if let input { r.input = try Google_Protobuf_Struct(jsonString: input) }
        for (key, o) in observed {
            var res = FnV1.Resource()
            res.resource = try Google_Protobuf_Struct(jsonString: o.object)
            res.connectionDetails = o.details.mapValues { Data($0.utf8) }
            r.observed.resources[key] = res
        }
        if !r.hasContext { r.context = Google_Protobuf_Struct() }
        return r
    }

    func run() throws -> FnV1.RunFunctionResponse {
        let bytes: [UInt8] = try request().serializedBytes()
        return try FnV1.RunFunctionResponse(serializedBytes: try FunctionRunnerService.call(SecretsFunction(), requestBytes: bytes))
    }

    /// Marks each observed resource (by key) as existing with a Ready condition.
    func with(ready keys: [String], reason: String = "Available", status: String = "True") -> Fixture {
        var f = self
        for k in keys {
            f.observed[k] = (
                #"{"metadata":{"name":"\#(k)"},"status":{"conditions":[{"type":"Ready","status":"\#(status)","reason":"\#(reason)"}]}}"#,
                [:]
            )
        }
        return f
    }
}

/// A response as the canonical YAML of the golden files: meta, desired (resources with readiness),
/// results and conditions.
enum Golden {
    static func json(_ s: Google_Protobuf_Struct) throws -> JSON {
        .object(try StructCodec.decodeStruct(ArraySlice(try s.serializedBytes() as [UInt8])))
    }

    static func document(_ r: FnV1.RunFunctionResponse) throws -> String {
        var desired = JSON.Object()
        if r.desired.hasComposite {
            var c: JSON.Object = ["resource": try json(r.desired.composite.resource)]
            if !r.desired.composite.connectionDetails.isEmpty {
                c["connectionDetails"] = .object(
                    JSON.Object(
                        r.desired.composite.connectionDetails.map {
                            ($0.key, .string(String(decoding: $0.value, as: UTF8.self)))
                        }))
            }
            desired["composite"] = .object(c)
        }
        var resources = JSON.Object()
        for (k, v) in r.desired.resources {
            resources[k] = ["ready": .string("\(v.ready)"), "resource": try json(v.resource)]
        }
        desired["resources"] = .object(resources)
        var doc: JSON.Object = [
            "meta": ["tag": .string(r.meta.tag), "ttl": r.meta.hasTtl ? .string("\(r.meta.ttl.seconds)s") : nil],
            "desired": .object(desired),
        ]
        doc["results"] = .list(
            r.results.map {
                [
                    "severity": .string("\($0.severity)"), "message": .string($0.message),
                    "reason": .string($0.reason), "target": .string("\($0.target)"),
                ]
            })
        doc["conditions"] = .list(
            r.conditions.map {
                [
                    "type": .string($0.type), "status": .string("\($0.status)"),
                    "reason": .string($0.reason), "message": .string($0.message),
                    "target": .string("\($0.target)"),
                ]
            })
        return CanonicalYAML.document(.object(doc))
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Compares with `Golden/<name>.yaml`; `UPDATE_GOLDEN=1 swift test` rewrites the files instead.
    static func check(
        _ name: String, _ response: FnV1.RunFunctionResponse, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let actual = try document(response)
        let url = directory.appendingPathComponent("\(name).yaml")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try? String(contentsOf: url, encoding: .utf8)
        #expect(
            expected != nil,
            "missing golden file \(name).yaml: run UPDATE_GOLDEN=1 swift test --filter CompositionsTests",
            sourceLocation: sourceLocation)
        if let expected, expected != actual {
            let diff =
                zip(expected.split(separator: "\n"), actual.split(separator: "\n")).enumerated()
                .first { $0.element.0 != $0.element.1 }
                .map { "first difference at line \($0.offset + 1):\n- \($0.element.0)\n+ \($0.element.1)" }
                ?? "lengths differ"
            Issue.record("golden \(name).yaml differs; \(diff)", sourceLocation: sourceLocation)
        }
    }
}
