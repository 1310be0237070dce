import HPACK

/// The server side of one HTTP/2 connection as a pure state machine: bytes in, events and bytes out.
/// It owns the stream table, both flow-control directions, HPACK state and every protocol check.
/// No sockets and no clocks: callers pass `now` in nanoseconds of a monotonic clock.
///
/// The work is split by concern: frames received (`+Receive`), frames sent (`+Send`), graceful
/// shutdown and timers (`+Lifecycle`); the input buffer, flood budget, keepalive policy and
/// connection windows are small types of their own. Frame handlers throw a `ProtocolViolation`,
/// answered in `answer(_:)` alone.
public final class ServerConnection {
    public enum Phase: Equatable, Sendable {
        case awaitingPreface
        case awaitingSettings
        case open
        /// A connection error was sent (GOAWAY). Input is ignored; flush `outbound`, then close.
        case closing(ErrorCode)
    }

    static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    static let shutdownPing: [UInt8] = Array("goaway!!".utf8)
    /// Room the transport reads into at once, with `receive(now:readingWith:)`.
    public static let readChunk = 65536

    public let configuration: Configuration
    public internal(set) var phase: Phase = .awaitingPreface
    /// Bytes to write to the peer, in order. The transport drains it once per loop turn.
    public var outbound: [UInt8] = []
    /// Events for the application, drained with `takeEvents()`.
    public internal(set) var events: [Event] = []
    /// Why the server began to end this connection, if it did; the transport counts closes by it.
    public internal(set) var closeReason: CloseReason?
    /// This connection's maximum age, jitter included; 0 never.
    public let maxAgeNanos: UInt64
    /// Response bytes waiting for flow-control window, over all streams.
    public internal(set) var pendingOutputBytes = 0

    var inbound = InboundBuffer()
    var decoder: Decoder
    var encoder = Encoder()
    var encodeScratch: [UInt8] = []
    var glitches: GlitchBudget
    var keepalive: KeepalivePolicy
    var windows: ConnectionWindows
    var now: UInt64 = 0

    var streams = StreamTable()
    var closed: ClosedStreams
    /// Streams with output waiting for window, in arrival order.
    var blocked: [UInt32] = []
    var highestStreamID: UInt32 = 0
    /// The last stream id of our final GOAWAY, once sent.
    var goAwayLastStream: UInt32?
    var peerInitialWindow = 65535
    var peerMaxFrameSize = 16384
    var peerMaxHeaderListSize: Int?

    /// A header block in progress (HEADERS without END_HEADERS, then CONTINUATIONs).
    struct PartialBlock {
        var stream: UInt32
        var bytes: [UInt8]
        var endStream: Bool
        var frames: Int
        var started: UInt64
        var priorityError: Bool
    }
    var partial: PartialBlock?

    var startedAt: UInt64 = 0
    var settingsSentAt: UInt64?
    /// Graceful shutdown, step one (GOAWAY 2^31-1 and a PING) went out at this time; step two, the
    /// real last stream id, follows the PING's ACK or `shutdownPingTimeout`.
    var shutdownPingSentAt: UInt64?
    var shutdownPingTimeout: UInt64 = 0
    var shutdownDebug = ""
    /// After a max-age drain, the connection is closed at this time even with calls still running.
    var graceDeadline: UInt64?
    /// Last time a stream was open; the idle timeout counts from here.
    var lastActive: UInt64 = 0
    /// The application holds more request bytes than its budget: stream credit is rationed.
    var overBudget = false

    /// `ageJitter` is this connection's share of the max-age jitter, in [-0.1, 0.1); tests pass 0.
    public init(configuration: Configuration = Configuration(), ageJitter: Double = Double.random(in: -0.1..<0.1)) {
        self.configuration = configuration
        let age = Double(configuration.maxConnectionAgeNanos)
        self.maxAgeNanos =
            configuration.maxConnectionAgeNanos == 0 ? 0 : UInt64(max(1, age + age * min(0.1, max(-0.1, ageJitter))))
        self.decoder = Decoder(
            maxTableSize: 4096, maxHeaderListSize: configuration.maxHeaderListSize,
            maxFieldCount: configuration.maxHeaderFields)
        self.closed = ClosedStreams(capacity: configuration.closedStreamMemory)
        self.glitches = GlitchBudget(configuration)
        self.keepalive = KeepalivePolicy(configuration)
        self.windows = ConnectionWindows(size: configuration.connectionWindowSize)
    }

