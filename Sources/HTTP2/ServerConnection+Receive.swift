import HPACK

/// Frames received: the preface, then one frame at a time through its handler. Handlers throw what
/// they find wrong; `process` answers it, and stops at the first connection error.
extension ServerConnection {
    public func receive(_ bytes: UnsafeRawBufferPointer, now: UInt64) {
        if isClosing { return }
        self.now = now
        inbound.append(bytes)
        process()
    }

    public func receive(_ bytes: [UInt8], now: UInt64) {
        bytes.withUnsafeBytes { receive($0, now: now) }
    }

    /// Lets the transport read straight into the input buffer, saving a copy of every byte received:
    /// `read` gets `readChunk` bytes of room and returns how many it filled (0 for none); those are
    /// then processed as `receive` would. Returns what `read` returned.
    @discardableResult
    public func receive(now: UInt64, readingWith read: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        if isClosing { return 0 }
        self.now = now
        let n = inbound.fill(Self.readChunk, with: read)
        if n > 0 { process() }
        return n
    }

    private func process() {
        do throws(ProtocolViolation) {
            if phase == .awaitingPreface {
                let n = min(inbound.available, Self.preface.count)
                for i in 0..<n where inbound[inbound.offset + i] != Self.preface[i] {
                    throw .connection(.protocolError, "invalid connection preface")
                }
                if n < Self.preface.count { return }
                inbound.consume(Self.preface.count)
                phase = .awaitingSettings
            }
            while !isClosing, let frame = try inbound.nextFrame() {
                do throws(ProtocolViolation) {
                    try handle(frame)
                } catch {
                    answer(error)
                }
            }
        } catch {
            answer(error)
        }
    }

    private func handle(_ f: InboundBuffer.Frame) throws(ProtocolViolation) {
        if phase == .awaitingSettings {
            guard f.type == .settings, !f.has(FrameFlags.ack) else {
                throw .connection(.protocolError, "the first frame must be SETTINGS")
            }
            phase = .open
        }
        if let p = partial, f.type != .continuation || f.stream != p.stream {
            throw .connection(.protocolError, "frame inside a header block")
        }
        switch f.type {
        case .data: try handleData(f)
        case .headers: try handleHeaders(f)
        case .priority: try handlePriority(f)
        case .rstStream: try handleRstStream(f)
        case .settings: try handleSettings(f)
        case .pushPromise: throw .connection(.protocolError, "PUSH_PROMISE from a client")
        case .ping: try handlePing(f)
        case .goAway:
            if f.stream != 0 { throw .connection(.protocolError, "GOAWAY on a stream") }
            if f.length < 8 { throw .connection(.frameSizeError, "GOAWAY shorter than 8 octets") }
        case .windowUpdate: try handleWindowUpdate(f)
        case .continuation: try handleContinuation(f)
        default: break // extension frames are ignored (RFC 9113 section 5.5)
        }
    }

    // MARK: DATA

