import HTTP2
import Synchronization

/// Connections opened, and closed by reason, over every loop. Updated once per connection, so one
/// lock shared by the loops costs nothing measurable; read by the metrics endpoint.
public final class ConnectionMetrics: Sendable {
    private let counts = Mutex<[Int]>([Int](repeating: 0, count: CloseReason.allCases.count + 1))

    public init() {}

    func opened() { counts.withLock { $0[0] += 1 } }

    func closed(_ reason: CloseReason) {
        let i = CloseReason.allCases.firstIndex(of: reason)! + 1
        counts.withLock { $0[i] += 1 }
    }

    /// Both counters in the Prometheus text format, every reason listed even at zero. A connection
    /// counts as opened from accept (a TLS one before its handshake).
    public var prometheus: String {
        let c = counts.withLock { $0 }
        var out = """
            # HELP function_secrets_connections_opened_total HTTP/2 connections accepted.
            # TYPE function_secrets_connections_opened_total counter
            function_secrets_connections_opened_total \(c[0])
            # HELP function_secrets_connections_closed_total HTTP/2 connections closed, by why they ended.
            # TYPE function_secrets_connections_closed_total counter

            """
        for (i, reason) in CloseReason.allCases.enumerated() {
            out += "function_secrets_connections_closed_total{reason=\"\(reason.rawValue)\"} \(c[i + 1])\n"
        }
        return out
    }
}
