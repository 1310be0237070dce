import CLinuxShims
import Glibc
import HTTP2

/// One accepted socket with its HTTP/2 state and application handler. Lives on one loop thread.
final class Connection {
    let fd: Int32
    let token: UInt64
    let h2: ServerConnection
    let handler: any StreamHandler
    var writeBuffer: [UInt8] = []
    var writeOffset = 0
    var watchingWrite = false
    var dirty = false
    /// After our GOAWAY has been flushed: write side shut, input read and discarded until EOF or this time.
    var drainUntil: UInt64?
    var closed = false

    init(fd: Int32, token: UInt64, h2: ServerConnection, handler: any StreamHandler) {
        self.fd = fd
        self.token = token
        self.h2 = h2
        self.handler = handler
    }

    var hasUnsentBytes: Bool { writeOffset < writeBuffer.count || !h2.outbound.isEmpty }

    /// Delivers the connection's events to the handler.
    func dispatch(now: UInt64) {
        while h2.hasEvents {
            for event in h2.takeEvents() {
                handler.handle(event, connection: h2, now: now)
            }
        }
        dirty = true
    }

    /// Writes what is queued. Returns false on a fatal socket error.
    func flush() -> Bool {
        if writeOffset == writeBuffer.count {
            swap(&writeBuffer, &h2.outbound)
            h2.outbound.removeAll(keepingCapacity: true)
            writeOffset = 0
        } else if !h2.outbound.isEmpty {
            writeBuffer.append(contentsOf: h2.outbound)
            h2.outbound.removeAll(keepingCapacity: true)
        }
        while writeOffset < writeBuffer.count {
            let n = writeBuffer.withUnsafeBytes { raw in
                cls_send(fd, raw.baseAddress! + writeOffset, UInt(writeBuffer.count - writeOffset))
            }
            if n > 0 {
                writeOffset += n
            } else if n == -Int(EAGAIN) {
                break
            } else {
                return false
            }
        }
        if writeOffset == writeBuffer.count {
            writeBuffer.removeAll(keepingCapacity: writeBuffer.capacity <= 1 << 20)
            writeOffset = 0
        }
        return true
    }
}

