import HPACK

/// The server side of one HTTP/2 connection as a pure state machine: bytes in, events and bytes out.
/// It owns the stream table, both flow-control directions, HPACK state and every protocol check.
/// No sockets and no clocks: callers pass `now` in nanoseconds of a monotonic clock.
public final class ServerConnection {
    public enum Phase: Equatable, Sendable {
        case awaitingPreface
        case awaitingSettings
        case open
        /// A connection error was sent (GOAWAY). Input is ignored; flush `outbound`, then close.
        case closing(ErrorCode)
    }

    static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    public let configuration: Configuration
    public private(set) var phase: Phase = .awaitingPreface
    /// Bytes to write to the peer, in order. The transport drains it once per loop turn.
    public var outbound: [UInt8] = []
    /// Events for the application, drained with `takeEvents()`.
    public private(set) var events: [Event] = []

    /// Received bytes: processed up to `inboundOffset`, valid up to `inboundEnd`; the rest is space.
    private var inbound: [UInt8] = []
    private var inboundOffset = 0
    private var inboundEnd = 0
    private var decoder: Decoder
    private var encoder = Encoder()
    private var encodeScratch: [UInt8] = []

    private var streams = StreamTable()
    private var closed: ClosedStreams
    private var blocked: [UInt32] = []   // streams with pending output, in arrival order
    private(set) var highestStreamID: UInt32 = 0
    private var goAwayLastStream: UInt32?

    // Flow control.
    private var connectionSendWindow = 65535
    private var connectionRecvWindow = 65535
    private var connectionUnacked = 0
    private var peerInitialWindow = 65535
    private var peerMaxFrameSize = 16384
    public private(set) var peerMaxHeaderListSize: Int?

    // Header block in progress (HEADERS without END_HEADERS, then CONTINUATIONs).
    private struct PartialBlock {
        var stream: UInt32
        var bytes: [UInt8]
        var endStream: Bool
        var frames: Int
        var started: UInt64
        var priorityError: Bool
    }
    private var partial: PartialBlock?

    private var glitchTokens: Double
    private var glitchRefilledAt: UInt64 = 0
    private var now: UInt64 = 0

    private var startedAt: UInt64 = 0
    private var settingsSentAt: UInt64?

    /// Graceful shutdown, step one (GOAWAY 2^31-1 and a PING) was sent at this time; step two, the real
    /// last stream id, follows the PING's ACK or `shutdownPingTimeout`.
    private var shutdownPingSentAt: UInt64?
    private var shutdownPingTimeout: UInt64 = 0
    private var shutdownDebug = ""
    /// Why the server began to end this connection, if it did; the transport counts closes by it.
    public private(set) var closeReason: CloseReason?
    /// This connection's maximum age, jitter included; 0 never.
    public let maxAgeNanos: UInt64
    /// After a max-age drain, the connection is closed at this time even with calls still running.
    private var graceDeadline: UInt64?
    // Keepalive enforcement (see `Configuration.keepaliveMinTimeNanos`).
    private var pingStrikes = 0
    private var lastPingAt: UInt64?
    /// HEADERS or DATA written since the last PING: the next PING clears the strikes.
    private var wroteSinceLastPing = false
    static let shutdownPing: [UInt8] = Array("goaway!!".utf8)
    /// Last time a stream was open; the idle timeout counts from here.
    private var lastActive: UInt64 = 0
    /// ACKs and resets queued since the transport last drained everything it had to write. A peer that
    /// makes us queue more than `maxQueuedControlFrames` without reading them is cut off.
    public var queuedControlFrames = 0
    /// The application holds more request bytes than its budget: stream credit is rationed.
    private var overBudget = false
    /// Response bytes waiting for flow-control window, over all streams.
    public private(set) var pendingOutputBytes = 0

    /// `ageJitter` is this connection's share of the max-age jitter, in [-0.1, 0.1); tests pass 0.
    public init(configuration: Configuration = Configuration(), ageJitter: Double = Double.random(in: -0.1..<0.1)) {
        self.configuration = configuration
        let age = Double(configuration.maxConnectionAgeNanos)
        self.maxAgeNanos = configuration.maxConnectionAgeNanos == 0 ? 0 : UInt64(max(1, age + age * min(0.1, max(-0.1, ageJitter))))
        self.decoder = Decoder(maxTableSize: 4096, maxHeaderListSize: configuration.maxHeaderListSize,
                               maxFieldCount: configuration.maxHeaderFields)
        self.closed = ClosedStreams(capacity: configuration.closedStreamMemory)
        self.glitchTokens = configuration.glitchBurst
    }

    /// Spends one token of the glitch budget; false (and GOAWAY) once it is gone. Resets we send
    /// count too, so a peer cannot make us do the resetting (MadeYouReset, CVE-2025-8671).
    @discardableResult
    private func glitch() -> Bool {
        let elapsed = Double(now &- glitchRefilledAt) / 1e9
        glitchRefilledAt = now
        glitchTokens = min(configuration.glitchBurst, glitchTokens + elapsed * configuration.glitchRefillPerSecond) - 1
        if glitchTokens < 0 {
            connectionError(.enhanceYourCalm, "too many resets, errors or control frames", reason: .glitchBudget)
            return false
        }
        return true
    }

