import HPACK
import HTTP2

/// Drives a connection with arbitrary bytes the way the frame fuzzer does (Tests/Fuzz/FuzzHTTP2): a
/// valid preface, then the input in chunks whose sizes come from the input, every request answered
/// (headers, a body, trailers), time moving on between chunks so the timers run. Shared by the fuzz
/// target and the regression tests of what it found, so both run the very same steps.
public enum ConnectionDriver {
    public struct Violation: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(_ input: [UInt8]) throws(Violation) {
        var config = Configuration()
        config.maxConcurrentStreams = 16
        let conn = ServerConnection(configuration: config)
        var now: UInt64 = 1_000
        conn.start(now: now)
        conn.receive(Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0], now: now)
        var i = 0
        while i < input.count {
            let n = 1 + Int(input[i]) % 64 * 16
            let end = min(input.count, i + 1 + n)
            var closingBefore = conn.isClosing
            if i + 1 < end { conn.receive(Array(input[(i + 1)..<end]), now: now) }
            try answer(conn, closingBefore: closingBefore)
            now += UInt64(input[i]) * 50_000_000
            closingBefore = conn.isClosing
            conn.tick(now: now)
            try answer(conn, closingBefore: closingBefore)
            try checkFrames(conn.outbound)
            conn.outbound.removeAll()
            conn.outputDrained()
            i = end
        }
    }

    /// Answers requests as the gRPC layer would. Events may come from the step that ends the
    /// connection (resets of its open streams), never from a later one.
    static func answer(_ conn: ServerConnection, closingBefore: Bool) throws(Violation) {
        for event in conn.takeEvents() {
            if closingBefore { throw Violation(description: "event \(event) after a connection error") }
            if case .request(let stream, _, _) = event {
                conn.sendHeaders(stream: stream, fields: [HeaderField(":status", "200")], endStream: false)
                conn.sendData(
                    stream: stream, bytes: [UInt8](repeating: 0x61, count: Int(stream % 5) * 9000), endStream: false)
                conn.sendTrailers(stream: stream, fields: [HeaderField("grpc-status", "0")])
            }
        }
    }

    /// Everything written parses as whole frames.
    static func checkFrames(_ b: [UInt8]) throws(Violation) {
        var i = 0
        while i < b.count {
            guard i + 9 <= b.count else { throw Violation(description: "truncated frame header at \(i) of \(b.count)") }
            i += 9 + (Int(b[i]) << 16 | Int(b[i + 1]) << 8 | Int(b[i + 2]))
        }
        guard i == b.count else { throw Violation(description: "truncated frame payload: \(i) past \(b.count)") }
    }
}
