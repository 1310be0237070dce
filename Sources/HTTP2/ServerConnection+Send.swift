import HPACK

/// Frames sent for the application: header blocks, DATA as the flow-control windows allow, trailers,
/// and resets. Every HEADERS or DATA frame written tells the keepalive policy, since an answer in
/// progress is what makes a client's PINGs legitimate.
extension ServerConnection {

    /// Encodes and queues a header block. `memo` names a slot (below `Encoder.memoSlots`) for a list
    /// sent again and again, always the same under that slot, whose encoding HPACK may replay.
    public func sendHeaders(stream: UInt32, fields: [HeaderField], endStream: Bool, memo: Int? = nil) {
        guard var s = streams[stream], !s.localClosed else { return }
        encode(fields, memo: memo)
        FrameWriter.headerBlock(
            stream: stream, block: encodeScratch, endStream: endStream,
            maxFrameSize: peerMaxFrameSize, into: &outbound)
        keepalive.wrote()
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
        guard s.pendingCount == 0, total > 0, total <= min(s.sendWindow, windows.send, peerMaxFrameSize) else {
            sendData(stream: stream, bytes: prefix + bytes, endStream: endStream)
            return
        }
        FrameWriter.header(
            length: total, type: .data, flags: endStream ? FrameFlags.endStream : 0, stream: stream, into: &outbound)
        outbound.append(contentsOf: prefix)
        outbound.append(contentsOf: bytes)
        keepalive.wrote()
        s.sendWindow -= total
        windows.send -= total
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
    func encode(_ fields: [HeaderField], memo: Int?) {
        encodeScratch.removeAll(keepingCapacity: true)
        if let slot = memo {
            encoder.encode(fields, into: &encodeScratch, memo: slot)
        } else {
            encoder.encode(fields, into: &encodeScratch)
        }
    }

    /// Graceful shutdown in two steps (RFC 9113 section 6.8): GOAWAY(2^31-1) and a PING now, so streams the

    func flush(_ stream: UInt32) {
        guard var s = streams[stream] else { return }
        let before = s.pendingCount
        while s.pendingCount > 0 {
            let n = min(s.pendingCount, s.sendWindow, windows.send, peerMaxFrameSize)
            if n <= 0 { break }
            let last = n == s.pendingCount
            let endStream = last && s.endAfterPending && s.pendingTrailers == nil
            FrameWriter.header(
                length: n, type: .data, flags: endStream ? FrameFlags.endStream : 0,
                stream: stream, into: &outbound)
            outbound.append(contentsOf: s.pending[s.pendingOffset..<(s.pendingOffset + n)])
            keepalive.wrote()
            s.pendingOffset += n
            pendingOutputBytes -= n
            s.sendWindow -= n
            windows.send -= n
            if endStream { s.localClosed = true }
        }
        if s.pendingCount == 0 {
            s.pending = []
            s.pendingOffset = 0
            if s.endAfterPending && !s.localClosed {
                if let trailers = s.pendingTrailers {
                    encode(trailers, memo: s.trailersMemo)
                    FrameWriter.headerBlock(
                        stream: stream, block: encodeScratch, endStream: true,
                        maxFrameSize: peerMaxFrameSize, into: &outbound)
                } else {
                    FrameWriter.header(
                        length: 0, type: .data, flags: FrameFlags.endStream, stream: stream, into: &outbound)
                }
                keepalive.wrote()
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

    func flushBlocked() {
        if blocked.isEmpty { return }
        let waiting = blocked
        blocked.removeAll(keepingCapacity: true)
        for id in waiting where streams[id] != nil {
            if windows.send <= 0 {
                blocked.append(id)
                continue
            }
            flush(id)
        }
    }

    /// Our side has ended the stream. If the client has not, reset it with NO_ERROR so it stops
    /// sending (RFC 9113 section 8.1, gRPC early server closure).
    func localEnded(_ stream: UInt32) {
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

    func closeIfDone(_ stream: UInt32) {
        guard let s = streams[stream], s.remoteClosed, s.localClosed else { return }
        streams[stream] = nil
        closed.record(stream, .normal)
    }
}
