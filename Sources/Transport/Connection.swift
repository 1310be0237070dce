import CLinuxShims
import COpenSSL
import Glibc
import HTTP2

/// One accepted socket with its HTTP/2 state and application handler. Lives on one loop thread.
final class Connection {
    let fd: Int32
    let token: UInt64
    let h2: ServerConnection
    let handler: any StreamHandler
    /// Where the connection is in its life.
    enum Lifecycle: Equatable {
        /// The TLS handshake is running; the connection is dropped at `deadline`. `wantsWrite`:
        /// OpenSSL waits for the socket to take its output.
        case handshaking(deadline: UInt64, wantsWrite: Bool)
        /// HTTP/2 frames flow both ways.
        case open
        /// Our last frames are out and our write side is shut; input is read and discarded until EOF
        /// or `until`, so the kernel does not answer the peer's in-flight bytes with a RST that could
        /// destroy our GOAWAY.
        case draining(until: UInt64)
        case closed
    }

    var lifecycle: Lifecycle
    var writeBuffer: [UInt8] = []
    var writeOffset = 0
    /// EPOLLOUT is asked for: bytes wait for the socket.
    var watchingWrite = false
    /// Output may be queued: flush at the end of the loop turn.
    var dirty = false
    /// Reading is suspended until the peer drains what we owe it.
    var readPaused = false
    var lastWriteProgress: UInt64 = 0
    /// TLS state for mTLS listeners; nil for h2c.
    let tls: TLSSession?

    init(
        fd: Int32, token: UInt64, h2: ServerConnection, handler: any StreamHandler, tls: TLSSession?,
        handshakeDeadline: UInt64
    ) {
        self.fd = fd
        self.token = token
        self.h2 = h2
        self.handler = handler
        self.tls = tls
        lifecycle = tls == nil ? .open : .handshaking(deadline: handshakeDeadline, wantsWrite: false)
    }

    var isHandshaking: Bool {
        if case .handshaking = lifecycle { return true }
        return false
    }

    var isDraining: Bool {
        if case .draining = lifecycle { return true }
        return false
    }

    var isClosed: Bool { lifecycle == .closed }

    enum ReadResult {
        case data(Int)
        case wouldBlock
        case closed
        case failed(String)
    }

    /// Reads plaintext: from the socket, or decrypted from the TLS session.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> ReadResult {
        if let tls {
            switch tls.read(buffer) {
            case .ok(let n): return .data(n)
            case .wantRead, .wantWrite: return .wouldBlock
            case .closed: return .closed
            case .failed(let why): return .failed(why)
            }
        }
        let n = cls_recv(fd, buffer.baseAddress, UInt(buffer.count))
        if n > 0 { return .data(n) }
        if n == 0 { return .closed }
        if n == -Int(EAGAIN) || n == -Int(EINTR) { return .wouldBlock }
        return .failed(String(cString: strerror(Int32(-n))))
    }

    /// Bytes OpenSSL holds (decrypted, or read ahead from the socket) that epoll cannot see.
    var hasBufferedPlaintext: Bool { tls.map { SSL_has_pending($0.ssl) == 1 } ?? false }

    /// Writes plaintext; returns bytes written, 0 when it would block, -1 on a fatal error.
    private func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        if let tls {
            switch tls.write(bytes) {
            case .ok(let n): return n
            case .wantRead, .wantWrite: return 0
            case .closed, .failed: return -1
            }
        }
        let n = cls_send(fd, bytes.baseAddress, UInt(bytes.count))
        if n > 0 { return n }
        return n == -Int(EAGAIN) || n == -Int(EINTR) ? 0 : -1
    }

    var hasUnsentBytes: Bool { writeOffset < writeBuffer.count || !h2.outbound.isEmpty }

    /// Bytes queued for the socket and not yet written.
    var unsentCount: Int { writeBuffer.count - writeOffset + h2.outbound.count }

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
                write(UnsafeRawBufferPointer(rebasing: raw[writeOffset...]))
            }
            if n > 0 {
                writeOffset += n
            } else if n == 0 {
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
