import HPACK

/// Per-stream bookkeeping of a server connection. A stream lives in the active table from its
/// HEADERS until both sides have ended it (or either reset it).
struct StreamState {
    let id: UInt32
    var remoteClosed = false
    var localClosed = false
    var sendWindow: Int
    var recvWindow: Int
    var unackedRecv = 0
    var contentLength: Int?
    var receivedBytes = 0
    /// Response bytes waiting for flow-control window.
    var pending: [UInt8] = []
    var pendingOffset = 0
    /// End the stream once `pending` drains: with trailers if set, else END_STREAM on the last DATA.
    var endAfterPending = false
    var pendingTrailers: [HeaderField]?
    /// The HPACK memo slot the trailers are sent under, if any.
    var trailersMemo: Int?
    /// Since when the answer has waited for window with no byte sent.
    var stalledSince: UInt64?

    init(id: UInt32, sendWindow: Int, recvWindow: Int) {
        self.id = id
        self.sendWindow = sendWindow
        self.recvWindow = recvWindow
    }

    var pendingCount: Int { pending.count - pendingOffset }
}

/// How a stream that is no longer active was closed: decides the answer to its late frames.
enum ClosedReason {
    case resetBySelf
    case resetByPeer
    case normal
}

/// Remembers the last N closed streams.
struct ClosedStreams {
    private var reasons: [UInt32: ClosedReason] = [:]
    private var order: [UInt32] = []
    private var head = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    mutating func record(_ id: UInt32, _ reason: ClosedReason) {
        if reasons.updateValue(reason, forKey: id) != nil { return }
        order.append(id)
        if order.count - head > capacity {
            reasons[order[head]] = nil
            head += 1
            if head > capacity {
                order.removeFirst(head)
                head = 0
            }
        }
    }

    func reason(_ id: UInt32) -> ClosedReason? { reasons[id] }
}