    /// Counts a frame we must send because the peer asked (an ACK) or erred (a reset).
    private func queuedControlFrame() -> Bool {
        queuedControlFrames += 1
        if queuedControlFrames > configuration.maxQueuedControlFrames {
            connectionError(.enhanceYourCalm, "too many control frames queued while the peer does not read", reason: .glitchBudget)
            return false
        }
        return true
    }

    /// Number of streams counted against MAX_CONCURRENT_STREAMS.
    public var activeStreamCount: Int { streams.count }

    /// Queues the server preface: our SETTINGS and a connection WINDOW_UPDATE (a 16 MiB connection window
/// from the start, so a client never waits for credit on its first large request).
    public func start(now: UInt64) {
        startedAt = now
        lastActive = now
        self.now = now
        glitchRefilledAt = now
        settingsSentAt = now
        FrameWriter.settings([
            (SettingID.enablePush, 0),
            (SettingID.maxConcurrentStreams, UInt32(configuration.maxConcurrentStreams)),
            (SettingID.initialWindowSize, UInt32(configuration.initialWindowSize)),
            (SettingID.maxHeaderListSize, UInt32(configuration.advertisedMaxHeaderListSize)),
            (SettingID.noRFC7540Priorities, 1),
        ], into: &outbound)
        let extra = configuration.connectionWindowSize - 65535
        if extra > 0 {
            FrameWriter.windowUpdate(stream: 0, increment: extra, into: &outbound)
            connectionRecvWindow = configuration.connectionWindowSize
        }
    }

    public func takeEvents() -> [Event] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    public var hasEvents: Bool { !events.isEmpty }

    /// Told by the transport after each dispatch how many request bytes the application holds. Over
    /// the budget, stream WINDOW_UPDATEs go only to the oldest stream still sending: the others keep
    /// what window they have but get no more, so buffered bytes stop growing, while the oldest call
    /// can always complete and free its share. Withholding connection credit instead would stall a
    /// client that interleaves many large requests (grpcio, grpc-go) until every call times out.
    public func setApplicationBuffered(_ bytes: Int) {
        let over = bytes > configuration.maxBufferedRequestBytes
        let wasOver = overBudget
        overBudget = over
        guard !isClosing else { return }
        if over {
            if let oldest = oldestSending() { creditStream(oldest) }
        } else if wasOver {
            for id in streams.keys { creditStream(id) }   // what was held back while over
        }
    }

    private func oldestSending() -> UInt32? {
        var oldest: UInt32?
        for id in streams.keys where !streams[id]!.remoteClosed && (oldest == nil || id < oldest!) { oldest = id }
        return oldest
    }

    /// Returns a stream's consumed window once half of it is used up.
    private func creditStream(_ id: UInt32) {
        guard var s = streams[id], !s.remoteClosed, s.unackedRecv >= configuration.initialWindowSize / 2 else { return }
        FrameWriter.windowUpdate(stream: id, increment: s.unackedRecv, into: &outbound)
        s.recvWindow += s.unackedRecv
        s.unackedRecv = 0
        streams[id] = s
    }

    public var isClosing: Bool {
        if case .closing = phase { return true }
        return false
    }

    // MARK: - Input

    public func receive(_ bytes: UnsafeRawBufferPointer, now: UInt64) {
        if isClosing { return }
        self.now = now
        makeRoom(bytes.count)
        inbound.withUnsafeMutableBytes { raw in
            UnsafeMutableRawBufferPointer(rebasing: raw[inboundEnd..<(inboundEnd + bytes.count)]).copyMemory(from: bytes)
        }
        inboundEnd += bytes.count
        process(now: now)
    }

    /// Space the transport reads into at once, with `receive(now:readingWith:)`.
    public static let readChunk = 65536

    /// Lets the transport read straight into the input buffer, saving a copy of every byte received:
    /// `read` gets `readChunk` bytes of space and returns how many it filled (0 for none); those are
    /// then processed as `receive` would. Returns what `read` returned.
    @discardableResult
    public func receive(now: UInt64, readingWith read: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        if isClosing { return 0 }
        self.now = now
        makeRoom(Self.readChunk)
        let n = inbound.withUnsafeMutableBytes { raw in
            read(UnsafeMutableRawBufferPointer(rebasing: raw[inboundEnd..<(inboundEnd + Self.readChunk)]))
        }
        guard n > 0 else { return n }
        precondition(n <= Self.readChunk, "read past the space it was given")
        inboundEnd += n
        process(now: now)
        return n
    }

