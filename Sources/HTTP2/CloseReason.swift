/// Why a connection ended, as the metrics count it. The first reason the server had to end a
/// connection wins: a client that closes after our max-age GOAWAY still counts as `maxAge`.
public enum CloseReason: String, CaseIterable, Sendable {
    /// The connection reached its maximum age and was drained, so the client re-resolves and
    /// spreads its calls over the replicas that exist now.
    case maxAge = "max_age"
    /// No stream for the idle timeout.
    case idle
    /// The client pinged more often than the keepalive policy allows (GOAWAY ENHANCE_YOUR_CALM).
    case tooManyPings = "too_many_pings"
    /// Resets, stream errors, SETTINGS or empty DATA beyond the flood budget, or control frames
    /// queued for a peer that does not read them.
    case glitchBudget = "glitch_budget"
    /// The client closed a connection the server had no reason to end.
    case client
    /// The server is shutting down (SIGTERM or SIGINT).
    case shutdown
    /// A protocol error, a failed TLS handshake, a socket error, or a peer that stopped reading.
    case error
}
