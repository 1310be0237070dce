import HPACK
import HTTP2
import HTTP2TestSupport
import Testing
@testable import GRPC

/// The dispatcher driven through a real ServerConnection, frames in and frames out.
final class GRPCHarness {
    let h: Harness
    let dispatcher: CallDispatcher

    init(maxReceive: Int = 4 << 20, handler: @escaping UnaryHandler = { bytes, _ in bytes.reversed() }) {
        h = Harness()
        var options = ServerOptions()
        options.maxReceiveMessageSize = maxReceive
        dispatcher = CallDispatcher(
            router: Router([Service(name: "pkg.Svc", methods: ["M": handler])]), options: options)
    }

    func pump() {
        for e in h.conn.takeEvents() { dispatcher.handle(e, connection: h.conn, now: h.now) }
    }

    func request(_ stream: UInt32, extra: [(String, String)] = [], path: String = "/pkg.Svc/M", message: [UInt8]?) {
        var fields = Harness.grpc.filter { $0.0 != ":path" } + extra
        fields.insert((":path", path), at: 2)
        h.headers(stream, fields, endStream: message == nil)
        pump()
        if let m = message {
            h.send(.data, flags: FrameFlags.endStream, stream: stream, framed(m))
            pump()
        }
    }

    func framed(_ m: [UInt8]) -> [UInt8] { [0] + u32(UInt32(m.count)) + m }

    /// The header blocks and data the server sent, decoded.
    func response() throws -> (headers: [[HeaderField]], data: [UInt8], frames: [Frame]) {
        let frames = h.frames()
        var headers: [[HeaderField]] = []
        var data: [UInt8] = []
        for f in frames {
            if f.type == 0x1 { headers.append(try h.decodeHeaders(f)) }
            if f.type == 0x0 { data += f.payload }
        }
        return (headers, data, frames)
    }
}

func value(_ fields: [HeaderField], _ name: String) -> String? { fields.first { $0.name == name }?.value }

@Suite("gRPC call dispatch")
struct CallDispatcherTests {
    @Test("bytes held by incomplete calls are counted, and forgotten when a call completes or is reset")
    func bufferedBytes() throws {
        let g = GRPCHarness()
        for stream in [1, 3] as [UInt32] {
            g.h.headers(stream, Harness.grpc.map { $0.0 == ":path" ? ($0.0, "/pkg.Svc/M") : $0 }, endStream: false)
            g.h.send(.data, stream: stream, [0] + u32(2000) + [UInt8](repeating: 7, count: 400))
            g.pump()
        }
        #expect(g.dispatcher.bufferedBytes == 800)
        g.h.send(.data, flags: FrameFlags.endStream, stream: 1, [UInt8](repeating: 7, count: 1600))
        g.pump()
        #expect(value(try g.response().headers.last ?? [], "grpc-status") == "0")
        #expect(g.dispatcher.bufferedBytes == 400)
        g.h.send(.rstStream, stream: 3, u32(8))
        g.pump()
        #expect(g.dispatcher.bufferedBytes == 0)
    }

    @Test("a unary call: headers, one framed message, trailers with grpc-status 0")
    func success() throws {
        let g = GRPCHarness()
        g.request(1, message: [1, 2, 3])
        let r = try g.response()
        #expect(r.headers.count == 2)
        #expect(value(r.headers[0], ":status") == "200" && value(r.headers[0], "content-type") == "application/grpc")
        #expect(r.data == [0, 0, 0, 0, 3, 3, 2, 1])
        #expect(value(r.headers[1], "grpc-status") == "0")
        #expect(r.frames.last!.flags & 0x1 == 0x1)
    }

    @Test("unknown method: Trailers-Only 12 (core falls back to v1beta1 on exactly this)")
    func unknownPath() throws {
        let g = GRPCHarness()
        g.request(1, path: "/pkg.Svc/Nope", message: [1])
        let r = try g.response()
        #expect(value(r.headers[0], "grpc-status") == "12")
        #expect(value(r.headers[0], "grpc-message") == "unknown method Nope for service pkg.Svc")
        #expect(r.frames[0].flags & 0x1 == 0x1)
    }

