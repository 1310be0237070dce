import HPACK
import HTTP2
import HTTP2TestSupport
import Testing
@testable import GRPC

@Suite("gzip message encoding")
struct GzipTests {
    let text = Array(String(repeating: "function-secrets ", count: 4000).utf8)

    @Test("round trip, and several members in a row inflate one after the other")
    func roundTrip() throws {
        let z = Gzip.compress(text)
        #expect(z.count < text.count / 10)
        #expect(try Gzip.decompress(z, limit: 1 << 20) == text)
        #expect(try Gzip.decompress(z + Gzip.compress([1, 2, 3]), limit: 1 << 20) == text + [1, 2, 3])
    }

    @Test("a gzip bomb stops at the limit, without inflating the rest")
    func bomb() {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 64 << 20), level: 9)
        #expect(bomb.count < 100_000)
        #expect {
            _ = try Gzip.decompress(bomb, limit: 4 << 20)
        } throws: { error in
            guard case Gzip.Failure.tooLarge(let n)? = error as? Gzip.Failure else { return false }
            return n > 4 << 20 && n <= (4 << 20) + 65536
        }
    }

    @Test(
        "corrupt, truncated and empty data are refused",
        arguments: [[UInt8](), [0x1f, 0x8b, 0x08], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]])
    func corrupt(bytes: [UInt8]) {
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(bytes, limit: 1 << 20) }
        let truncated = Array(Gzip.compress(text).dropLast(9))
        #expect(throws: Gzip.Failure.self) { try Gzip.decompress(truncated, limit: 1 << 20) }
    }

    @Test("a gzip request is served; its answer is gzipped for a client that accepts gzip")
    func dispatch() throws {
        let g = GRPCHarness(handler: { bytes, _ in bytes + bytes })
        var options = ServerOptions()
        options.compressionThreshold = 1024
        let d = CallDispatcher(
            router: Router([Service(name: "pkg.Svc", methods: ["M": { b, _ in b + b }])]), options: options)
        g.h.headers(
            1, Harness.grpc + [("grpc-encoding", "gzip"), ("grpc-accept-encoding", "identity, gzip")], endStream: false)
        for e in g.h.conn.takeEvents() { d.handle(e, connection: g.h.conn, now: 0) }
        let z = Gzip.compress(text)
        g.h.send(.data, flags: FrameFlags.endStream, stream: 1, [1] + u32(UInt32(z.count)) + z)
        for e in g.h.conn.takeEvents() { d.handle(e, connection: g.h.conn, now: 0) }
        let r = try g.response()
        #expect(value(r.headers[0], "grpc-encoding") == "gzip")
        #expect(r.data.first == 1)
        #expect(try Gzip.decompress(Array(r.data.dropFirst(5)), limit: 1 << 20) == text + text)
        #expect(value(r.headers[1], "grpc-status") == "0")
    }

    @Test("a gzip bomb in a request is RESOURCE_EXHAUSTED; corrupt gzip is INTERNAL")
    func badRequests() throws {
        let g = GRPCHarness(maxReceive: 1 << 20)
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 8 << 20), level: 9)
        g.h.headers(3, Harness.grpc + [("grpc-encoding", "gzip")], endStream: false)
        g.pump()
        let framed = [1] + u32(UInt32(bomb.count)) + bomb
        for start in stride(from: 0, to: framed.count, by: 16384) {
            let end = min(start + 16384, framed.count)
            g.h.send(
                .data, flags: end == framed.count ? FrameFlags.endStream : 0, stream: 3, Array(framed[start..<end]))
        }
        g.pump()
        var h = try g.response().headers[0]
        #expect(value(h, "grpc-status") == "8")
        #expect(value(h, "grpc-message")?.hasPrefix("grpc: message after decompression larger than max (") == true)
        g.h.headers(5, Harness.grpc + [("grpc-encoding", "gzip")], endStream: false)
        g.pump()
        g.h.send(.data, flags: FrameFlags.endStream, stream: 5, [1, 0, 0, 0, 3, 9, 9, 9])
        g.pump()
        h = try g.response().headers[0]
        #expect(value(h, "grpc-status") == "13")
        #expect(value(h, "grpc-message")?.hasPrefix("grpc: failed to decompress the received message") == true)
    }
}
