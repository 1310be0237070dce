/// Keepalive enforcement as gRPC servers do it (gRPC A8). Every PING is answered. Whatever HEADERS or
/// DATA we wrote since the previous PING clears the strikes: grpc-go probes bandwidth with a PING
/// after about every answer, which mostly arrives once the call has ended, and must never count.
/// Otherwise a PING sooner than the minimum time after the previous one is a strike, with or without
/// a stream open; one strike more than allowed ends the connection with GOAWAY ENHANCE_YOUR_CALM
/// "too_many_pings", which grpc-go clients answer by doubling their keepalive time.
struct KeepalivePolicy {
    private let minTime: UInt64
    private let maxStrikes: Int
    private var strikes = 0
    private var lastPingAt: UInt64?
    private var wroteSinceLastPing = false

    init(_ configuration: Configuration) {
        minTime = configuration.keepaliveMinTimeNanos
        maxStrikes = configuration.maxPingStrikes
    }

    /// We wrote a HEADERS or DATA frame.
    mutating func wrote() { wroteSinceLastPing = true }

    /// A PING (not an ACK) arrived at `now`.
    mutating func ping(now: UInt64) throws(ProtocolViolation) {
        if wroteSinceLastPing {
            strikes = 0
        } else if let last = lastPingAt, now &- last < minTime {
            strikes += 1
            if strikes > maxStrikes { throw .connection(.enhanceYourCalm, "too_many_pings", .tooManyPings) }
        }
        wroteSinceLastPing = false
        lastPingAt = now
    }
}
