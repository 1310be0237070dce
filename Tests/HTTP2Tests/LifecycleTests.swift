import HPACK
import HTTP2TestSupport
import Testing
@testable import HTTP2

/// Graceful shutdown, idle connections, answers stuck on a closed window, control frames a peer never
/// reads, and the buffered-request budget: the connection's timers and bounds, frame by frame.
@Suite("connection lifecycle and resource bounds")
struct LifecycleTests {
    static let second: UInt64 = 1_000_000_000

    @Test(
        "graceful shutdown: GOAWAY(2^31-1) and a PING, streams opened meanwhile are served, then GOAWAY(last id) after the ACK"
    )
    func twoStepShutdown() throws {
        let h = Harness()
        h.headers(1, Harness.grpc, endStream: false)
        _ = h.conn.takeEvents()
        h.conn.beginGracefulShutdown(now: h.now, debug: "server shutting down")
        let first = h.frames()
        #expect(first.map(\.type) == [0x7, 0x6])
        #expect(be32(first[0].payload, 0) == 0x7fff_ffff && first[0].errorCode == 0)
        #expect(first[1].flags == 0)
        #expect(!h.conn.isGoingAway)
        // The client opened stream 3 before it saw the GOAWAY: still served.
        h.headers(3, Harness.grpc, endStream: false)
        guard case .request(3, _, _)? = h.conn.takeEvents().first else { Issue.record("stream 3 not served"); return }
        h.send(.ping, flags: FrameFlags.ack, stream: 0, first[1].payload)
        let second = h.frames()
        #expect(second.map(\.type) == [0x7])
        #expect(be32(second[0].payload, 0) == 3 && second[0].errorCode == 0)
        #expect(h.conn.isGoingAway)
        // After it, new streams are ignored; the open ones still finish.
        h.headers(5, Harness.grpc, endStream: true)
        #expect(h.conn.takeEvents().isEmpty && h.frames().isEmpty)
        #expect(h.conn.activeStreamCount == 2)
        h.send(.data, flags: FrameFlags.endStream, stream: 1, [0, 0, 0, 0, 0])
        guard case .data(1, _, true)? = h.conn.takeEvents().first else {
            Issue.record("stream 1 lost its data"); return
        }
    }

    @Test("without a PING ACK, the final GOAWAY follows after a second")
    func shutdownWithoutAck() {
        let h = Harness()
        h.headers(1, Harness.grpc, endStream: false)
        h.conn.beginGracefulShutdown(now: h.now, debug: "bye")
        _ = h.frames()
        h.conn.tick(now: h.now + Self.second / 2)
        #expect(h.frames().isEmpty)
        h.conn.tick(now: h.now + Self.second + 1)
        let f = h.frames()
        #expect(f.map(\.type) == [0x7] && be32(f[0].payload, 0) == 1)
    }

    @Test("an idle connection gets the graceful GOAWAY after the idle timeout; an open stream keeps it alive")
    func idle() {
        var config = Configuration()
        config.idleTimeoutNanos = 5 * Self.second
        let h = Harness(configuration: config)
        h.headers(1, Harness.grpc, endStream: false)
        h.conn.tick(now: h.now + 10 * Self.second)
        #expect(h.frames().isEmpty)
        h.send(.rstStream, stream: 1, u32(8))
        h.conn.tick(now: h.now + 14 * Self.second)
        #expect(h.frames().isEmpty)
        h.conn.tick(now: h.now + 16 * Self.second)
        let f = h.frames()
        #expect(f.map(\.type) == [0x7, 0x6] && be32(f[0].payload, 0) == 0x7fff_ffff)
    }

    @Test("an answer stuck on a zero window is cancelled after 30 s without progress; progress restarts the clock")
    func stalledStream() {
        let h = Harness(settings: [(0x4, 0)])
        h.headers(1, Harness.get, endStream: true)
        _ = h.conn.takeEvents()
        h.conn.sendHeaders(stream: 1, fields: [HeaderField(":status", "200")], endStream: false)
        h.conn.sendData(stream: 1, bytes: [UInt8](repeating: 7, count: 100), endStream: true)
        #expect(h.conn.pendingOutputBytes == 100)
        _ = h.frames()
        h.now += 20 * Self.second
        h.send(.windowUpdate, stream: 1, u32(10))
        #expect(h.frames().map(\.type) == [0x0])
        #expect(h.conn.pendingOutputBytes == 90)
        h.conn.tick(now: h.now + 29 * Self.second)
        #expect(h.frames().isEmpty)
        h.conn.tick(now: h.now + 31 * Self.second)
        let f = h.frames()
        #expect(f.map(\.type) == [0x3] && f[0].errorCode == ErrorCode.cancel.rawValue)
        guard case .reset(1, .cancel)? = h.conn.takeEvents().last else { Issue.record("no reset event"); return }
        #expect(h.conn.activeStreamCount == 0 && h.conn.pendingOutputBytes == 0)
    }

    @Test("more than 1,000 ACKs queued while the peer reads nothing ends in GOAWAY ENHANCE_YOUR_CALM")
    func controlFrameQueue() {
        let h = Harness()
        // PINGs at the keepalive minimum time are allowed, so only the unread queue can stop them.
        for _ in 0..<1000 {
            h.now += 60 * Self.second
            h.send(.ping, stream: 0, [1, 2, 3, 4, 5, 6, 7, 8])
        }
        #expect(!h.conn.isClosing)
        h.now += 60 * Self.second
        h.send(.ping, stream: 0, [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(h.conn.isClosing)
        #expect(h.frames().last?.errorCode == ErrorCode.enhanceYourCalm.rawValue)
    }

    @Test(
        "over the buffered-bytes budget only the oldest stream still sending gets stream credit; the rest is released after"
    )
    func bufferedBudget() {
        var config = Configuration()
        config.initialWindowSize = 1000
        config.maxBufferedRequestBytes = 100
        let h = Harness(configuration: config)
        h.headers(1, Harness.grpc, endStream: false)
        h.headers(3, Harness.grpc, endStream: false)
        h.conn.setApplicationBuffered(5000)
        h.send(.data, stream: 3, [UInt8](repeating: 0, count: 600))
        #expect(h.frames().isEmpty)
        h.send(.data, stream: 1, [UInt8](repeating: 0, count: 600))
        var f = h.frames()
        #expect(f.count == 1 && f[0].type == 0x8 && f[0].stream == 1 && be32(f[0].payload, 0) == 600)
        h.conn.setApplicationBuffered(0)
        f = h.frames()
        #expect(f.count == 1 && f[0].type == 0x8 && f[0].stream == 3 && be32(f[0].payload, 0) == 600)
    }
}