    private func handleData(_ f: InboundBuffer.Frame) throws(ProtocolViolation) {
        let stream = f.stream
        if stream == 0 { throw .connection(.protocolError, "DATA on stream 0") }
        var bodyStart = f.start
        var bodyLength = f.length
        if f.has(FrameFlags.padded) {
            guard f.length >= 1 else { throw .connection(.frameSizeError, "padded DATA without Pad Length") }
            let pad = Int(inbound[f.start])
            if pad >= f.length { throw .connection(.protocolError, "DATA padding exceeds the payload") }
            bodyStart += 1
            bodyLength = f.length - 1 - pad
        }
        // The whole payload counts against the connection window, whatever happens to the stream.
        try windows.received(f.length)
        if let increment = windows.credit(f.length) {
            FrameWriter.windowUpdate(stream: 0, increment: increment, into: &outbound)
        }
        let endStream = f.has(FrameFlags.endStream)
        if f.length == 0 && !endStream { try glitches.spend(now: now) }

        guard var s = streams[stream] else {
            if stream > highestStreamID { throw .connection(.protocolError, "DATA on idle stream \(stream)") }
            try lateFrame(stream: stream, isHeaders: false)
            return
        }
        if s.remoteClosed { throw .stream(stream, .streamClosed) }
        if f.length > s.recvWindow { throw .stream(stream, .flowControlError) }
        s.recvWindow -= f.length
        s.receivedBytes += bodyLength
        if let cl = s.contentLength, s.receivedBytes > cl || (endStream && s.receivedBytes != cl) {
            streams[stream] = s
            throw .stream(stream, .protocolError)
        }
        if endStream {
            s.remoteClosed = true
        } else {
            s.unackedRecv += f.length
        }
        streams[stream] = s
        if !endStream && (!overBudget || stream == oldestSending()) { creditStream(stream) }
        if bodyLength > 0 || endStream {
            events.append(
                .data(stream: stream, bytes: Array(inbound.slice(bodyStart, bodyLength)), endStream: endStream))
        }
        if endStream { closeIfDone(stream) }
    }

    // MARK: HEADERS and CONTINUATION

    private func handleHeaders(_ f: InboundBuffer.Frame) throws(ProtocolViolation) {
        let stream = f.stream
        if stream == 0 { throw .connection(.protocolError, "HEADERS on stream 0") }
        var blockStart = f.start
        var blockLength = f.length
        var padding = 0
        if f.has(FrameFlags.padded) {
            guard blockLength >= 1 else { throw .connection(.frameSizeError, "HEADERS too short") }
            padding = Int(inbound[blockStart])
            blockStart += 1
            blockLength -= 1
        }
        var priorityError = false
        if f.has(FrameFlags.priority) {
            guard blockLength >= 5 else { throw .connection(.frameSizeError, "HEADERS too short for priority") }
            priorityError = inbound.uint32(at: blockStart) & 0x7fff_ffff == stream
            blockStart += 5
            blockLength -= 5
        }
        if padding > blockLength { throw .connection(.protocolError, "HEADERS padding exceeds the payload") }
        blockLength -= padding
        let block = Array(inbound.slice(blockStart, blockLength))
        let endStream = f.has(FrameFlags.endStream)
        if !f.has(FrameFlags.endHeaders) {
            partial = PartialBlock(
                stream: stream, bytes: block, endStream: endStream, frames: 0, started: now,
                priorityError: priorityError)
            if block.count > configuration.maxHeaderBlockBytes {
                throw .connection(.enhanceYourCalm, "header block too large")
            }
            return
        }
        try headerBlockComplete(stream: stream, block: block, endStream: endStream, priorityError: priorityError)
    }

    private func handleContinuation(_ f: InboundBuffer.Frame) throws(ProtocolViolation) {
        guard var p = partial, p.stream == f.stream, f.stream != 0 else {
            throw .connection(.protocolError, "CONTINUATION without a header block")
        }
        p.frames += 1
        p.bytes.append(contentsOf: inbound.slice(f.start, f.length))
        if p.frames > configuration.maxContinuationFrames || p.bytes.count > configuration.maxHeaderBlockBytes {
            partial = nil
            throw .connection(.enhanceYourCalm, "header block too large")
        }
        if !f.has(FrameFlags.endHeaders) {
            partial = p
            return
        }
        partial = nil
        try headerBlockComplete(
            stream: p.stream, block: p.bytes, endStream: p.endStream, priorityError: p.priorityError)
    }

