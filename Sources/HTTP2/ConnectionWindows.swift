/// The connection-level flow-control windows, both ways (each stream keeps its own in StreamState).
/// We grant the receive window back in batches of half of it, so a client streaming a large
/// request gets a WINDOW_UPDATE every 8 MiB, not one per frame.
struct ConnectionWindows {
    /// What we may still send on the connection.
    var send = 65535
    /// What the peer may still send us.
    private(set) var receive = 65535
    /// Received and processed, not yet granted back.
    private var unacked = 0
    private let size: Int

    init(size: Int) { self.size = size }

    /// The increment of the WINDOW_UPDATE that opens the receive window to its full size, at start.
    mutating func openToFullSize() -> Int? {
        let extra = size - 65535
        guard extra > 0 else { return nil }
        receive = size
        return extra
    }

    /// Takes a DATA frame's whole payload (padding included) off the receive window.
    mutating func received(_ length: Int) throws(ProtocolViolation) {
        if length > receive { throw .connection(.flowControlError, "DATA exceeds the connection window") }
        receive -= length
    }

    /// Records `n` processed octets; returns the increment to grant once half the window is used.
    mutating func credit(_ n: Int) -> Int? {
        guard n > 0 else { return nil }
        unacked += n
        guard unacked >= size / 2 else { return nil }
        defer { receive += unacked; unacked = 0 }
        return unacked
    }

    /// A WINDOW_UPDATE for the connection.
    mutating func peerGranted(_ increment: Int) throws(ProtocolViolation) {
        if increment == 0 { throw .connection(.protocolError, "WINDOW_UPDATE of 0 on the connection") }
        if send + increment > FrameWriter.maxWindow {
            throw .connection(.flowControlError, "connection window above 2^31-1")
        }
        send += increment
    }
}
