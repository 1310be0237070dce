import Synchronization

/// Finished calls by method and status, and a latency histogram per method, across event loops.
/// Methods a client invents are counted under one label, so a peer cannot grow the label set.
public final class CallStatistics: Sendable {
    public static let bucketSeconds: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
    ]

    struct Histogram {
        var buckets = [Int](repeating: 0, count: CallStatistics.bucketSeconds.count)
        var count = 0
        var sumNanos: UInt64 = 0
    }

    /// Per method slot: calls by status code (0...16 in place, anything else in `otherCodes`) and
    /// the latency histogram. Recorded on every call, so updated in place: no hashing of the method
    /// and no copy of a histogram out of a dictionary and back.
    struct Slot {
        var codes = [Int](repeating: 0, count: 17)
        var otherCodes: [Int: Int] = [:]
        var latency = Histogram()

        var byCode: [Int: Int] {
            var out = otherCodes
            for (code, n) in codes.enumerated() where n > 0 { out[code] = n }
            return out
        }
    }

    /// Known methods in order, then "unknown".
    private let methods: [String]
    private let slotOf: [String: Int]
    private let state: Mutex<[Slot]>

    public init(knownMethods: Set<String> = []) {
        methods = knownMethods.sorted() + ["unknown"]
        slotOf = Dictionary(uniqueKeysWithValues: methods.dropLast().enumerated().map { ($1, $0) })
        state = Mutex([Slot](repeating: Slot(), count: methods.count))
    }

    public func record(_ code: StatusCode, path: String = "", nanos: UInt64 = 0) {
        let slot = slotOf[path] ?? methods.count - 1
        let seconds = Double(nanos) / 1e9
        state.withLock { slots in
            if code.rawValue >= 0 && code.rawValue < 17 {
                slots[slot].codes[code.rawValue] += 1
            } else {
                slots[slot].otherCodes[code.rawValue, default: 0] += 1
            }
            for (i, le) in Self.bucketSeconds.enumerated() where seconds <= le { slots[slot].latency.buckets[i] += 1 }
            slots[slot].latency.count += 1
            slots[slot].latency.sumNanos &+= nanos
        }
    }

    /// What has been recorded, by method name: only methods that were called.
    private var recorded: (counts: [String: [Int: Int]], latency: [String: Histogram]) {
        let slots = state.withLock { $0 }
        var counts: [String: [Int: Int]] = [:]
        var latency: [String: Histogram] = [:]
        for (i, slot) in slots.enumerated() where slot.latency.count > 0 {
            counts[methods[i]] = slot.byCode
            latency[methods[i]] = slot.latency
        }
        return (counts, latency)
    }

    /// Calls by status code, over every method.
    public var snapshot: [Int: Int] {
        recorded.counts.values.reduce(into: [:]) { acc, m in for (k, v) in m { acc[k, default: 0] += v } }
    }

    /// `{"0":1234,"12":1}`, keys in numeric order.
    public var json: String {
        "{" + snapshot.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }

    /// Prometheus text exposition of the counters and histograms.
    public var prometheus: String {
        let s = recorded
        var out = "# HELP function_secrets_grpc_requests_total Finished gRPC calls by method and status code.\n"
        out += "# TYPE function_secrets_grpc_requests_total counter\n"
        for method in s.counts.keys.sorted() {
            for (code, n) in s.counts[method]!.sorted(by: { $0.key < $1.key }) {
                out +=
                    "function_secrets_grpc_requests_total{method=\"\(method)\",code=\"\(StatusCode(rawValue: code))\"} \(n)\n"
            }
        }
        out += "# HELP function_secrets_grpc_request_duration_seconds Time from a call's headers to its answer.\n"
        out += "# TYPE function_secrets_grpc_request_duration_seconds histogram\n"
        for method in s.latency.keys.sorted() {
            let h = s.latency[method]!
            for (i, le) in Self.bucketSeconds.enumerated() {
                out +=
                    "function_secrets_grpc_request_duration_seconds_bucket{method=\"\(method)\",le=\"\(le)\"} \(h.buckets[i])\n"
            }
            out +=
                "function_secrets_grpc_request_duration_seconds_bucket{method=\"\(method)\",le=\"+Inf\"} \(h.count)\n"
            out +=
                "function_secrets_grpc_request_duration_seconds_sum{method=\"\(method)\"} \(Double(h.sumNanos) / 1e9)\n"
            out += "function_secrets_grpc_request_duration_seconds_count{method=\"\(method)\"} \(h.count)\n"
        }
        return out
    }
}