    private func headerBlockComplete(stream: UInt32, block: [UInt8], endStream: Bool, priorityError: Bool)
        throws(ProtocolViolation)
    {
        // Every block is decoded, whatever becomes of its stream, to keep HPACK in sync.
        let decoded: DecodedBlock
        do {
            decoded = try decoder.decode(block)
        } catch {
            throw .connection(.compressionError, "HPACK: \(error)")
        }
        if var s = streams[stream] {
            // A second block on an open stream is a trailer block; it must end the stream.
            if s.remoteClosed { throw .stream(stream, .streamClosed) }
            if !endStream { throw .stream(stream, .protocolError) }
            do {
                try RequestValidator.validateTrailers(decoded.fields)
            } catch {
                throw .stream(stream, .protocolError)
            }
            if let cl = s.contentLength, cl != s.receivedBytes { throw .stream(stream, .protocolError) }
            s.remoteClosed = true
            streams[stream] = s
            events.append(.trailers(stream: stream))
            closeIfDone(stream)
            return
        }
        if stream & 1 == 0 { throw .connection(.protocolError, "HEADERS on even stream \(stream)") }
        if stream <= highestStreamID {
            try lateFrame(stream: stream, isHeaders: true)
            return
        }
        highestStreamID = stream
        if let last = goAwayLastStream, stream > last {
            closed.record(stream, .resetBySelf)
            return
        }
        if streams.count >= configuration.maxConcurrentStreams { throw .stream(stream, .refusedStream) }
        if priorityError { throw .stream(stream, .protocolError) }
        if decoded.exceededLimits {
            rejectOversizedHeaders(stream: stream, endStream: endStream)
            return
        }
        let head: RequestHead
        do {
            head = try RequestValidator.validate(decoded.fields)
        } catch {
            throw .stream(stream, .protocolError)
        }
        var s = StreamState(id: stream, sendWindow: peerInitialWindow, recvWindow: configuration.initialWindowSize)
        s.contentLength = head.contentLength
        if endStream {
            s.remoteClosed = true
            if let cl = head.contentLength, cl != 0 { throw .stream(stream, .protocolError) }
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
        sendHeaders(
            stream: stream,
            fields: [
                HeaderField(":status", "431"), HeaderField("grpc-status", "8"),
                HeaderField("grpc-message", "header list too large"),
            ], endStream: true)
    }

    /// DATA or HEADERS on a stream at or below the highest id that is not active: ignored if we reset it,
    /// a stream error if the peer reset it, a connection error if it closed normally or never opened.
    private func lateFrame(stream: UInt32, isHeaders: Bool) throws(ProtocolViolation) {
        switch closed.reason(stream) {
        case .resetBySelf: return
        case .resetByPeer: throw .stream(stream, .streamClosed)
        case .normal: throw .connection(.streamClosed, "frame on closed stream \(stream)")
        case nil:
            if isHeaders {
                throw .connection(.protocolError, "HEADERS on stream \(stream) below the highest opened stream")
            }
            throw .stream(stream, .streamClosed)
        }
    }

    // MARK: Control frames

    private func handlePriority(_ f: InboundBuffer.Frame) throws(ProtocolViolation) {
        if f.stream == 0 { throw .connection(.protocolError, "PRIORITY on stream 0") }
        if f.length != 5 { throw .stream(f.stream, .frameSizeError) }
        if inbound.uint32(at: f.start) & 0x7fff_ffff == f.stream { throw .stream(f.stream, .protocolError) }
    }

    private func handleRstStream(_ f: InboundBuffer.Frame) throws(ProtocolViolation) {
        if f.stream == 0 { throw .connection(.protocolError, "RST_STREAM on stream 0") }
        if f.length != 4 { throw .connection(.frameSizeError, "RST_STREAM of \(f.length) octets") }
        if f.stream > highestStreamID { throw .connection(.protocolError, "RST_STREAM on idle stream \(f.stream)") }
        let code = ErrorCode(rawValue: inbound.uint32(at: f.start))
        try glitches.spend(now: now)
        guard drop(f.stream) != nil else { return }
        closed.record(f.stream, .resetByPeer)
        events.append(.reset(stream: f.stream, code: code))
    }

    private func handleSettings(_ f: InboundBuffer.Frame) throws(ProtocolViolation) {
        if f.stream != 0 { throw .connection(.protocolError, "SETTINGS on a stream") }
        if f.has(FrameFlags.ack) {
            if f.length != 0 { throw .connection(.frameSizeError, "SETTINGS ACK with a payload") }
            settingsSentAt = nil
            return
        }
        if f.length % 6 != 0 { throw .connection(.frameSizeError, "SETTINGS length not a multiple of 6") }
        try glitches.spend(now: now)
        var offset = f.start
        while offset < f.start + f.length {
            let id = UInt16(inbound[offset]) << 8 | UInt16(inbound[offset + 1])
            let value = inbound.uint32(at: offset + 2)
            offset += 6
            try apply(setting: id, value)
        }
        try glitches.controlFrameQueued()
        FrameWriter.settingsAck(into: &outbound)
        flushBlocked()
    }

    private func apply(setting id: UInt16, _ value: UInt32) throws(ProtocolViolation) {
        switch id {
        case SettingID.headerTableSize:
            encoder.setPeerMaxTableSize(Int(value))
        case SettingID.enablePush:
            if value > 1 { throw .connection(.protocolError, "ENABLE_PUSH must be 0 or 1") }
        case SettingID.initialWindowSize:
            if value > UInt32(Int32.max) { throw .connection(.flowControlError, "INITIAL_WINDOW_SIZE above 2^31-1") }
            let delta = Int(value) - peerInitialWindow
            peerInitialWindow = Int(value)
            for key in streams.keys {
                streams[key]!.sendWindow += delta
                if streams[key]!.sendWindow > FrameWriter.maxWindow {
                    throw .connection(.flowControlError, "stream window above 2^31-1")
                }
            }
        case SettingID.maxFrameSize:
            if value < 16384 || value > 16_777_215 { throw .connection(.protocolError, "MAX_FRAME_SIZE out of range") }
            peerMaxFrameSize = Int(value)
        case SettingID.maxHeaderListSize:
            peerMaxHeaderListSize = Int(value)
        case SettingID.noRFC7540Priorities:
            if value > 1 { throw .connection(.protocolError, "NO_RFC7540_PRIORITIES must be 0 or 1") }
        default:
            break
        }
    }

    private func handlePing(_ f: InboundBuffer.Frame) throws(ProtocolViolation) {
        if f.stream != 0 { throw .connection(.protocolError, "PING on a stream") }
        if f.length != 8 { throw .connection(.frameSizeError, "PING of \(f.length) octets") }
        if f.has(FrameFlags.ack) {
            if shutdownPingSentAt != nil && goAwayLastStream == nil
                && inbound.slice(f.start, 8).elementsEqual(Self.shutdownPing)
            {
                finishGracefulShutdown()
            }
            return
        }
        try keepalive.ping(now: now)
        try glitches.controlFrameQueued()
        FrameWriter.ping(inbound.slice(f.start, 8), ack: true, into: &outbound)
    }

    private func handleWindowUpdate(_ f: InboundBuffer.Frame) throws(ProtocolViolation) {
        if f.length != 4 { throw .connection(.frameSizeError, "WINDOW_UPDATE of \(f.length) octets") }
        let increment = Int(inbound.uint32(at: f.start) & 0x7fff_ffff)
        if f.stream == 0 {
            try windows.peerGranted(increment)
            flushBlocked()
            return
        }
        if f.stream > highestStreamID { throw .connection(.protocolError, "WINDOW_UPDATE on idle stream \(f.stream)") }
        guard var s = streams[f.stream] else { return }
        if increment == 0 { throw .stream(f.stream, .protocolError) }
        if s.sendWindow + increment > FrameWriter.maxWindow { throw .stream(f.stream, .flowControlError) }
        s.sendWindow += increment
        streams[f.stream] = s
        flush(f.stream)
    }
}