    /// Queues the server preface: our SETTINGS, and a WINDOW_UPDATE that opens the connection window
    /// to its full size from the start, so a client never waits for credit on its first large request.
    public func start(now: UInt64) {
        startedAt = now
        lastActive = now
        self.now = now
        glitches.start(now: now)
        settingsSentAt = now
        FrameWriter.settings(
            [
                (SettingID.enablePush, 0),
                (SettingID.maxConcurrentStreams, UInt32(configuration.maxConcurrentStreams)),
                (SettingID.initialWindowSize, UInt32(configuration.initialWindowSize)),
                (SettingID.maxHeaderListSize, UInt32(configuration.advertisedMaxHeaderListSize)),
                (SettingID.noRFC7540Priorities, 1),
            ], into: &outbound)
        if let extra = windows.openToFullSize() {
            FrameWriter.windowUpdate(stream: 0, increment: extra, into: &outbound)
        }
    }

    public func takeEvents() -> [Event] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    public var hasEvents: Bool { !events.isEmpty }

    /// Number of streams counted against MAX_CONCURRENT_STREAMS.
    public var activeStreamCount: Int { streams.count }

    public var isClosing: Bool {
        if case .closing = phase { return true }
        return false
    }

    /// The final GOAWAY is out: once no stream is left, the transport closes the connection.
    public var isGoingAway: Bool { goAwayLastStream != nil }

    /// True while the peer may still expect output from us.
    public var hasPendingOutput: Bool { !outbound.isEmpty || !blocked.isEmpty }

    /// The transport wrote everything it had: the ACKs and resets the peer asked for were read.
    public func outputDrained() { glitches.outputDrained() }

    // MARK: - Errors

    /// The one place a protocol violation is answered.
    func answer(_ violation: ProtocolViolation) {
        switch violation {
        case .connection(let code, let debug, let reason): connectionError(code, debug, reason: reason)
        case .stream(let id, let code): streamError(id, code)
        }
    }

    /// Sends GOAWAY and stops reading. The transport flushes `outbound` and closes.
    func connectionError(_ code: ErrorCode, _ debug: String, reason: CloseReason = .error) {
        if isClosing { return }
        if closeReason == nil { closeReason = reason }
        // A GOAWAY may never raise the last stream id an earlier one announced.
        FrameWriter.goAway(lastStream: goAwayLastStream ?? highestStreamID, code: code, debug: debug, into: &outbound)
        phase = .closing(code)
        for id in streams.keys { events.append(.reset(stream: id, code: code)) }
        streams.removeAll()
        blocked.removeAll()
        pendingOutputBytes = 0
        partial = nil
    }

    /// Resets one stream. Our resets spend the flood budget like the peer's, and are bounded while
    /// the peer reads nothing; either limit reached turns this into a connection error.
    func streamError(_ stream: UInt32, _ code: ErrorCode) {
        do throws(ProtocolViolation) {
            try glitches.spend(now: now)
            try glitches.controlFrameQueued()
        } catch {
            answer(error)
            return
        }
        FrameWriter.rstStream(stream: stream, code: code, into: &outbound)
        if drop(stream) != nil {
            events.append(.reset(stream: stream, code: code))
        }
        closed.record(stream, .resetBySelf)
    }

    /// Removes a stream from the active table, with the output it still had queued.
    func drop(_ stream: UInt32) -> StreamState? {
        guard let s = streams.removeValue(forKey: stream) else { return nil }
        pendingOutputBytes -= s.pendingCount
        return s
    }
}
