import Testing
@testable import GRPC

@Suite("gRPC wire rules")
struct WireRulesTests {
    @Test(
        "grpc-timeout units, 8 digits, saturation",
        arguments: [
            ("99999999S", UInt64(99_999_999) * 1_000_000_000), ("60000000u", 60_000_000_000), ("1n", 1), ("0n", 0),
            ("119998m", 119_998_000_000), ("1999407u", 1_999_407_000), ("1H", 3_600_000_000_000),
            ("2M", 120_000_000_000),
            ("99999999H", UInt64.max),
        ])
    func timeouts(text: String, nanos: UInt64) {
        #expect(Timeout.parseNanoseconds(text) == nanos)
    }

    @Test("malformed grpc-timeout", arguments: ["", "S", "100000000S", "5x", "1.5S", "-1S", "1s"])
    func malformedTimeouts(text: String) {
        #expect(Timeout.parseNanoseconds(text) == nil)
    }

    @Test("grpc-message percent-encoding: uppercase hex, spaces kept")
    func percent() {
        #expect(PercentEncoding.encode("100% done ✓\n") == "100%25 done %E2%9C%93%0A")
        #expect(PercentEncoding.decode("100%25 done %E2%9C%93%0A") == "100% done ✓\n")
        #expect(PercentEncoding.decode("bad %zz and %4") == "bad %zz and %4")
    }

    @Test("deframer: a message split byte by byte")
    func splitByteByByte() throws {
        var d = MessageDeframer(limit: 100)
        let framed: [UInt8] = [0, 0, 0, 0, 3, 7, 8, 9]
        for b in framed { try d.append([b]) }
        #expect(d.message == [7, 8, 9])
        #expect(!d.isPartial)
    }

    @Test("deframer: a second message in the same frame is a cardinality violation")
    func merged() {
        var d = MessageDeframer(limit: 100)
        #expect(throws: MessageDeframer.Failure.multipleMessages) {
            try d.append([0, 0, 0, 0, 1, 7, 0, 0, 0, 0, 1, 8])
        }
    }

    @Test("deframer: the length is checked before any body byte is buffered")
    func tooLarge() {
        var d = MessageDeframer(limit: 4 << 20)
        #expect(throws: MessageDeframer.Failure.tooLarge(length: (4 << 20) + 1, limit: 4 << 20)) {
            try d.append([0, 0, 0x40, 0, 1])
        }
    }

    @Test("deframer: flag 2 is refused")
    func badFlag() {
        var d = MessageDeframer(limit: 10)
        #expect(throws: MessageDeframer.Failure.invalidFlag(2)) { try d.append([2, 0, 0, 0, 0]) }
    }

    @Test("router: grpc-go wording for unknown paths")
    func router() {
        let r = Router([Service(name: "pkg.Svc", methods: ["M": { b, _ in b }])])
        func message(_ path: String) -> String? {
            if case .failure(let s) = r.resolve(path) { return s.message }
            return nil
        }
        #expect(message("/pkg.Svc/M") == nil)
        #expect(message("/pkg.Other/M") == "unknown service pkg.Other")
        #expect(message("/pkg.Svc/N") == "unknown method N for service pkg.Svc")
        #expect(message("/nonsense") == "malformed method name: \"/nonsense\"")
        #expect(message("/pkg.svc/M") == "unknown service pkg.svc")
    }

    @Test("content-type subtypes")
    func subtypes() {
        #expect(RequestPlan.grpcSubtype("application/grpc") == "")
        #expect(RequestPlan.grpcSubtype("Application/GRPC+proto") == "proto")
        #expect(RequestPlan.grpcSubtype("application/grpc;charset=x") == "")
        #expect(RequestPlan.grpcSubtype("application/grpc+json") == "json")
        #expect(RequestPlan.grpcSubtype("application/grpcx") == nil)
        #expect(RequestPlan.grpcSubtype("text/plain") == nil)
    }
}
