import HPACK
import HTTP2TestSupport
import Testing
@testable import HTTP2

@Suite("HTTP/2 connection state machine")
struct ConnectionTests {
    @Test("server preface: SETTINGS first, then a connection WINDOW_UPDATE (http2/3.5/1)")
    func preface() {
        let h = Harness(handshake: false)
        let f = h.frames()
        #expect(f.count == 2)
        #expect(f[0].type == 0x4 && f[0].flags == 0 && f[0].stream == 0)
        var settings: [UInt16: UInt32] = [:]
        for i in stride(from: 0, to: f[0].payload.count, by: 6) {
            settings[UInt16(f[0].payload[i]) << 8 | UInt16(f[0].payload[i + 1])] = be32(f[0].payload, i + 2)
        }
        #expect(settings[0x2] == 0)
        #expect(settings[0x3] == 256)
        #expect(settings[0x4] == 1 << 20)
        #expect(settings[0x6] == 16384)
        #expect(f[1].type == 0x8 && f[1].stream == 0 && be32(f[1].payload, 0) == UInt32((16 << 20) - 65535))
    }

    @Test("client SETTINGS is acknowledged")
    func settingsAck() {
        let h = Harness(handshake: false)
        _ = h.frames()
        h.send(Harness.preface + frameBytes(.settings, stream: 0, []))
        #expect(h.frames() == [Frame(type: 0x4, flags: 1, stream: 0, payload: [])])
    }

    @Test("invalid preface closes with GOAWAY PROTOCOL_ERROR (http2/3.5/2)")
    func badPreface() {
        let h = Harness(handshake: false)
        _ = h.frames()
        h.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(h.frames().last?.errorCode == ErrorCode.protocolError.rawValue)
        #expect(h.conn.isClosing)
    }

    @Test("first frame other than SETTINGS is a connection error")
    func firstFrameNotSettings() {
        let h = Harness(handshake: false)
        _ = h.frames()
        h.send(Harness.preface + frameBytes(.ping, stream: 0, [UInt8](repeating: 0, count: 8)))
        #expect(h.frames().last?.errorCode == ErrorCode.protocolError.rawValue)
    }

    @Test("PING is answered with the same payload; a PING ACK is not answered (http2/6.7/1, /2)")
    func ping() {
        let h = Harness()
        h.send(.ping, flags: FrameFlags.ack, stream: 0, [9, 9, 9, 9, 9, 9, 9, 9])
        let payload: [UInt8] = [0x02, 0x04, 0x10, 0x10, 0x09, 0x0e, 0x07, 0x07]
        h.send(.ping, stream: 0, payload)
        #expect(h.frames() == [Frame(type: 0x6, flags: 1, stream: 0, payload: payload)])
    }

    @Test("request headers become an event with the validated head")
    func requestEvent() throws {
        let h = Harness()
        h.headers(1, Harness.grpc, endStream: false)
        let events = h.conn.takeEvents()
        guard case .request(let s, let head, let end)? = events.first else { Issue.record("no request"); return }
        #expect(s == 1 && !end)
        #expect(head.method == "POST" && head.path == "/pkg.Svc/M" && head.first("content-type") == "application/grpc")
    }

    @Test("response: HEADERS, DATA split by the peer's window, trailers after the data")
    func responseFlowControl() throws {
        let h = Harness(settings: [(0x4, 3)]) // INITIAL_WINDOW_SIZE 3
        h.headers(1)
        _ = h.conn.takeEvents()
        h.conn.sendHeaders(stream: 1, fields: [HeaderField(":status", "200")], endStream: false)
        h.conn.sendData(stream: 1, bytes: Array("hello".utf8), endStream: false)
        h.conn.sendTrailers(stream: 1, fields: [HeaderField("grpc-status", "0")])
        var f = h.frames()
        #expect(f.map(\.type) == [0x1, 0x0])
        #expect(f[1].payload == Array("hel".utf8))
        // http2/6.9.2/2: lowering INITIAL_WINDOW_SIZE makes the window negative; nothing goes out.
        h.send(.settings, stream: 0, [0, 4] + u32(2))
        #expect(h.frames().map(\.type) == [0x4]) // only the ACK
        h.send(.windowUpdate, stream: 1, u32(2))
        f = h.frames()
        #expect(f.count == 1 && f[0].payload == Array("l".utf8))
        h.send(.windowUpdate, stream: 1, u32(10))
        f = h.frames()
        #expect(f.map(\.type) == [0x0, 0x1])
        #expect(f[0].payload == Array("o".utf8))
        #expect(f[1].flags & 0x1 == 0x1)
        #expect(h.conn.activeStreamCount == 0)
    }

