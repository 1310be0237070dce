import GRPC
import Testing
@testable import FunctionSDK

/// Requests whose echoed parts are malformed get INTERNAL, never an answer the caller cannot parse.
/// The first case is the input the request fuzzer found (Tests/Fuzz/run.sh request): a desired state
/// of one truncated byte was copied into the answer as is.
@Suite("malformed requests")
struct MalformedRequestTests {
    static func field(_ number: Int, _ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        WireFormat.appendField(number, payload, to: &out)
        return out
    }

    /// A Value nested `depth` times as struct_value -> Struct.fields entry -> Value (three message levels each).
    static func nested(_ depth: Int) -> [UInt8] {
        var value: [UInt8] = [0x08, 0x00] // null_value
        for _ in 0..<depth {
            let entry = field(1, Array("k".utf8)) + field(2, value)
            value = field(5, field(1, entry))
        }
        return value
    }

    static let cases: [(String, [UInt8], String)] = [
        (
            "desired of one truncated byte (fuzzer)", field(1, field(1, Array("seed".utf8))) + field(3, [0x0a]),
            "desired"
        ),
        ("desired resource with a length past its end", field(3, field(1, [0x0a, 0x05, 0x0a])), "past the end"),
        ("context key not UTF-8", field(5, field(1, field(1, [0x66, 0xff]) + field(2, [0x08, 0x00]))), "UTF-8"),
        (
            "desired string value not UTF-8 (an overlong slash)",
            field(3, field(1, field(1, field(1, field(1, Array("k".utf8)) + field(2, field(3, [0xc0, 0xaf])))))),
            "UTF-8"
        ),
        ("meta.tag not UTF-8", field(1, field(1, [0xed, 0xa0, 0x80])), "UTF-8"),
        (
            "context nested 35 values deep (107 message levels)",
            field(5, field(1, field(1, Array("k".utf8)) + field(2, nested(35)))), "deeper"
        ),
        ("a known field with the wrong wire type", field(3, [0x08, 0x01]), "wire type"),
    ]

    @Test("malformed echoed parts get INTERNAL", arguments: 0..<cases.count)
    func rejected(index: Int) {
        let (_, bytes, reason) = Self.cases[index]
        do {
            _ = try FunctionRunnerService.call(PassThroughFunction(), requestBytes: bytes)
            Issue.record("accepted")
        } catch let status as Status {
            #expect(status.code == .internalError)
            #expect(
                status.message.hasPrefix("grpc: failed to unmarshal the received message"),
                Comment(rawValue: status.message))
            #expect(status.message.contains(reason), Comment(rawValue: status.message))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(
        "well-formed edge cases still pass: 98 message levels, multi-byte UTF-8, unknown fields, repeated fields merged"
    )
    func accepted() throws {
        let request =
            Self.field(1, Self.field(1, Array("tåg✓𝄞".utf8)))
            + Self.field(
                3,
                Self.field(
                    1, Self.field(1, Self.field(1, Self.field(1, Array("k".utf8)) + Self.field(2, Self.nested(31))))))
            + Self.field(3, [0x98, 0x06, 0x2a])
            + Self.field(
                5,
                Self.field(1, Self.field(1, Array("ключ".utf8)) + Self.field(2, Self.field(3, Array("значение".utf8)))))
        let answer = try FunctionRunnerService.call(PassThroughFunction(), requestBytes: request)
        let response = try FnV1.RunFunctionResponse(serializedBytes: answer)
        #expect(response.meta.tag == "tåg✓𝄞")
        #expect(response.context.fields["ключ"]?.stringValue == "значение")
    }
}