    @Test("no content-type: HTTP 415 with a body, sent after END_STREAM")
    func notGRPC() throws {
        let g = GRPCHarness()
        g.h.headers(1, Harness.get, endStream: false)
        g.pump()
        #expect(g.h.frames().isEmpty)
        g.h.send(.data, flags: FrameFlags.endStream, stream: 1, [])
        g.pump()
        let r = try g.response()
        #expect(value(r.headers[0], ":status") == "415")
        #expect(r.data.count >= 5)
    }

    @Test("PUT with a gRPC content-type: 405")
    func put() throws {
        let g = GRPCHarness()
        g.request(1, extra: [], message: nil)
        _ = g.h.frames()
        var fields = Harness.grpc
        fields[0] = (":method", "PUT")
        g.h.headers(3, fields)
        g.pump()
        #expect(value(try g.response().headers[0], ":status") == "405")
    }

    @Test("headers-only unary call: 13 at once, not a hang")
    func headersOnly() throws {
        let g = GRPCHarness()
        g.request(1, message: nil)
        let r = try g.response()
        #expect(value(r.headers[0], "grpc-status") == "13")
        #expect(value(r.headers[0], "grpc-message") == "grpc: cardinality violation: received no request message")
    }

    @Test("empty DATA with END_STREAM: 13 at once")
    func emptyData() throws {
        let g = GRPCHarness()
        g.h.headers(1, Harness.grpc, endStream: false)
        g.pump()
        g.h.send(.data, flags: FrameFlags.endStream, stream: 1, [])
        g.pump()
        #expect(value(try g.response().headers[0], "grpc-status") == "13")
    }

    @Test("truncated message: 13 unexpected EOF")
    func truncated() throws {
        let g = GRPCHarness()
        g.h.headers(1, Harness.grpc, endStream: false)
        g.pump()
        g.h.send(.data, flags: FrameFlags.endStream, stream: 1, [0, 0, 0, 0, 9, 1])
        g.pump()
        #expect(value(try g.response().headers[0], "grpc-message") == "grpc: unexpected EOF")
    }

    @Test("over the receive limit: 8 from the prefix alone, then RST_STREAM NO_ERROR")
    func resourceExhausted() throws {
        let g = GRPCHarness(maxReceive: 100)
        g.h.headers(1, Harness.grpc, endStream: false)
        g.pump()
        g.h.send(.data, stream: 1, [0, 0, 0, 0, 101])
        g.pump()
        let r = try g.response()
        #expect(value(r.headers[0], "grpc-status") == "8")
        #expect(value(r.headers[0], "grpc-message") == "grpc: received message larger than max (101 vs. 100)")
        #expect(r.frames.last == Frame(type: 0x3, flags: 0, stream: 1, payload: u32(0)))
    }

    @Test("grpc-timeout 0n: DEADLINE_EXCEEDED at once")
    func expired() throws {
        let g = GRPCHarness()
        g.request(1, extra: [("grpc-timeout", "0n")], message: nil)
        #expect(value(try g.response().headers[0], "grpc-status") == "4")
    }

    @Test("a deadline that passes while the request is incomplete: RST_STREAM CANCEL")
    func deadlinePasses() throws {
        let g = GRPCHarness()
        g.h.headers(1, Harness.grpc + [("grpc-timeout", "50m")], endStream: false)
        g.pump()
        g.dispatcher.tick(connection: g.h.conn, now: g.h.now + 10_000_000)
        #expect(g.h.frames().isEmpty)
        g.dispatcher.tick(connection: g.h.conn, now: g.h.now + 50_000_000)
        #expect(g.h.frames() == [Frame(type: 0x3, flags: 0, stream: 1, payload: u32(8))])
        #expect(g.dispatcher.inFlight == 0)
    }

    @Test("malformed grpc-timeout: HTTP 400 with grpc-status 13")
    func badTimeout() throws {
        let g = GRPCHarness()
        g.request(1, extra: [("grpc-timeout", "100000000S")], message: nil)
        let h = try g.response().headers[0]
        #expect(value(h, ":status") == "400" && value(h, "grpc-status") == "13")
    }

