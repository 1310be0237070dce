import Synchronization

/// Counts finished calls by status code, across event loops.
public final class CallStatistics: Sendable {
    private let counts = Mutex<[Int: Int]>([:])

    public init() {}

    public func record(_ code: StatusCode) {
        counts.withLock { $0[code.rawValue, default: 0] += 1 }
    }

    public var snapshot: [Int: Int] { counts.withLock { $0 } }

    /// `{"0":1234,"12":1}`, keys in numeric order.
    public var json: String {
        "{" + snapshot.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
    }
}
