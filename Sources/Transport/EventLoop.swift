import CLinuxShims
import Foundation
import Glibc
import HTTP2
import Synchronization

/// One epoll loop on its own thread. It owns a listening socket (SO_REUSEPORT, so the kernel spreads
/// new connections over the loops) and every connection it accepted; nothing on the hot path is
/// shared between loops, so nothing is locked. Handlers run inline; all output produced during one
/// wake-up goes out in one send per connection.
final class EventLoop: @unchecked Sendable {
    enum Command: Sendable {
        case shutdown(deadline: UInt64)
    }

    private static let wakeToken: UInt64 = 0
    private static let listenerToken: UInt64 = 1
    private static let tickNanos: UInt64 = 25_000_000

    let index: Int
    private let epfd: Int32
    private let wakeFd: Int32
    /// Owned by TCPServer, which closes it after this loop has finished, so the number can never
    /// be reused while this loop or a shutdown caller still uses it.
    private let listenFd: Int32
    private var listening = true
    private let factory: any StreamHandlerFactory
    private let config: ServerConfiguration
    private let connectionBudget: Int
    private let metrics: ConnectionMetrics
    private let commands = Mutex<[Command]>([])
    private let finished = DispatchSemaphore(value: 0)
    /// Published once per loop turn for the metrics endpoint.
    let openConnections = Atomic<Int>(0)
    let openStreams = Atomic<Int>(0)

    private var connections: [UInt64: Connection] = [:]
    private var nextToken: UInt64 = 2
    private var shutdownDeadline: UInt64?
    private var lastTick: UInt64 = 0
    /// Where input that is discarded (after our GOAWAY) is read to.
    private var readBuffer = [UInt8](repeating: 0, count: 16384)
    /// TLS connections with decrypted input left over after a bounded read.
    private var readAgain: [UInt64] = []
    private let tls: TLSContext?
    private static let handshakeNanos: UInt64 = 10_000_000_000

    init(
        index: Int, listenFd: Int32, factory: any StreamHandlerFactory, config: ServerConfiguration,
        connectionBudget: Int,
        tls: TLSContext?, metrics: ConnectionMetrics
    ) throws {
        self.tls = tls
        self.metrics = metrics
        self.index = index
        self.listenFd = listenFd
        self.factory = factory
        self.config = config
        self.connectionBudget = connectionBudget
        let ep = cls_epoll_create()
        guard ep >= 0 else { throw TransportError("epoll_create1", -ep) }
        epfd = ep
        let ev = cls_eventfd()
        guard ev >= 0 else { throw TransportError("eventfd", -ev) }
        wakeFd = ev
        _ = epoll(.add, wakeFd, CLS_EPOLLIN, Self.wakeToken)
        let r = epoll(.add, listenFd, CLS_EPOLLIN, Self.listenerToken)
        guard r == 0 else { throw TransportError("epoll_ctl(listener)", -r) }
    }

