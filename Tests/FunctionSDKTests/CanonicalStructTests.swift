import SwiftProtobuf
import Testing
@testable import FunctionSDK

/// The one-pass check of a Struct in canonical layout is a shortcut of the general walk: it must take
/// the common manifests, and it must never change a verdict. Every document here, and thousands of
/// corruptions of it, get the same answer from `validate` (shortcut first) and `walk` (general only).
@Suite("one-pass Struct check")
struct CanonicalStructTests {
    static let documents: [String] = [
        #"{"apiVersion":"s3.aws.upbound.io/v1beta1","kind":"Bucket","metadata":{"name":"web","labels":{"team":"web"}},"spec":{"forProvider":{"region":"eu-west-1"}}}"#,
        #"{"n":1.5,"t":true,"f":false,"z":null,"s":"","o":{},"deep":{"a":{"b":{"c":{"d":"e"}}}}}"#,
        #"{"list":[1,"two",{"three":3},[4]],"after":"x"}"#,
        #"{"ключ":"значение","emoji":"𝄞✓","mixed":"aé"}"#,
        "{\"long\":\"" + String(repeating: "x", count: 300) + "\",\"longer\":\"" + String(repeating: "y", count: 20000)
            + "\"}",
        "{\"wide\":{" + (0..<40).map { "\"k\($0)\":\"value-\($0)\"" }.joined(separator: ",") + "}}",
    ]

    static func bytes(_ json: String) throws -> [UInt8] {
        try Google_Protobuf_Struct(jsonString: json).serializedBytes()
    }

    static func verdict(_ bytes: [UInt8], shortcut: Bool) -> String {
        bytes.withUnsafeBufferPointer { b in
            do {
                if shortcut {
                    try MessageShape.structure.validate(b, 0..<b.count)
                } else {
                    try MessageShape.structure.walk(b, 0..<b.count)
                }
                return "ok"
            } catch {
                return "malformed"
            }
        }
    }

    @Test("manifests without lists take the shortcut; lists fall back to the walk")
    func takesShortcut() throws {
        let taken = try Self.documents.map { json in
            let b = try Self.bytes(json)
            return b.withUnsafeBufferPointer { MessageShape.canonicalStruct($0, 0, $0.count, level: 0) }
        }
        #expect(taken == [true, true, false, true, false, true])
    }

    @Test("the shortcut never changes a verdict: every document and 12,000 corruptions of them")
    func sameVerdicts() throws {
        var rng = SplitMix(seed: 0x5eed)
        var disagreements: [String] = []
        var malformed = 0
        for json in Self.documents {
            let original = try Self.bytes(json)
            #expect(Self.verdict(original, shortcut: true) == "ok")
            #expect(Self.verdict(original, shortcut: false) == "ok")
            for round in 0..<2000 {
                var b = original
                switch round % 4 {
                case 0: b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next())
                case 1: b[Int(rng.next() % UInt64(b.count))] ^= 0x80
                case 2: b.removeLast(Int(rng.next() % UInt64(min(b.count, 64))) + 1)
                default:
                    let i = Int(rng.next() % UInt64(b.count))
                    b.insert(UInt8(truncatingIfNeeded: rng.next()), at: i)
                }
                let fast = Self.verdict(b, shortcut: true), slow = Self.verdict(b, shortcut: false)
                if slow == "malformed" { malformed += 1 }
                if fast != slow {
                    disagreements.append("\(json.prefix(30))… round \(round): shortcut \(fast), walk \(slow)")
                }
            }
        }
        #expect(disagreements.count == 0, Comment(rawValue: disagreements.prefix(5).joined(separator: "\n")))
        #expect(malformed > 1000) // the corruptions do reach the checks
    }
}

/// A small deterministic generator, so a failure names a reproducible round.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