    @Test("unsupported grpc-encoding: 12 listing what we accept")
    func snappy() throws {
        let g = GRPCHarness()
        g.request(1, extra: [("grpc-encoding", "snappy")], message: [1])
        let h = try g.response().headers[0]
        #expect(value(h, "grpc-status") == "12")
        #expect(value(h, "grpc-accept-encoding")?.contains("snappy") == false)
    }

    @Test("content-subtype json: 13; proto: served")
    func subtype() throws {
        let g = GRPCHarness()
        var fields = Harness.grpc
        fields[4] = ("content-type", "application/grpc+json")
        g.h.headers(1, fields, endStream: false)
        g.pump()
        #expect(value(try g.response().headers[0], "grpc-status") == "13")
        fields[4] = ("content-type", "application/grpc+proto")
        g.h.headers(3, fields, endStream: false)
        g.pump()
        g.h.send(.data, flags: FrameFlags.endStream, stream: 3, g.framed([5]))
        g.pump()
        #expect(value(try g.response().headers[1], "grpc-status") == "0")
    }

    @Test("a handler's Status becomes the call's status; other errors become UNKNOWN")
    func handlerErrors() throws {
        struct Boom: Error {}
        let g = GRPCHarness { bytes, _ in
            if bytes == [1] { throw Status(.invalidArgument, "bad ✓") }
            throw Boom()
        }
        g.request(1, message: [1])
        var h = try g.response().headers[0]
        #expect(value(h, "grpc-status") == "3" && value(h, "grpc-message") == "bad %E2%9C%93")
        g.request(3, message: [2])
        h = try g.response().headers[0]
        #expect(value(h, "grpc-status") == "2")
    }

    @Test("client cancels mid-request: state dropped, nothing more sent")
    func cancel() throws {
        let g = GRPCHarness()
        g.h.headers(1, Harness.grpc, endStream: false)
        g.pump()
        g.h.send(.data, stream: 1, [0, 0, 0, 0, 9, 1])
        g.pump()
        g.h.send(.rstStream, stream: 1, u32(8))
        g.pump()
        #expect(g.dispatcher.inFlight == 0)
        #expect(g.h.frames().isEmpty)
    }
}

@Suite("gRPC bidirectional streams")
struct StreamingTests {
    func harness(_ handler: @escaping StreamingHandler) -> (Harness, CallDispatcher) {
        let h = Harness()
        let d = CallDispatcher(
            router: Router([Service(name: "pkg.Svc", streams: ["S": handler])]), options: ServerOptions())
        return (h, d)
    }

    @Test("each request message is answered as it completes; trailers follow the client's END_STREAM")
    func answers() throws {
        let (h, d) = harness { bytes, _ in bytes + bytes }
        func pump() { for e in h.conn.takeEvents() { d.handle(e, connection: h.conn, now: 0) } }
        var fields = Harness.grpc
        fields[2] = (":path", "/pkg.Svc/S")
        h.headers(1, fields, endStream: false)
        pump()
        h.send(.data, stream: 1, [0] + u32(1) + [7] + [0, 0, 0]) // one message and part of the next prefix
        pump()
        var f = h.frames()
        #expect(f.map(\.type) == [0x1, 0x0])
        #expect(f[1].payload == [0, 0, 0, 0, 2, 7, 7])
        h.send(.data, flags: FrameFlags.endStream, stream: 1, [0, 1, 9])
        pump()
        f = h.frames()
        #expect(f.map(\.type) == [0x0, 0x1])
        #expect(f[0].payload == [0, 0, 0, 0, 2, 9, 9])
        #expect(try h.decodeHeaders(f[1]).contains(HeaderField("grpc-status", "0")))
        #expect(d.inFlight == 0)
    }

    @Test("a handler error ends the stream with its status in the trailers")
    func failure() throws {
        let (h, d) = harness { _, _ in throw Status(.notFound, "no") }
        func pump() { for e in h.conn.takeEvents() { d.handle(e, connection: h.conn, now: 0) } }
        var fields = Harness.grpc
        fields[2] = (":path", "/pkg.Svc/S")
        h.headers(1, fields, endStream: false)
        pump()
        h.send(.data, stream: 1, [0] + u32(1) + [7])
        pump()
        let f = h.frames()
        #expect(try h.decodeHeaders(f[0]).contains(HeaderField("grpc-status", "5")))
        #expect(d.inFlight == 0)
    }
}
