import HPACK
import HTTP2TestSupport
import Testing
@testable import HTTP2

/// Maximum connection age: at the age (±10 % jitter per connection) the connection is drained with
/// the two-step GOAWAY, calls in flight finish, and the grace period bounds how long they may take.
@Suite("maximum connection age")
struct ConnectionAgeTests {
    static let second: UInt64 = 1_000_000_000

    static func config(age: UInt64 = 10 * second, grace: UInt64 = 120 * second) -> Configuration {
        var c = Configuration()
        c.maxConnectionAgeNanos = age
        c.maxConnectionAgeGraceNanos = grace
        return c
    }

    func goAwayDebug(_ f: Frame) -> String { String(decoding: f.payload.dropFirst(8), as: UTF8.self) }

    @Test(
        "at the age: GOAWAY(2^31-1, NO_ERROR, max_age) and a PING; a stream opened meanwhile is served; after the ACK, GOAWAY with the last stream; both calls complete"
    )
    func drainAtAge() throws {
        let h = Harness(configuration: Self.config())
        let start = h.now
        h.headers(1, Harness.grpc, endStream: false)
        _ = h.conn.takeEvents()
        h.conn.tick(now: start + 10 * Self.second - 1)
        #expect(h.frames().isEmpty)
        h.conn.tick(now: start + 10 * Self.second)
        let first = h.frames()
        #expect(first.map(\.type) == [0x7, 0x6])
        #expect(
            be32(first[0].payload, 0) == 0x7fff_ffff && first[0].errorCode == 0 && goAwayDebug(first[0]) == "max_age")
        #expect(h.conn.closeReason == .maxAge && !h.conn.isGoingAway)
        // Stream 3 crossed the GOAWAY on the wire: still served.
        h.headers(3, Harness.grpc, endStream: true)
        guard case .request(3, _, _)? = h.conn.takeEvents().first else { Issue.record("stream 3 not served"); return }
        h.send(.ping, flags: FrameFlags.ack, stream: 0, first[1].payload)
        let second = h.frames()
        #expect(second.map(\.type) == [0x7] && be32(second[0].payload, 0) == 3 && second[0].errorCode == 0)
        #expect(h.conn.isGoingAway)
        // Both calls finish on this connection.
        h.send(.data, flags: FrameFlags.endStream, stream: 1, [0, 0, 0, 0, 0])
        for id: UInt32 in [1, 3] {
            h.conn.sendHeaders(stream: id, fields: [HeaderField(":status", "200")], endStream: false)
            h.conn.sendData(stream: id, bytes: [0, 0, 0, 0, 0], endStream: false)
            h.conn.sendTrailers(stream: id, fields: [HeaderField("grpc-status", "0")])
        }
        let answers = h.frames()
        #expect(answers.filter { $0.type == 0x1 && $0.flags & 0x1 != 0 }.map(\.stream) == [1, 3])
        #expect(h.conn.activeStreamCount == 0 && !h.conn.isClosing)
    }

    @Test("without the PING's ACK, the final GOAWAY follows 5 s after the first")
    func finalGoAwayWithoutAck() {
        let h = Harness(configuration: Self.config())
        let start = h.now
        h.headers(1, Harness.grpc, endStream: false)
        h.conn.tick(now: start + 10 * Self.second)
        _ = h.frames()
        h.conn.tick(now: start + 14 * Self.second)
        #expect(h.frames().isEmpty)
        h.conn.tick(now: start + 15 * Self.second + 1)
        let f = h.frames()
        #expect(f.map(\.type) == [0x7] && be32(f[0].payload, 0) == 1 && goAwayDebug(f[0]) == "max_age")
    }

    @Test(
        "a call still running when the grace ends is cut: a last GOAWAY that does not raise the last stream id, and the stream is reset"
    )
    func graceEnds() {
        let h = Harness(configuration: Self.config(grace: 30 * Self.second))
        let start = h.now
        h.headers(1, Harness.grpc, endStream: false)
        _ = h.conn.takeEvents()
        h.conn.tick(now: start + 10 * Self.second)
        let ping = h.frames()[1]
        h.send(.ping, flags: FrameFlags.ack, stream: 0, ping.payload)
        _ = h.frames()
        h.headers(5, Harness.grpc, endStream: false) // after the final GOAWAY: ignored
        h.conn.tick(now: start + 39 * Self.second)
        #expect(h.frames().isEmpty && !h.conn.isClosing)
        h.conn.tick(now: start + 40 * Self.second)
        let f = h.frames()
        #expect(f.map(\.type) == [0x7] && be32(f[0].payload, 0) == 1 && f[0].errorCode == 0)
        #expect(h.conn.isClosing && h.conn.closeReason == .maxAge)
        guard case .reset(1, _)? = h.conn.takeEvents().last else { Issue.record("stream 1 not reset"); return }
    }

    @Test("grace 0: calls are never cut")
    func noGrace() {
        let h = Harness(configuration: Self.config(grace: 0))
        let start = h.now
        h.headers(1, Harness.grpc, endStream: false)
        h.conn.tick(now: start + 10 * Self.second)
        h.conn.tick(now: start + 100_000 * Self.second)
        #expect(!h.conn.isClosing && h.conn.activeStreamCount == 1)
    }

    @Test("age 0: a connection is never drained for its age")
    func ageOff() {
        var config = Self.config(age: 0)
        config.idleTimeoutNanos = 0
        let h = Harness(configuration: config)
        h.conn.tick(now: h.now + 100_000 * Self.second)
        #expect(h.frames().isEmpty && h.conn.closeReason == nil)
    }

    @Test("jitter: each connection draws its age once, uniformly within ±10 %")
    func jitter() {
        let config = Self.config(age: 60 * Self.second)
        #expect(ServerConnection(configuration: config, ageJitter: -0.1).maxAgeNanos == 54 * Self.second)
        #expect(ServerConnection(configuration: config, ageJitter: 0.05).maxAgeNanos == 63 * Self.second)
        #expect(ServerConnection(configuration: config, ageJitter: 0.7).maxAgeNanos == 66 * Self.second) // clamped
        let ages = (0..<1000).map { _ in ServerConnection(configuration: config).maxAgeNanos }
        #expect(ages.allSatisfy { $0 >= 54 * Self.second && $0 < 66 * Self.second })
        // Spread over the whole range, not bunched: each sixth of it holds some of the 1,000.
        let sixths = Set(ages.map { ($0 - 54 * Self.second) / (2 * Self.second) })
        #expect(sixths.count == 6)
    }

    @Test("SIGTERM while a max-age drain runs changes nothing on the wire; the close still counts as max_age")
    func shutdownDuringDrain() {
        let h = Harness(configuration: Self.config())
        h.headers(1, Harness.grpc, endStream: false)
        h.conn.tick(now: h.now + 10 * Self.second)
        _ = h.frames()
        h.conn.beginGracefulShutdown(now: h.now + 11 * Self.second, debug: "server shutting down", reason: .shutdown)
        #expect(h.frames().isEmpty && h.conn.closeReason == .maxAge)
    }
}