    /// Makes `count` bytes of space after the unprocessed input: what was processed is dropped (moving
    /// the rest to the front once it is more than 64 KiB in), and the buffer grows only when the
    /// unprocessed input itself needs it. It keeps its size, so reads never pay to zero it again.
    private func makeRoom(_ count: Int) {
        if inboundOffset == inboundEnd {
            inboundOffset = 0
            inboundEnd = 0
        } else if inboundOffset > 65536 || inboundEnd + count > inbound.count {
            inbound.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + inboundOffset, byteCount: inboundEnd - inboundOffset)
            }
            inboundEnd -= inboundOffset
            inboundOffset = 0
        }
        if inboundEnd + count > inbound.count {
            inbound.append(contentsOf: repeatElement(0, count: inboundEnd + count - inbound.count))
        }
    }

    public func receive(_ bytes: [UInt8], now: UInt64) {
        bytes.withUnsafeBytes { receive($0, now: now) }
    }

    private func process(now: UInt64) {
        if phase == .awaitingPreface {
            let available = inboundEnd - inboundOffset
            let n = min(available, Self.preface.count)
            for i in 0..<n where inbound[inboundOffset + i] != Self.preface[i] {
                connectionError(.protocolError, "invalid connection preface")
                return
            }
            if available < Self.preface.count { return }
            inboundOffset += Self.preface.count
            phase = .awaitingSettings
        }
        while !isClosing {
            let available = inboundEnd - inboundOffset
            if available < 9 { return }
            let b = inboundOffset
            let length = Int(inbound[b]) << 16 | Int(inbound[b + 1]) << 8 | Int(inbound[b + 2])
            let type = FrameType(rawValue: inbound[b + 3])
            let flags = inbound[b + 4]
            let stream = (UInt32(inbound[b + 5]) << 24 | UInt32(inbound[b + 6]) << 16
                          | UInt32(inbound[b + 7]) << 8 | UInt32(inbound[b + 8])) & 0x7fff_ffff
            // Checked before the payload is read, so an oversized length never makes us buffer it.
            if length > 16384 {
                connectionError(.frameSizeError, "frame of \(length) octets exceeds SETTINGS_MAX_FRAME_SIZE")
                return
            }
            if available < 9 + length { return }
            inboundOffset += 9 + length
            let payloadStart = b + 9
            handleFrame(type: type, flags: flags, stream: stream, start: payloadStart, length: length, now: now)
        }
    }

    private func payload(_ start: Int, _ length: Int) -> ArraySlice<UInt8> {
        inbound[start..<(start + length)]
    }

    private func handleFrame(type: FrameType, flags: UInt8, stream: UInt32, start: Int, length: Int, now: UInt64) {
        if phase == .awaitingSettings {
            guard type == .settings, flags & FrameFlags.ack == 0 else {
                connectionError(.protocolError, "the first frame must be SETTINGS")
                return
            }
            phase = .open
        }
        if let p = partial, type != .continuation || stream != p.stream {
            connectionError(.protocolError, "frame inside a header block")
            return
        }
        switch type {
        case .data: handleData(flags: flags, stream: stream, start: start, length: length)
        case .headers: handleHeaders(flags: flags, stream: stream, start: start, length: length, now: now)
        case .priority: handlePriority(stream: stream, start: start, length: length)
        case .rstStream: handleRstStream(stream: stream, start: start, length: length)
        case .settings: handleSettings(flags: flags, stream: stream, start: start, length: length)
        case .pushPromise: connectionError(.protocolError, "PUSH_PROMISE from a client")
        case .ping: handlePing(flags: flags, stream: stream, start: start, length: length)
        case .goAway:
            if stream != 0 { connectionError(.protocolError, "GOAWAY on a stream"); return }
            if length < 8 { connectionError(.frameSizeError, "GOAWAY shorter than 8 octets"); return }
        case .windowUpdate: handleWindowUpdate(stream: stream, start: start, length: length)
        case .continuation: handleContinuation(flags: flags, stream: stream, start: start, length: length, now: now)
        default: break   // extension frames are ignored (RFC 9113 section 5.5)
        }
    }

    // MARK: DATA

    private func handleData(flags: UInt8, stream: UInt32, start: Int, length: Int) {
        if stream == 0 { connectionError(.protocolError, "DATA on stream 0"); return }
        var bodyStart = start
        var bodyLength = length
        if flags & FrameFlags.padded != 0 {
            guard length >= 1 else { connectionError(.frameSizeError, "padded DATA without Pad Length"); return }
            let pad = Int(inbound[start])
            if pad >= length { connectionError(.protocolError, "DATA padding exceeds the payload"); return }
            bodyStart += 1
            bodyLength = length - 1 - pad
        }
        // The whole payload counts against the connection window, whatever happens to the stream.
        if length > connectionRecvWindow {
            connectionError(.flowControlError, "DATA exceeds the connection window")
            return
        }
        connectionRecvWindow -= length
        creditConnection(length)
        let endStream = flags & FrameFlags.endStream != 0
        if length == 0 && !endStream && !glitch() { return }

        guard var s = streams[stream] else {
            if stream > highestStreamID { connectionError(.protocolError, "DATA on idle stream \(stream)"); return }
            lateFrame(stream: stream, isHeaders: false)
            return
        }
        if s.remoteClosed {
            streamError(stream, .streamClosed)
            return
        }
        if length > s.recvWindow {
            streamError(stream, .flowControlError)
            return
        }
        s.recvWindow -= length
        s.receivedBytes += bodyLength
        if let cl = s.contentLength, s.receivedBytes > cl || (endStream && s.receivedBytes != cl) {
            streams[stream] = s
            streamError(stream, .protocolError)
            return
        }
        if endStream {
            s.remoteClosed = true
        } else {
            s.unackedRecv += length
        }
        streams[stream] = s
        if !endStream && (!overBudget || stream == oldestSending()) { creditStream(stream) }
        if bodyLength > 0 || endStream {
            events.append(.data(stream: stream, bytes: Array(payload(bodyStart, bodyLength)), endStream: endStream))
        }
        if endStream { closeIfDone(stream) }
    }

    private func creditConnection(_ n: Int) {
        guard n > 0 else { return }
        connectionUnacked += n
        if connectionUnacked >= configuration.connectionWindowSize / 2 {
            FrameWriter.windowUpdate(stream: 0, increment: connectionUnacked, into: &outbound)
            connectionRecvWindow += connectionUnacked
            connectionUnacked = 0
        }
    }

    // MARK: HEADERS and CONTINUATION

    private func handleHeaders(flags: UInt8, stream: UInt32, start: Int, length: Int, now: UInt64) {
        if stream == 0 { connectionError(.protocolError, "HEADERS on stream 0"); return }
        var blockStart = start
        var blockLength = length
        var padding = 0
        if flags & FrameFlags.padded != 0 {
            guard blockLength >= 1 else { connectionError(.frameSizeError, "HEADERS too short"); return }
            padding = Int(inbound[blockStart])
            blockStart += 1
            blockLength -= 1
        }
        var priorityError = false
        if flags & FrameFlags.priority != 0 {
            guard blockLength >= 5 else { connectionError(.frameSizeError, "HEADERS too short for priority"); return }
            let dep = (UInt32(inbound[blockStart]) << 24 | UInt32(inbound[blockStart + 1]) << 16
                       | UInt32(inbound[blockStart + 2]) << 8 | UInt32(inbound[blockStart + 3])) & 0x7fff_ffff
            priorityError = dep == stream
            blockStart += 5
            blockLength -= 5
        }
        if padding > blockLength { connectionError(.protocolError, "HEADERS padding exceeds the payload"); return }
        blockLength -= padding
        let block = Array(payload(blockStart, blockLength))
        let endStream = flags & FrameFlags.endStream != 0
        if flags & FrameFlags.endHeaders == 0 {
            partial = PartialBlock(stream: stream, bytes: block, endStream: endStream, frames: 0, started: now,
                                   priorityError: priorityError)
            if block.count > configuration.maxHeaderBlockBytes {
                connectionError(.enhanceYourCalm, "header block too large")
            }
            return
        }
        headerBlockComplete(stream: stream, block: block, endStream: endStream, priorityError: priorityError)
    }

    private func handleContinuation(flags: UInt8, stream: UInt32, start: Int, length: Int, now: UInt64) {
        guard var p = partial, p.stream == stream, stream != 0 else {
            connectionError(.protocolError, "CONTINUATION without a header block")
            return
        }
        p.frames += 1
        p.bytes.append(contentsOf: payload(start, length))
        if p.frames > configuration.maxContinuationFrames || p.bytes.count > configuration.maxHeaderBlockBytes {
            partial = nil
            connectionError(.enhanceYourCalm, "header block too large")
            return
        }
        if flags & FrameFlags.endHeaders == 0 {
            partial = p
            return
        }
        partial = nil
        headerBlockComplete(stream: p.stream, block: p.bytes, endStream: p.endStream, priorityError: p.priorityError)
    }

    private func headerBlockComplete(stream: UInt32, block: [UInt8], endStream: Bool, priorityError: Bool) {
        // Every block is decoded, whatever becomes of its stream, to keep HPACK in sync.
        let decoded: DecodedBlock
        do {
            decoded = try decoder.decode(block)
        } catch {
            connectionError(.compressionError, "HPACK: \(error)")
            return
        }
        if var s = streams[stream] {
            // A second block on an open stream is a trailer block; it must end the stream.
            if s.remoteClosed { streamError(stream, .streamClosed); return }
            if !endStream { streamError(stream, .protocolError); return }
            do {
                try RequestValidator.validateTrailers(decoded.fields)
            } catch {
                streamError(stream, .protocolError)
                return
            }
            if let cl = s.contentLength, cl != s.receivedBytes { streamError(stream, .protocolError); return }
            s.remoteClosed = true
            streams[stream] = s
            events.append(.trailers(stream: stream))
            closeIfDone(stream)
            return
        }
        if stream & 1 == 0 { connectionError(.protocolError, "HEADERS on even stream \(stream)"); return }
        if stream <= highestStreamID {
            lateFrame(stream: stream, isHeaders: true)
            return
        }
        highestStreamID = stream
        if let last = goAwayLastStream, stream > last {
            closed.record(stream, .resetBySelf)
            return
        }
        if streams.count >= configuration.maxConcurrentStreams {
            streamError(stream, .refusedStream)
            return
        }
        if priorityError { streamError(stream, .protocolError); return }
        if decoded.exceededLimits {
            rejectOversizedHeaders(stream: stream, endStream: endStream)
            return
        }
        let head: RequestHead
        do {
            head = try RequestValidator.validate(decoded.fields)
        } catch {
            streamError(stream, .protocolError)
            return
        }
        var s = StreamState(id: stream, sendWindow: peerInitialWindow, recvWindow: configuration.initialWindowSize)
        s.contentLength = head.contentLength
        if endStream {
            s.remoteClosed = true
            if let cl = head.contentLength, cl != 0 { streamError(stream, .protocolError); return }
        }
        streams[stream] = s
        lastActive = now
        events.append(.request(stream: stream, head: head, endStream: endStream))
    }

    /// HTTP 431 for a header list over our limit (the table is already in sync). The fields were dropped
    /// unread, so whether it was a gRPC call is unknown: the grpc-status is there for those that are
    /// (RESOURCE_EXHAUSTED, as grpc-go reports a header list over its limit).
    private func rejectOversizedHeaders(stream: UInt32, endStream: Bool) {
        var s = StreamState(id: stream, sendWindow: peerInitialWindow, recvWindow: configuration.initialWindowSize)
        s.remoteClosed = endStream
        streams[stream] = s
        sendHeaders(stream: stream, fields: [HeaderField(":status", "431"), HeaderField("grpc-status", "8"),
                                             HeaderField("grpc-message", "header list too large")], endStream: true)
    }

    /// DATA or HEADERS on a stream at or below the highest id that is not active: ignored if we reset it,