    @Test("a 4 MiB request with the default windows never stalls: WINDOW_UPDATEs as data is consumed")
    func largeUpload() {
        let h = Harness()
        h.headers(1, Harness.grpc, endStream: false)
        _ = h.conn.takeEvents()
        var received = 0
        var streamCredit = 1 << 20
        var connCredit = 16 << 20
        let chunk = [UInt8](repeating: 7, count: 16384)
        var sent = 0
        while sent < 4 << 20 {
            #expect(streamCredit >= chunk.count && connCredit >= chunk.count)
            h.send(.data, stream: 1, chunk)
            sent += chunk.count
            streamCredit -= chunk.count
            connCredit -= chunk.count
            for f in h.frames() where f.type == 0x8 {
                if f.stream == 1 {
                    streamCredit += Int(be32(f.payload, 0))
                } else {
                    connCredit += Int(be32(f.payload, 0))
                }
            }
            for e in h.conn.takeEvents() { if case .data(_, let b, _) = e { received += b.count } }
        }
        #expect(received == 4 << 20)
        #expect(!h.conn.isClosing)
    }

    @Test("DATA beyond the stream window is a stream FLOW_CONTROL_ERROR")
    func streamWindowOverrun() {
        var config = Configuration()
        config.initialWindowSize = 100
        let h = Harness(configuration: config)
        h.headers(1, Harness.grpc, endStream: false)
        h.send(.data, stream: 1, [UInt8](repeating: 0, count: 101))
        let f = h.frames()
        #expect(f.last == Frame(type: 0x3, flags: 0, stream: 1, payload: u32(ErrorCode.flowControlError.rawValue)))
    }

    @Test("INITIAL_WINDOW_SIZE change mid-connection applies to open streams")
    func initialWindowChange() {
        let h = Harness(settings: [(0x4, 0)])
        h.headers(1)
        h.conn.sendHeaders(stream: 1, fields: [HeaderField(":status", "200")], endStream: false)
        h.conn.sendData(stream: 1, bytes: [1, 2, 3], endStream: true)
        #expect(h.frames().map(\.type) == [0x1])
        h.send(.settings, stream: 0, [0, 4] + u32(1)) // http2/6.9.2/1
        let f = h.frames()
        #expect(f.map(\.type) == [0x4, 0x0])
        #expect(f[1].payload == [1])
    }

    @Test("100 concurrent streams on one connection all complete")
    func concurrency() throws {
        let h = Harness()
        for i in 0..<100 { h.headers(UInt32(2 * i + 1)) }
        let events = h.conn.takeEvents()
        #expect(events.count == 100)
        #expect(h.conn.activeStreamCount == 100)
        for i in 0..<100 {
            h.conn.sendHeaders(stream: UInt32(2 * i + 1), fields: [HeaderField(":status", "200")], endStream: true)
        }
        #expect(h.frames().filter { $0.type == 0x1 && $0.flags & 0x1 != 0 }.count == 100)
        #expect(h.conn.activeStreamCount == 0)
    }

