import Foundation
@testable import FunctionSDK
import SwiftProtobuf
import Testing

/// Template values are encoded into the render arena as they are built; these check the bytes with
/// swift-protobuf (a second implementation) and the arena's growth, reuse and misuse checks.
@Suite("rendered values")
struct RenderedTests {
    /// Whether swift-protobuf reads the object's bytes as the Struct of this JSON text.
    static func decodes(_ object: Rendered, as json: String) throws -> Bool {
        try Google_Protobuf_Struct(serializedBytes: Array(object.structBytes))
            == Google_Protobuf_Struct(jsonString: json)
    }

    @Test(
        "object literals: entries in order, nil, null, \"\" and [] dropped, {} kept; numbers, bools, lists and nesting")
    func literals() throws {
        try RenderArena.scope { () throws in
            let absent: String? = nil
            let id = "team-7"
            let object: Rendered = [
                "name": "\(id)-cluster",
                "gone": absent.map(Rendered.string),
                "null": nil,
                "empty": "",
                "none": [],
                "kept": .emptyObject,
                "n": 3, "x": 2.5, "yes": true,
                "list": ["a", 1, false, ["k": "v"], []],
                "nested": ["deeper": ["deepest": .string(id)]],
                "nan": .number(.nan),
            ]
            #expect(object.json.object?.keys == ["name", "kept", "n", "x", "yes", "list", "nested", "nan"])
            #expect(
                try Self.decodes(
                    object,
                    as:
                        #"{"kept":{},"list":["a",1.0,false,{"k":"v"},[]],"n":3.0,"name":"team-7-cluster","nan":null,"nested":{"deeper":{"deepest":"team-7"}},"x":2.5,"yes":true}"#
                ))
            #expect(object["name"]?.string == "team-7-cluster")
            #expect(object.stringLength("nested", "deeper") == nil)
            #expect(object["list"]?.json == ["a", 1, false, ["k": "v"], []])
        }
    }

    @Test("interpolation: strings, negative and large integers, nothing else written in between")
    func interpolation() throws {
        try RenderArena.scope { () throws in
            let n = -9_223_372_036_854_775_807, zero = 0, word = "é"
            let v: Rendered = "\(word)-\(n)-\(zero)-\(Int.max)"
            #expect(v.string == "é--9223372036854775807-0-9223372036854775807")
            #expect(v.encodedCount == v.string?.utf8.count)
            #expect(v.isString("é--9223372036854775807-0-9223372036854775807"))
            #expect(v.hasPrefix("é--9"))
            #expect(!v.hasPrefix("-9"))
        }
    }

    @Test("values read from a request are copied in as they came")
    func fromJSON() throws {
        let json: JSON = ["a": [1, "b", ["c": nil]], "d": ["e": true], "f": ""]
        try RenderArena.scope { () throws in
            let r: Rendered = ["copied": Rendered(json)]
            #expect(r.json == ["copied": json])
        }
    }

    @Test(
        "a render far past the arena's first block: the arena grows, values made before stay valid, the next render starts small"
    )
    func growth() throws {
        try RenderArena.scope { () throws in
            let first: Rendered = ["before": "growth"]
            // About 2 MiB of nested copies: past the first 64 KiB block and past the 1 MiB the
            // arena keeps between renders.
            var items: [Rendered] = []
            for i in 0..<8000 {
                items.append(["index": .number(Double(i)), "name": "item-\(i)", "labels": ["a": "b", "n": "\(i)"]])
            }
            let big: Rendered = ["items": .list(items), "again": .list(items)]
            #expect(big.encodedCount > 1 << 20)
            #expect(first.json == ["before": "growth"])
            let decoded = try #require(big.json.object?["items"]?.list)
            #expect(decoded.count == 8000)
            #expect(decoded[7999] == ["index": 7999, "name": "item-7999", "labels": ["a": "b", "n": "7999"]])
        }
        try RenderArena.scope { () throws in
            let small: Rendered = ["after": "reset"]
            #expect(try Self.decodes(small, as: #"{"after":"reset"}"#))
        }
    }
}

@Suite("render scopes")
struct RenderScopeTests {
    /// Renders an object without entering a scope of its own, as a function that forgets it would.
    struct Forgetful: CompositionFunction {
        func run(_ request: FunctionRequest) throws -> FunctionResponse {
            let o: Rendered = [
                "apiVersion": "v1", "kind": "ConfigMap", "data": ["k": .string(String(repeating: "x", count: 3000))],
            ]
            var response = FunctionResponse.to(request)
            response.compose("config", o)
            return response
        }
    }

    @Test("a function that never enters a scope does not grow the arena: the SDK scopes every call")
    func sdkScopesEveryCall() throws {
        let request: [UInt8] = try FnV1.RunFunctionRequest().serializedBytes()
        _ = try FunctionRunnerService.call(Forgetful(), requestBytes: request)
        let after1 = RenderArena.current.pointee.used
        for _ in 0..<2000 { _ = try FunctionRunnerService.call(Forgetful(), requestBytes: request) }
        #expect(RenderArena.current.pointee.used == after1)
    }

    @Test("a scope inside a scope keeps what the outer render made readable")
    func nestedScope() {
        RenderArena.scope {
            let outer: Rendered = ["name": "outer"]
            let inner = RenderArena.scope { () -> String? in
                let v: Rendered = ["name": "inner"]
                return v["name"]?.string
            }
            #expect(inner == "inner")
            #expect(outer["name"]?.string == "outer")
        }
    }
}
