import Foundation
import SwiftProtobuf
import Testing
@testable import FunctionSDK

/// The Struct encoder sizes everything before it writes, so what it writes must parse and match
/// what swift-protobuf makes of the same JSON; the decoder can skip fields it is told to.
@Suite("Struct codec")
struct StructCodecTests {
    static let sample: JSON.Object = [
        "apiVersion": "ec2.aws.upbound.io/v1beta1",
        "kind": "Subnet",
        "metadata": ["name": "a-team-1a", "labels": ["zone": "us-east-1a", "ключ": "значение ✓"]],
        "spec": [
            "forProvider": [
                "cidrBlock": "10.0.0.0/24", "mapPublicIpOnLaunch": true, "size": 3, "ratio": 0.25,
                "tags": [["k": "v"], "x", 1, false],
            ],
            "long": .string(String(repeating: "y", count: 300)), // two-byte lengths
            "empty": [:],
        ],
    ]

    @Test("the encoding parses as the same Struct swift-protobuf gets from the JSON")
    func roundTrip() throws {
        let bytes = StructCodec.encodedStruct(Self.sample)
        let parsed = try Google_Protobuf_Struct(serializedBytes: bytes)
        let expected = try Google_Protobuf_Struct(jsonUTF8Bytes: Array(CanonicalJSON.encode(.object(Self.sample)).utf8))
        #expect(parsed == expected)
        let decoded = try StructCodec.decodeStruct(bytes[...])
        #expect(decoded == Self.sample)
    }

    @Test("NaN and infinities are written as null, and the lengths around them still add up")
    func nonFinite() throws {
        let object: JSON.Object = [
            "a": ["nan": .number(.nan), "inf": .number(.infinity), "after": "kept"], "b": .number(-.infinity),
        ]
        let parsed = try Google_Protobuf_Struct(serializedBytes: StructCodec.encodedStruct(object))
        #expect(parsed.fields["a"]?.structValue.fields["nan"]?.kind == .nullValue(.nullValue))
        #expect(parsed.fields["a"]?.structValue.fields["inf"]?.kind == .nullValue(.nullValue))
        #expect(parsed.fields["a"]?.structValue.fields["after"]?.stringValue == "kept")
        #expect(parsed.fields["b"]?.kind == .nullValue(.nullValue))
    }

    @Test("observed resources are read on demand: the object, a path, the Ready condition")
    func observedOnDemand() throws {
        var request = FnV1.RunFunctionRequest()
        var resource = FnV1.Resource()
        resource.resource = try Google_Protobuf_Struct(
            jsonString: #"""
                {"metadata":{"name":"n"},"spec":{"big":[1,2,3]},
                 "status":{"atProvider":{"address":"db.example"},
                           "conditions":[{"type":"Synced","status":"True"},{"type":"Ready","status":"True","reason":"Available"},
                                         {"type":"Ready","status":"False"}]}}
                """#)
        resource.connectionDetails["password"] = Data("s3cret".utf8)
        request.observed.resources["r"] = resource
        var unready = FnV1.Resource()
        unready.resource = try Google_Protobuf_Struct(
            jsonString: #"{"status":{"conditions":[{"type":"Ready","status":"False"}]}}"#)
        request.observed.resources["u"] = unready
        var bare = FnV1.Resource()
        bare.resource = try Google_Protobuf_Struct(jsonString: #"{"status":{"conditions":"not a list"}}"#)
        request.observed.resources["b"] = bare
        let observed = try FunctionRequest(try RequestView(bytes: try request.serializedBytes())).observedResources()

        let r = try #require(observed["r"])
        #expect(Set(r.object.keys) == ["metadata", "spec", "status"])
        #expect(r[path: "metadata", "name"] == "n")
        #expect(r[path: "status", "atProvider", "address"] == "db.example")
        #expect(r[path: "spec", "big"] == [1, 2, 3])
        #expect(r[path: "spec", "missing"] == nil)
        #expect(r[path: "metadata", "name", "deeper"] == nil)
        #expect(r.readyCondition?["reason"] == "Available") // the first Ready condition
        #expect(r.isReady)
        #expect(r.connectionDetails["password"] == Array("s3cret".utf8))
        #expect(observed["u"]?.isReady == false)
        #expect(observed["b"]?.readyCondition == nil)
    }
}

/// The validator checks Struct entries in the layout runtimes write in one step; entries laid out
/// otherwise take the general walk and are held to the same rules.
@Suite("echoed-state validation")
struct MessageShapeTests {
    static func field(_ number: Int, _ payload: [UInt8]) -> [UInt8] { MalformedRequestTests.field(number, payload) }

    /// A context Struct with one entry whose bytes are given.
    static func context(entry: [UInt8]) -> [UInt8] { field(5, field(1, entry)) }

    static func check(_ bytes: [UInt8]) -> String? {
        do {
            _ = try RequestView(bytes: bytes)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("entries with the value before the key, two-byte lengths or extra fields are accepted")
    func otherLayouts() {
        let long = Array(String(repeating: "v", count: 200).utf8)
        #expect(
            Self.check(
                Self.context(entry: Self.field(2, Self.field(3, Array("v".utf8))) + Self.field(1, Array("k".utf8))))
                == nil)
        #expect(
            Self.check(Self.context(entry: Self.field(1, Array("k".utf8)) + Self.field(2, Self.field(3, long)))) == nil)
        #expect(
            Self.check(
                Self.context(
                    entry: Self.field(1, Array("k".utf8)) + Self.field(2, Self.field(3, Array("v".utf8))) + [
                        0x18, 0x01,
                    ])) == nil)
        #expect(
            Self.check(
                Self.context(
                    entry: Self.field(1, Array("k".utf8)) + Self.field(2, Self.field(6, Self.field(1, [0x20, 0x01])))))
                == nil)
    }

    @Test(
        "bad UTF-8 is refused in either layout, in keys and in values",
        arguments: [
            context(entry: field(1, [0xff]) + field(2, field(3, Array("v".utf8)))),
            context(entry: field(1, Array("k".utf8)) + field(2, field(3, [0xc3]))),
            context(entry: field(2, field(3, [0xc3])) + field(1, Array("k".utf8))),
            context(
                entry: field(1, Array("k".utf8))
                    + field(2, field(3, Array(repeating: 0x61, count: 200) + [0xed, 0xa0, 0x80]))),
            context(entry: field(1, [0xe2, 0x82]) + field(2, field(5, []))),
        ])
    func badUTF8(bytes: [UInt8]) {
        #expect(Self.check(bytes)?.contains("UTF-8") == true)
    }

    @Test("a Value whose length runs past its entry is refused, not skipped")
    func truncatedValue() {
        // The entry says 5 bytes of Value follow, the Value's string claims 9.
        let entry: [UInt8] = [0x0a, 0x01, 0x6b, 0x12, 0x05, 0x1a, 0x09, 0x61, 0x62, 0x63]
        #expect(Self.check(Self.context(entry: entry))?.contains("past the end") == true)
    }
}