    @Test("over MAX_CONCURRENT_STREAMS: REFUSED_STREAM, and the HPACK table stays in sync")
    func refused() throws {
        var config = Configuration()
        config.maxConcurrentStreams = 1
        let h = Harness(configuration: config)
        h.headers(1, Harness.grpc, endStream: false)
        h.headers(3, Harness.grpc + [("x-later", "value")], endStream: false)
        #expect(
            h.frames().last == Frame(type: 0x3, flags: 0, stream: 3, payload: u32(ErrorCode.refusedStream.rawValue)))
        h.conn.sendHeaders(stream: 1, fields: [HeaderField(":status", "200")], endStream: true)
        _ = h.frames()
        h.headers(5, Harness.grpc + [("x-later", "value")])
        let events = h.conn.takeEvents()
        guard case .request(5, let head, _)? = events.last else {
            Issue.record("stream 5 not accepted: \(events)"); return
        }
        #expect(head.first("x-later") == "value")
    }

    @Test("CONTINUATION reassembles a header block (generic/3.10/2)")
    func continuation() {
        let h = Harness()
        let block = h.block(Harness.get)
        h.send(.headers, flags: FrameFlags.endStream, stream: 1, Array(block[0..<2]))
        h.send(.continuation, stream: 1, Array(block[2..<4]))
        h.send(.continuation, flags: FrameFlags.endHeaders, stream: 1, Array(block[4...]))
        guard case .request(1, let head, true)? = h.conn.takeEvents().first else { Issue.record("no request"); return }
        #expect(head.method == "GET")
    }

    @Test("CONTINUATION flood is stopped with ENHANCE_YOUR_CALM")
    func continuationFlood() {
        let h = Harness()
        h.send(.headers, flags: FrameFlags.endStream, stream: 1, [0x82])
        for _ in 0..<9 { h.send(.continuation, stream: 1, []) }
        #expect(h.frames().last?.errorCode == ErrorCode.enhanceYourCalm.rawValue)
    }

    @Test("RST_STREAM from the client removes the stream and tells the application")
    func clientReset() {
        let h = Harness()
        h.headers(1, Harness.grpc, endStream: false)
        _ = h.conn.takeEvents()
        h.send(.rstStream, stream: 1, u32(ErrorCode.cancel.rawValue))
        guard case .reset(1, .cancel)? = h.conn.takeEvents().first else { Issue.record("no reset event"); return }
        #expect(h.conn.activeStreamCount == 0)
        // http2/5.1/8: DATA after the client's reset is a stream STREAM_CLOSED.
        h.send(.data, stream: 1, [1])
        #expect(h.frames().last == Frame(type: 0x3, flags: 0, stream: 1, payload: u32(ErrorCode.streamClosed.rawValue)))
    }

    @Test("answering before the client's END_STREAM resets the stream with NO_ERROR")
    func earlyClose() {
        let h = Harness()
        h.headers(1, Harness.grpc, endStream: false)
        h.conn.sendHeaders(
            stream: 1, fields: [HeaderField(":status", "200"), HeaderField("grpc-status", "12")], endStream: true)
        let f = h.frames()
        #expect(f.map(\.type) == [0x1, 0x3])
        #expect(f[1].errorCode == 0)
        // Frames already in flight are ignored.
        h.send(.data, flags: FrameFlags.endStream, stream: 1, [0, 0, 0, 0, 0])
        #expect(h.frames().isEmpty)
    }

    @Test("header list over the limit gets HTTP 431, and the table stays in sync")
    func oversizedHeaders() throws {
        var config = Configuration()
        config.maxHeaderListSize = 200
        let h = Harness(configuration: config)
        h.send(
            .headers, flags: FrameFlags.endStream | FrameFlags.endHeaders, stream: 1,
            h.block(Harness.get + [("x-big", String(repeating: "a", count: 300))]))
        let f = h.frames()
        #expect(f.count == 1 && f[0].flags & 0x1 == 0x1)
        #expect(
            try h.decodeHeaders(f[0]) == [
                HeaderField(":status", "431"), HeaderField("grpc-status", "8"),
                HeaderField("grpc-message", "header list too large"),
            ])
        h.headers(3)
        guard case .request(3, _, _)? = h.conn.takeEvents().last else { Issue.record("next request lost"); return }
    }
}
