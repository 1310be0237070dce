/// The flood budget of one connection. Client resets, stream errors we send, empty DATA frames and
/// SETTINGS frames each spend a token of a bucket that refills with time; an empty bucket ends the
/// connection with GOAWAY ENHANCE_YOUR_CALM (Rapid Reset, MadeYouReset, settings floods). Resets we
/// send count too, so a peer cannot make us do the resetting. Separately, the ACKs and resets queued
/// for a peer that does not read them are bounded.
struct GlitchBudget {
    private let burst: Double
    private let refillPerSecond: Double
    private let maxQueuedControlFrames: Int
    private var tokens: Double
    private var refilledAt: UInt64 = 0
    /// ACKs and resets queued since the transport last wrote everything it had.
    private var queuedControlFrames = 0

    init(_ configuration: Configuration) {
        burst = configuration.glitchBurst
        refillPerSecond = configuration.glitchRefillPerSecond
        maxQueuedControlFrames = configuration.maxQueuedControlFrames
        tokens = burst
    }

    mutating func start(now: UInt64) { refilledAt = now }

    /// Spends one token.
    mutating func spend(now: UInt64) throws(ProtocolViolation) {
        let elapsed = Double(now &- refilledAt) / 1e9
        refilledAt = now
        tokens = min(burst, tokens + elapsed * refillPerSecond) - 1
        if tokens < 0 {
            throw .connection(.enhanceYourCalm, "too many resets, errors or control frames", .glitchBudget)
        }
    }

    /// Counts a frame we must send because the peer asked (an ACK) or erred (a reset).
    mutating func controlFrameQueued() throws(ProtocolViolation) {
        queuedControlFrames += 1
        if queuedControlFrames > maxQueuedControlFrames {
            throw .connection(
                .enhanceYourCalm, "too many control frames queued while the peer does not read", .glitchBudget)
        }
    }

    /// The transport wrote everything it had: the peer reads what it asked for.
    mutating func outputDrained() { queuedControlFrames = 0 }
}