/// a stream error if the peer reset it, a connection error if it closed normally or never opened.
    private func lateFrame(stream: UInt32, isHeaders: Bool) {
        switch closed.reason(stream) {
        case .resetBySelf: return
        case .resetByPeer: streamError(stream, .streamClosed)
        case .normal: connectionError(.streamClosed, "frame on closed stream \(stream)")
        case nil:
            if isHeaders {
                connectionError(.protocolError, "HEADERS on stream \(stream) below the highest opened stream")
            } else {
                streamError(stream, .streamClosed)
            }
        }
    }

    // MARK: Control frames

    private func handlePriority(stream: UInt32, start: Int, length: Int) {
        if stream == 0 { connectionError(.protocolError, "PRIORITY on stream 0"); return }
        if length != 5 { streamError(stream, .frameSizeError); return }
        let dep = (UInt32(inbound[start]) << 24 | UInt32(inbound[start + 1]) << 16
                   | UInt32(inbound[start + 2]) << 8 | UInt32(inbound[start + 3])) & 0x7fff_ffff
        if dep == stream { streamError(stream, .protocolError) }
    }

    private func handleRstStream(stream: UInt32, start: Int, length: Int) {
        if stream == 0 { connectionError(.protocolError, "RST_STREAM on stream 0"); return }
        if length != 4 { connectionError(.frameSizeError, "RST_STREAM of \(length) octets"); return }
        if stream > highestStreamID { connectionError(.protocolError, "RST_STREAM on idle stream \(stream)"); return }
        let code = ErrorCode(rawValue: readUInt32(start))
        if !glitch() { return }
        guard drop(stream) != nil else { return }
        closed.record(stream, .resetByPeer)
        events.append(.reset(stream: stream, code: code))
    }

    private func handleSettings(flags: UInt8, stream: UInt32, start: Int, length: Int) {
        if stream != 0 { connectionError(.protocolError, "SETTINGS on a stream"); return }
        if flags & FrameFlags.ack != 0 {
            if length != 0 { connectionError(.frameSizeError, "SETTINGS ACK with a payload"); return }
            settingsSentAt = nil
            return
        }
        if length % 6 != 0 { connectionError(.frameSizeError, "SETTINGS length not a multiple of 6"); return }
        if !glitch() { return }
        var offset = start
        while offset < start + length {
            let id = UInt16(inbound[offset]) << 8 | UInt16(inbound[offset + 1])
            let value = readUInt32(offset + 2)
            offset += 6
            switch id {
            case SettingID.headerTableSize:
                encoder.setPeerMaxTableSize(Int(value))
            case SettingID.enablePush:
                if value > 1 { connectionError(.protocolError, "ENABLE_PUSH must be 0 or 1"); return }
            case SettingID.initialWindowSize:
                if value > UInt32(Int32.max) { connectionError(.flowControlError, "INITIAL_WINDOW_SIZE above 2^31-1"); return }
                let delta = Int(value) - peerInitialWindow
                peerInitialWindow = Int(value)
                for key in streams.keys {
                    streams[key]!.sendWindow += delta
                    if streams[key]!.sendWindow > FrameWriter.maxWindow {
                        connectionError(.flowControlError, "stream window above 2^31-1")
                        return
                    }
                }
            case SettingID.maxFrameSize:
                if value < 16384 || value > 16_777_215 { connectionError(.protocolError, "MAX_FRAME_SIZE out of range"); return }
                peerMaxFrameSize = Int(value)
            case SettingID.maxHeaderListSize:
                peerMaxHeaderListSize = Int(value)
            case SettingID.noRFC7540Priorities:
                if value > 1 { connectionError(.protocolError, "NO_RFC7540_PRIORITIES must be 0 or 1"); return }
            default:
                break
            }
        }
        if !queuedControlFrame() { return }
        FrameWriter.settingsAck(into: &outbound)
        flushBlocked()
    }

    private func handlePing(flags: UInt8, stream: UInt32, start: Int, length: Int) {
        if stream != 0 { connectionError(.protocolError, "PING on a stream"); return }
        if length != 8 { connectionError(.frameSizeError, "PING of \(length) octets"); return }
        if flags & FrameFlags.ack != 0 {
            if shutdownPingSentAt != nil && goAwayLastStream == nil && payload(start, 8).elementsEqual(Self.shutdownPing) {
                finishGracefulShutdown()
            }
            return
        }
        // Keepalive enforcement as gRPC servers do it. Whatever HEADERS or DATA we wrote since the last
        // PING clears the strikes: grpc-go probes bandwidth with a PING after about every answer, which
        // mostly arrives once the call has ended, and must never count. Otherwise a PING sooner than
        // the minimum time after the previous one is a strike, with or without a stream open.
        if wroteSinceLastPing {
            pingStrikes = 0
        } else if let last = lastPingAt, now &- last < configuration.keepaliveMinTimeNanos {
            pingStrikes += 1
            if pingStrikes > configuration.maxPingStrikes {
                connectionError(.enhanceYourCalm, "too_many_pings", reason: .tooManyPings)
                return
            }
        }
        wroteSinceLastPing = false
        lastPingAt = now
        if !queuedControlFrame() { return }
        FrameWriter.ping(payload(start, 8), ack: true, into: &outbound)
    }

    private func handleWindowUpdate(stream: UInt32, start: Int, length: Int) {
        if length != 4 { connectionError(.frameSizeError, "WINDOW_UPDATE of \(length) octets"); return }
        let increment = Int(readUInt32(start) & 0x7fff_ffff)
        if stream == 0 {
            if increment == 0 { connectionError(.protocolError, "WINDOW_UPDATE of 0 on the connection"); return }
            if connectionSendWindow + increment > FrameWriter.maxWindow {
                connectionError(.flowControlError, "connection window above 2^31-1")
                return
            }
            connectionSendWindow += increment
            flushBlocked()
            return
        }
        if stream > highestStreamID { connectionError(.protocolError, "WINDOW_UPDATE on idle stream \(stream)"); return }
        guard var s = streams[stream] else { return }
        if increment == 0 { streamError(stream, .protocolError); return }
        if s.sendWindow + increment > FrameWriter.maxWindow { streamError(stream, .flowControlError); return }
        s.sendWindow += increment
        streams[stream] = s
        flush(stream)
    }

    private func readUInt32(_ i: Int) -> UInt32 {
        UInt32(inbound[i]) << 24 | UInt32(inbound[i + 1]) << 16 | UInt32(inbound[i + 2]) << 8 | UInt32(inbound[i + 3])
    }

    // MARK: - Errors

    /// Sends GOAWAY and stops reading. The transport flushes `outbound` and closes.
    public func connectionError(_ code: ErrorCode, _ debug: String, reason: CloseReason = .error) {
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

    private func streamError(_ stream: UInt32, _ code: ErrorCode) {
        if !glitch() || !queuedControlFrame() { return }
        FrameWriter.rstStream(stream: stream, code: code, into: &outbound)
        if drop(stream) != nil {
            events.append(.reset(stream: stream, code: code))
        }
        closed.record(stream, .resetBySelf)
    }

    // MARK: - Output (called by the application)

    /// Encodes and queues a header block. `memo` names a slot (below `Encoder.memoSlots`) for a list
    /// sent again and again, always the same under that slot, whose encoding HPACK may replay.
    public func sendHeaders(stream: UInt32, fields: [HeaderField], endStream: Bool, memo: Int? = nil) {
        guard var s = streams[stream], !s.localClosed else { return }
        encode(fields, memo: memo)
        FrameWriter.headerBlock(stream: stream, block: encodeScratch, endStream: endStream,
                                maxFrameSize: peerMaxFrameSize, into: &outbound)
        wroteSinceLastPing = true
        if endStream {
            s.localClosed = true
            streams[stream] = s
            localEnded(stream)
        }
    }

    /// Queues body bytes; they go out as the windows allow. With `endStream` the stream ends after them.
    public func sendData(stream: UInt32, bytes: [UInt8], endStream: Bool) {
        guard var s = streams[stream], !s.localClosed, !s.endAfterPending else { return }
        pendingOutputBytes += bytes.count
        if s.pendingCount == 0 {
            s.pending = bytes
            s.pendingOffset = 0
        } else {
            s.pending.append(contentsOf: bytes)
        }
        s.endAfterPending = endStream
        streams[stream] = s
        flush(stream)
    }

    /// Queues a body given as a short prefix and the bytes after it (a gRPC message and its 5-byte
    /// header) without joining them first: when nothing is queued and the windows take it all, both
    /// go straight into one DATA frame; otherwise they are joined and queued as `sendData` does.
    public func sendData(stream: UInt32, prefix: [UInt8], bytes: [UInt8], endStream: Bool) {
        guard var s = streams[stream], !s.localClosed, !s.endAfterPending else { return }
        let total = prefix.count + bytes.count
        guard s.pendingCount == 0, total > 0, total <= min(s.sendWindow, connectionSendWindow, peerMaxFrameSize) else {
            sendData(stream: stream, bytes: prefix + bytes, endStream: endStream)
            return
        }
        FrameWriter.header(length: total, type: .data, flags: endStream ? FrameFlags.endStream : 0, stream: stream, into: &outbound)
        outbound.append(contentsOf: prefix)
        outbound.append(contentsOf: bytes)
        wroteSinceLastPing = true
        s.sendWindow -= total
        connectionSendWindow -= total
        s.stalledSince = nil
        if endStream {
            s.endAfterPending = true
            s.localClosed = true
        }
        streams[stream] = s
        if endStream { localEnded(stream) }
    }

    /// Ends the stream with trailers once queued data has been sent.
    public func sendTrailers(stream: UInt32, fields: [HeaderField], memo: Int? = nil) {
        guard var s = streams[stream], !s.localClosed, !s.endAfterPending else { return }
        s.endAfterPending = true
        s.pendingTrailers = fields
        s.trailersMemo = memo
        streams[stream] = s
        flush(stream)
    }

    /// Resets a stream from the application side (deadline expiry, abandoned request).
    public func resetStream(stream: UInt32, code: ErrorCode) {
        guard drop(stream) != nil else { return }
        FrameWriter.rstStream(stream: stream, code: code, into: &outbound)
        closed.record(stream, .resetBySelf)
    }

    /// Encodes a header block into `encodeScratch`.
    private func encode(_ fields: [HeaderField], memo: Int?) {
        encodeScratch.removeAll(keepingCapacity: true)
        if let slot = memo {
            encoder.encode(fields, into: &encodeScratch, memo: slot)
        } else {
            encoder.encode(fields, into: &encodeScratch)
        }
    }

    /// Removes a stream from the active table, with the output it still had queued.
    private func drop(_ stream: UInt32) -> StreamState? {
        guard let s = streams.removeValue(forKey: stream) else { return nil }
        pendingOutputBytes -= s.pendingCount
        return s
    }

    /// Graceful shutdown in two steps (RFC 9113 section 6.8): GOAWAY(2^31-1) and a PING now, so streams the
    /// client opens meanwhile are still served; once the PING is acknowledged (or after `pingTimeout`),
    /// GOAWAY with the highest stream id actually received. Streams above it are ignored; streams at or
    /// below it finish. `debug` goes out as the GOAWAY's debug data.
    public func beginGracefulShutdown(now: UInt64, debug: String, reason: CloseReason = .shutdown,
                                      pingTimeout: UInt64 = 1_000_000_000) {
        guard !isClosing, goAwayLastStream == nil, shutdownPingSentAt == nil else { return }
        self.now = now
        if closeReason == nil { closeReason = reason }
        shutdownDebug = debug
        shutdownPingTimeout = pingTimeout
        if phase != .open {
            // No SETTINGS from the peer yet, so no stream either: one GOAWAY says it all.
            finishGracefulShutdown()
            return
        }
        FrameWriter.goAway(lastStream: 0x7fff_ffff, code: .noError, debug: debug, into: &outbound)
        FrameWriter.ping(Self.shutdownPing, ack: false, into: &outbound)
        shutdownPingSentAt = now
    }

    private func finishGracefulShutdown() {
        goAwayLastStream = highestStreamID
        FrameWriter.goAway(lastStream: highestStreamID, code: .noError, debug: shutdownDebug, into: &outbound)
    }

    /// The final GOAWAY is out: once no stream is left, the transport closes the connection.
    public var isGoingAway: Bool { goAwayLastStream != nil }

    /// Enforces the timers the connection owns: preface/first SETTINGS, header block completion and
    /// the ACK of our SETTINGS.
    public func tick(now: UInt64) {
        if isClosing { return }
        self.now = now
        switch phase {
        case .awaitingPreface, .awaitingSettings:
            if now &- startedAt > configuration.prefaceTimeoutNanos {
                connectionError(.protocolError, "no preface and SETTINGS in time")
            }
            return
        default:
            break
        }
        if let p = partial, now &- p.started > configuration.headerBlockTimeoutNanos {
            connectionError(.protocolError, "header block not completed in time")
            return
        }
        if let sent = settingsSentAt, now &- sent > configuration.settingsAckTimeoutNanos {
            connectionError(.settingsTimeout, "SETTINGS not acknowledged")
            return
        }
        if let sent = shutdownPingSentAt, goAwayLastStream == nil, now &- sent > shutdownPingTimeout {
            finishGracefulShutdown()
        }
        if let deadline = graceDeadline, now >= deadline {
            // Calls that outlived the grace are cut: the client retries them on its new connection.
            connectionError(.noError, "max_age grace period over")
            return
        }
        if maxAgeNanos > 0 && shutdownPingSentAt == nil && goAwayLastStream == nil && now &- startedAt >= maxAgeNanos {
            beginGracefulShutdown(now: now, debug: "max_age", reason: .maxAge, pingTimeout: configuration.drainPingTimeoutNanos)
            if configuration.maxConnectionAgeGraceNanos > 0 { graceDeadline = now &+ configuration.maxConnectionAgeGraceNanos }
        }
        if !streams.isEmpty || partial != nil {
            // A half-sent header block is not idleness; its own 10 s bound applies.
            lastActive = now
        } else if configuration.idleTimeoutNanos > 0 && now &- lastActive > configuration.idleTimeoutNanos {
            beginGracefulShutdown(now: now, debug: "idle", reason: .idle, pingTimeout: configuration.drainPingTimeoutNanos)
        }
        // A stream whose answer has waited on a zero window too long is cancelled: a peer that never
        // opens its window cannot pin the answer in memory.
        for id in blocked {
            guard let s = streams[id], let since = s.stalledSince, now &- since > configuration.stalledStreamNanos else { continue }
            _ = drop(id)
            FrameWriter.rstStream(stream: id, code: .cancel, into: &outbound)
            closed.record(id, .resetBySelf)
            events.append(.reset(stream: id, code: .cancel))
        }
    }

    private func flush(_ stream: UInt32) {
        guard var s = streams[stream] else { return }
        let before = s.pendingCount
        while s.pendingCount > 0 {
            let n = min(s.pendingCount, s.sendWindow, connectionSendWindow, peerMaxFrameSize)
            if n <= 0 { break }
            let last = n == s.pendingCount
            let endStream = last && s.endAfterPending && s.pendingTrailers == nil
            FrameWriter.header(length: n, type: .data, flags: endStream ? FrameFlags.endStream : 0,
                               stream: stream, into: &outbound)
            outbound.append(contentsOf: s.pending[s.pendingOffset..<(s.pendingOffset + n)])
            wroteSinceLastPing = true
            s.pendingOffset += n
            pendingOutputBytes -= n
            s.sendWindow -= n
            connectionSendWindow -= n
            if endStream { s.localClosed = true }
        }
        if s.pendingCount == 0 {
            s.pending = []
            s.pendingOffset = 0
            if s.endAfterPending && !s.localClosed {
                if let trailers = s.pendingTrailers {
                    encode(trailers, memo: s.trailersMemo)
                    FrameWriter.headerBlock(stream: stream, block: encodeScratch, endStream: true,
                                            maxFrameSize: peerMaxFrameSize, into: &outbound)
                } else {
                    FrameWriter.header(length: 0, type: .data, flags: FrameFlags.endStream, stream: stream, into: &outbound)
                }
                wroteSinceLastPing = true
                s.localClosed = true
            }
        } else if !blocked.contains(stream) {
            blocked.append(stream)
        }
        // The stall clock runs from the last time any byte of this stream's answer could be sent.
        if s.pendingCount == 0 {
            s.stalledSince = nil
        } else if s.stalledSince == nil || s.pendingCount < before {
            s.stalledSince = now
        }
        streams[stream] = s
        if s.localClosed { localEnded(stream) }
    }

    private func flushBlocked() {
        if blocked.isEmpty { return }
        let waiting = blocked
        blocked.removeAll(keepingCapacity: true)
        for id in waiting where streams[id] != nil {
            if connectionSendWindow <= 0 {
                blocked.append(id)
                continue
            }
            flush(id)
        }
    }

    /// Our side has ended the stream. If the client has not, reset it with NO_ERROR so it stops
    /// sending (RFC 9113 section 8.1, gRPC early server closure).
    private func localEnded(_ stream: UInt32) {
        guard let s = streams[stream] else { return }
        if s.remoteClosed {
            streams[stream] = nil
            closed.record(stream, .normal)
        } else {
            FrameWriter.rstStream(stream: stream, code: .noError, into: &outbound)
            streams[stream] = nil
            closed.record(stream, .resetBySelf)
        }
    }

    private func closeIfDone(_ stream: UInt32) {
        guard let s = streams[stream], s.remoteClosed, s.localClosed else { return }
        streams[stream] = nil
        closed.record(stream, .normal)
    }

    /// True while the peer may still expect output from us.
    public var hasPendingOutput: Bool { !outbound.isEmpty || !blocked.isEmpty }
}