    func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "event-loop-\(index)"
        thread.start()
    }

    func send(_ command: Command) {
        commands.withLock { $0.append(command) }
        _ = cls_eventfd_signal(wakeFd)
    }

    func waitUntilFinished() { finished.wait() }

    // MARK: - Loop

    private func run() {
        var events = [cls_event](repeating: cls_event(), count: 256)
        while true {
            let timeout: Int32 =
                !readAgain.isEmpty
                ? 0
                : connections.isEmpty && shutdownDeadline == nil ? -1 : Int32(Self.tickNanos / 1_000_000)
            let n = events.withUnsafeMutableBufferPointer { cls_epoll_wait(epfd, $0.baseAddress, 256, timeout) }
            let now = cls_now_ns()
            if n < 0 {
                config.log(.error, "epoll_wait failed: \(TransportError("epoll_wait", -n))")
                break
            }
            for i in 0..<Int(n) {
                let e = events[i]
                switch e.token {
                case Self.wakeToken:
                    _ = cls_eventfd_drain(wakeFd)
                    drainCommands(now: now)
                case Self.listenerToken:
                    acceptConnections(now: now)
                default:
                    guard let c = connections[e.token] else { continue }
                    if c.isHandshaking {
                        handshake(c, now: now)
                        if c.isClosed || c.isHandshaking { continue }
                    }
                    if e.events & (CLS_EPOLLIN | CLS_EPOLLHUP | CLS_EPOLLERR | CLS_EPOLLRDHUP) != 0 {
                        readable(c, now: now)
                    }
                    if e.events & CLS_EPOLLOUT != 0 { c.dirty = true }
                }
            }
            if !readAgain.isEmpty {
                let again = readAgain
                readAgain.removeAll()
                for token in again { if let c = connections[token] { readable(c, now: now) } }
            }
            if now &- lastTick >= Self.tickNanos {
                lastTick = now
                tickAll(now: now)
            }
            flushDirty(now: now)
            openConnections.store(connections.count, ordering: .relaxed)
            openStreams.store(connections.values.reduce(0) { $0 + $1.h2.activeStreamCount }, ordering: .relaxed)
            if let deadline = shutdownDeadline {
                if connections.isEmpty { break }
                if now >= deadline {
                    for c in Array(connections.values) { close(c, .shutdown) }
                    break
                }
            }
        }
        // A loop that ended on its own must not leave connections queueing on a socket nobody accepts.
        _ = cls_shutdown_both(listenFd)
        _ = cls_close(epfd)
        _ = cls_close(wakeFd)
    }

    private func drainCommands(now: UInt64) {
        let pending = commands.withLock { list -> [Command] in
            defer { list.removeAll() }
            return list
        }
        for command in pending {
            switch command {
            case .shutdown(let deadline):
                guard shutdownDeadline == nil else { continue }
                shutdownDeadline = deadline
                stopAccepting()
                for c in connections.values where !c.isHandshaking {
                    c.h2.beginGracefulShutdown(now: now, debug: "server shutting down", reason: .shutdown)
                    c.dirty = true
                }
            }
        }
    }

    /// Called by TCPServer on its own thread before any loop hears of the shutdown: the kernel
    /// refuses new connections from this moment, whichever loop is slow to wake.
    func stopListening() {
        _ = cls_shutdown_both(listenFd)
    }

    private func stopAccepting() {
        guard listening else { return }
        listening = false
        _ = epoll(.remove, listenFd)
    }

    private func acceptConnections(now: UInt64) {
        for _ in 0..<64 {
            guard listening else { return }
            let fd = cls_accept(listenFd)
            if fd == -EINVAL {
                // The listener was shut down (stopListening) and the shutdown command is still queued.
                stopAccepting()
                return
            }
            if fd < 0 {
                if fd != -EAGAIN && fd != -EINTR && fd != -ECONNABORTED {
                    config.log(.warning, "accept failed: \(TransportError("accept", -fd))")
                }
                return
            }
            if connections.count >= connectionBudget {
                // Over the cap: refuse by closing at once (core needs one connection per replica).
                _ = cls_close(fd)
                continue
            }
            let token = nextToken
            nextToken += 1
            let h2 = ServerConnection(configuration: config.http2)
            var session: TLSSession?
            if let tls {
                guard let s = TLSSession(context: tls, fd: fd, now: now) else {
                    _ = cls_close(fd)
                    continue
                }
                session = s
            }
            // A TLS handshake runs as bytes arrive; a peer that stalls is dropped at the deadline and
            // never holds up other connections.
            let c = Connection(
                fd: fd, token: token, h2: h2, handler: factory.makeHandler(), tls: session,
                handshakeDeadline: now &+ Self.handshakeNanos)
            let r = epoll(.add, fd, CLS_EPOLLIN | CLS_EPOLLRDHUP, token)
            guard r == 0 else {
                _ = cls_close(fd)
                continue
            }
            connections[token] = c
            metrics.opened()
            c.lastWriteProgress = now
            if !c.isHandshaking {
                h2.start(now: now)
                c.dirty = true
            }
        }
    }

    private func handshake(_ c: Connection, now: UInt64) {
        guard let session = c.tls else { return }
        switch session.handshake() {
        case .ok:
            c.lifecycle = .open
            c.h2.start(now: now)
            c.dirty = true
        case .wantRead:
            setHandshakeWrite(c, false)
        case .wantWrite:
            setHandshakeWrite(c, true)
        case .closed:
            close(c, .client)
        case .failed(let why):
            config.log(.debug, "TLS handshake failed: \(why)")
            close(c, .error)
        }
    }

    private func setHandshakeWrite(_ c: Connection, _ wants: Bool) {
        guard case .handshaking(let deadline, let wanted) = c.lifecycle, wanted != wants else { return }
        c.lifecycle = .handshaking(deadline: deadline, wantsWrite: wants)
        _ = epoll(.modify, c.fd, CLS_EPOLLIN | CLS_EPOLLRDHUP | (wants ? CLS_EPOLLOUT : 0), c.token)
    }

    private func readable(_ c: Connection, now: UInt64) {
        // A peer that does not read what we owe it (ACKs of its PINGs and SETTINGS, answers) is not
        // read from either until it catches up: our queue stays bounded and TCP pushes back on it.
        // The same once we have a GOAWAY to deliver: input is only read and discarded after it is out.
        if c.unsentCount > Self.maxUnsentBytes || (c.h2.isClosing && !c.isDraining && c.watchingWrite) {
            pauseReading(c)
            return
        }
        // Bounded per wake-up so one busy peer cannot starve the others on this loop.
        for _ in 0..<16 {
            var result = Connection.ReadResult.wouldBlock
            let discard = c.isDraining || c.h2.isClosing
            if discard {
                // Read and discarded.
                result = readBuffer.withUnsafeMutableBytes { c.read(into: $0) }
            } else {
                // Straight into the connection's input buffer, which parses it at once.
                c.h2.receive(now: now) { space in
                    result = c.read(into: space)
                    if case .data(let n) = result { return n }
                    return 0
                }
            }
            switch result {
            case .data(let n):
                if discard { continue }
                c.dispatch(now: now)
                // Answers go out once they fill a good batch rather than after the whole wake-up: the
                // output buffer stays small enough to be kept and reused instead of regrown each turn.
                if c.h2.outbound.count >= Self.eagerFlushBytes {
                    flush(c, now: now)
                    if c.isClosed { return }
                }
                // A short plain read drained the socket; TLS returns one record at a time, so keep going.
                if c.tls == nil && n < ServerConnection.readChunk { return }
            case .closed:
                // Peer closed its side. Flush what we owe and close.
                _ = c.flush()
                close(c, .client)
                return
            case .wouldBlock:
                return
            case .failed:
                close(c, .error)
                return
            }
        }
        if c.hasBufferedPlaintext { readAgain.append(c.token) }
    }

    private func tickAll(now: UInt64) {
        for c in Array(connections.values) {
            switch c.lifecycle {
            case .handshaking(let until, _), .draining(let until):
                if now >= until { close(c, .error) }
                continue
            case .open, .closed:
                break
            }
            let patience = c.h2.isClosing ? Self.stuckWriterNanos / 6 : Self.stuckWriterNanos
            if c.watchingWrite && now &- c.lastWriteProgress > patience {
                // Nothing written for that long while we owe bytes: the peer stopped reading.
                config.log(.debug, "closing a connection whose peer has not read for \(patience / 1_000_000_000) s")
                close(c, .error)
                continue
            }
            c.h2.tick(now: now)
            c.handler.tick(connection: c.h2, now: now)
            c.dispatch(now: now)
        }
    }

    private func flushDirty(now: UInt64) {
        for c in connections.values where c.dirty && !c.isHandshaking { flush(c, now: now) }
    }

    private func flush(_ c: Connection, now: UInt64) {
        c.dirty = false
        c.h2.setApplicationBuffered(c.handler.bufferedBytes)
        let before = c.unsentCount
        if !c.flush() {
            close(c, .error)
            return
        }
        let after = c.unsentCount
        if after < before || after == 0 { c.lastWriteProgress = now }
        if after == 0 { c.h2.outputDrained() }
        var interestChanged = false
        if c.readPaused && after <= Self.maxUnsentBytes / 2 {
            // Caught up: watch for input again, and read what arrived meanwhile.
            c.readPaused = false
            interestChanged = true
            readAgain.append(c.token)
        }
        let pending = c.hasUnsentBytes
        if pending != c.watchingWrite {
            c.watchingWrite = pending
            interestChanged = true
        }
        if interestChanged { updateInterest(c) }
        if pending { return }
        // Our GOAWAY is out (after an error, or the last call of a graceful end has finished): drain.
        let done = c.h2.isClosing || (c.h2.isGoingAway && c.h2.activeStreamCount == 0 && c.handler.inFlight == 0)
        if done && c.lifecycle == .open {
            c.tls?.shutdown()
            _ = cls_shutdown_write(c.fd)
            c.lifecycle = .draining(until: now &+ 1_000_000_000)
        }
    }

    /// Output queued beyond this stops reading from the connection (SETTINGS and PING
    /// floods from a peer that never reads, CVE-2019-9512/9515, and CVE-2019-9517).
    static let maxUnsentBytes = 1 << 20
    /// Queued output that is written at once, mid wake-up (still one write for many answers).
    static let eagerFlushBytes = 128 << 10
    /// A peer that has read nothing of what we owe for this long is disconnected (a sixth of it once
    /// a GOAWAY is waiting behind the unread bytes).
    static let stuckWriterNanos: UInt64 = 30_000_000_000

    private func pauseReading(_ c: Connection) {
        guard !c.readPaused else { return }
        c.readPaused = true
        updateInterest(c)
    }

    private func updateInterest(_ c: Connection) {
        let events = (c.readPaused ? 0 : CLS_EPOLLIN | CLS_EPOLLRDHUP) | (c.watchingWrite ? CLS_EPOLLOUT : 0)
        _ = epoll(.modify, c.fd, events, c.token)
    }

    /// Closes the socket. The connection counts under the reason the server had to end it, if it had
    /// one (a client that leaves after our max-age GOAWAY is a max-age close), else under `reason`.
    private func close(_ c: Connection, _ reason: CloseReason) {
        guard !c.isClosed else { return }
        c.lifecycle = .closed
        metrics.closed(c.h2.closeReason ?? reason)
        _ = epoll(.remove, c.fd)
        _ = cls_close(c.fd)
        connections[c.token] = nil
    }

    var connectionCount: Int { connections.count }

    /// An epoll_ctl operation on this loop's epoll set.
    private enum EpollOperation: Int32 {
        case add = 0, modify = 1, remove = 2
    }

    /// Adds, changes or removes `fd`'s interest (`events`) and its token. Returns 0 or -errno.
    private func epoll(_ op: EpollOperation, _ fd: Int32, _ events: UInt32 = 0, _ token: UInt64 = 0) -> Int32 {
        cls_epoll_ctl(epfd, op.rawValue, fd, events, token)
    }
}
