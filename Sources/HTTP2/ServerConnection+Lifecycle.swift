/// Ending a connection gracefully (shutdown, maximum age, idleness), the timers the connection owns,
/// and rationing stream credit while the application holds too many request bytes.
extension ServerConnection {
    /// Graceful shutdown in two steps (RFC 9113 section 6.8): GOAWAY(2^31-1) and a PING now, so streams
    /// the client opens meanwhile are still served; once the PING is acknowledged (or after
    /// `pingTimeout`), GOAWAY with the highest stream id actually received. Streams above it are
    /// ignored; streams at or below it finish. `debug` goes out as the GOAWAY's debug data.
    public func beginGracefulShutdown(
        now: UInt64, debug: String, reason: CloseReason = .shutdown,
        pingTimeout: UInt64 = 1_000_000_000
    ) {
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

    func finishGracefulShutdown() {
        goAwayLastStream = highestStreamID
        FrameWriter.goAway(lastStream: highestStreamID, code: .noError, debug: shutdownDebug, into: &outbound)
    }

    /// Enforces the timers the connection owns: preface and first SETTINGS, header block completion,
    /// the ACK of our SETTINGS, the steps of a graceful shutdown, the maximum age and its grace, the
    /// idle timeout, and answers stuck on a closed window.
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
            beginGracefulShutdown(
                now: now, debug: "max_age", reason: .maxAge, pingTimeout: configuration.drainPingTimeoutNanos)
            if configuration.maxConnectionAgeGraceNanos > 0 {
                graceDeadline = now &+ configuration.maxConnectionAgeGraceNanos
            }
        }
        if !streams.isEmpty || partial != nil {
            // A half-sent header block is not idleness; its own 10 s bound applies.
            lastActive = now
        } else if configuration.idleTimeoutNanos > 0 && now &- lastActive > configuration.idleTimeoutNanos {
            beginGracefulShutdown(
                now: now, debug: "idle", reason: .idle, pingTimeout: configuration.drainPingTimeoutNanos)
        }
        // A stream whose answer has waited on a zero window too long is cancelled: a peer that never
        // opens its window cannot pin the answer in memory.
        for id in blocked {
            guard let s = streams[id], let since = s.stalledSince, now &- since > configuration.stalledStreamNanos
            else { continue }
            _ = drop(id)
            FrameWriter.rstStream(stream: id, code: .cancel, into: &outbound)
            closed.record(id, .resetBySelf)
            events.append(.reset(stream: id, code: .cancel))
        }
    }

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
            for id in streams.keys { creditStream(id) } // what was held back while over
        }
    }

    func oldestSending() -> UInt32? {
        var oldest: UInt32?
        for id in streams.keys where !streams[id]!.remoteClosed && (oldest == nil || id < oldest!) { oldest = id }
        return oldest
    }

    /// Returns a stream's consumed window once half of it is used up.
    func creditStream(_ id: UInt32) {
        guard var s = streams[id], !s.remoteClosed, s.unackedRecv >= configuration.initialWindowSize / 2 else { return }
        FrameWriter.windowUpdate(stream: id, increment: s.unackedRecv, into: &outbound)
        s.recvWindow += s.unackedRecv
        s.unackedRecv = 0
        streams[id] = s
    }
}
