import HPACK
import HTTP2TestSupport
import Testing
@testable import HTTP2

/// The keepalive enforcement gRPC servers apply to client PINGs: strikes for PINGs sooner than the
/// minimum time, cleared by every HEADERS or DATA frame we write, GOAWAY "too_many_pings" on the third.
@Suite("client PINGs: keepalive enforcement")
struct KeepalivePolicyTests {
    static let second: UInt64 = 1_000_000_000
    static let probe: [UInt8] = [0x02, 0x04, 0x10, 0x10, 0x09, 0x0e, 0x07, 0x07] // grpc-go's bandwidth probe

    /// Answers stream `id` (already open) with HEADERS, one DATA frame and trailers.
    func answer(_ h: Harness, _ id: UInt32) {
        h.conn.sendHeaders(stream: id, fields: [HeaderField(":status", "200")], endStream: false)
        h.conn.sendData(stream: id, bytes: [0, 0, 0, 0, 1, 7], endStream: false)
        h.conn.sendTrailers(stream: id, fields: [HeaderField("grpc-status", "0")])
    }

    func goAwayDebug(_ f: Frame) -> String { String(decoding: f.payload.dropFirst(8), as: UTF8.self) }

    @Test("a PING after every answer, arriving once the call has ended (grpc-go's bandwidth probe), never counts")
    func probeAfterEveryAnswer() {
        let h = Harness()
        var acks = 0
        for i in 0..<2000 {
            let id = UInt32(2 * i + 1)
            h.headers(id, Harness.grpc, endStream: true)
            _ = h.conn.takeEvents()
            answer(h, id)
            #expect(h.conn.activeStreamCount == 0)
            h.send(.ping, stream: 0, Self.probe)
            acks += h.frames().filter { $0.type == 0x6 && $0.flags == 1 }.count
        }
        #expect(!h.conn.isClosing)
        #expect(acks == 2000)
    }

    @Test(
        "with nothing written in between, two early PINGs are tolerated and the third strike gets GOAWAY ENHANCE_YOUR_CALM too_many_pings"
    )
    func thirdStrike() {
        let h = Harness()
        for _ in 0..<3 {
            h.now += Self.second
            h.send(.ping, stream: 0, Self.probe) // the first is no strike (nothing before it), then strikes 1 and 2
        }
        #expect(!h.conn.isClosing)
        #expect(h.frames().filter { $0.type == 0x6 }.count == 3)
        h.now += Self.second
        h.send(.ping, stream: 0, Self.probe)
        let f = h.frames()
        #expect(f.map(\.type) == [0x7])
        #expect(f.last?.errorCode == ErrorCode.enhanceYourCalm.rawValue)
        #expect(f.last.map(goAwayDebug) == "too_many_pings")
        #expect(h.conn.closeReason == .tooManyPings)
    }

    @Test("PINGs no sooner than the minimum time are never strikes, with or without a stream open")
    func slowPings() {
        var config = Configuration()
        config.keepaliveMinTimeNanos = 10 * Self.second
        let h = Harness(configuration: config)
        for i in 0..<200 {
            if i == 100 { h.headers(1, Harness.grpc, endStream: false) }
            h.now += 10 * Self.second
            h.send(.ping, stream: 0, Self.probe)
        }
        #expect(!h.conn.isClosing)
        #expect(h.frames().filter { $0.type == 0x6 }.count == 200)
    }

    @Test("every DATA frame written clears the strikes, even in the middle of one message held back by flow control")
    func clearedPerFrame() {
        let h = Harness(settings: [(0x4, 10)]) // the client's stream window: 10 octets
        h.headers(1, Harness.grpc, endStream: true)
        _ = h.conn.takeEvents()
        h.conn.sendHeaders(stream: 1, fields: [HeaderField(":status", "200")], endStream: false)
        h.conn.sendData(stream: 1, bytes: [UInt8](repeating: 1, count: 100), endStream: false)
        _ = h.frames()
        for round in 0..<20 {
            // Two strikes, then one more DATA frame of the same message goes out: the next PING is clean.
            for _ in 0..<3 { h.send(.ping, stream: 0, Self.probe) }
            #expect(!h.conn.isClosing, "round \(round)")
            h.send(.windowUpdate, stream: 1, u32(4))
            #expect(h.frames().contains { $0.type == 0x0 && $0.payload.count == 4 })
        }
        #expect(!h.conn.isClosing)
    }

    @Test("a flood with a stream open is cut after three ACKs, not a thousand")
    func floodWithStreamOpen() {
        let h = Harness()
        h.headers(1, Harness.grpc, endStream: false)
        for _ in 0..<1000 { h.send(.ping, stream: 0, Self.probe) }
        let f = h.frames()
        #expect(f.filter { $0.type == 0x6 }.count == 3)
        #expect(f.last?.type == 0x7 && f.last.map(goAwayDebug) == "too_many_pings")
        guard case .reset(1, .enhanceYourCalm)? = h.conn.takeEvents().last else {
            Issue.record("stream 1 not reset"); return
        }
    }
}
