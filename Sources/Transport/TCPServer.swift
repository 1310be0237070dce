import CLinuxShims
import HTTP2
import Synchronization

/// The listening side: one event loop per core, each with its own SO_REUSEPORT socket on the same
/// port. With port 0 the first socket picks the port and the others bind to it.
public final class TCPServer: @unchecked Sendable {
    private var loops: [EventLoop] = []
    private var listeners: [Int32] = []
    private let stopping = Atomic<Bool>(false)
    public private(set) var port: Int = 0
    private let config: ServerConfiguration
    /// Connections opened and closed (by reason) over every loop.
    public let connectionMetrics = ConnectionMetrics()

    /// With `tls`, every connection must complete an mTLS handshake with ALPN h2 first.
    public init(config: ServerConfiguration, factory: any StreamHandlerFactory, tls: TLSContext? = nil) throws {
        self.config = config
        var port = config.address.port
        let perLoop = max(1, config.maxConnections / config.loops)
        for i in 0..<config.loops {
            let fd = config.address.host.withCString { host in
                cls_listen_tcp(config.address.host.isEmpty ? nil : host, Int32(port), 1024, 1)
            }
            guard fd >= 0 else {
                for l in listeners { _ = cls_close(l) }
                throw TransportError("listen on \(config.address)", -fd)
            }
            listeners.append(fd)
            if port == 0 { port = Int(cls_local_port(fd)) }
            do {
                loops.append(
                    try EventLoop(
                        index: i, listenFd: fd, factory: factory, config: config, connectionBudget: perLoop, tls: tls,
                        metrics: connectionMetrics))
            } catch {
                for l in listeners { _ = cls_close(l) }
                throw error
            }
        }
        self.port = port
    }

    /// Open connections and streams in flight, summed over the loops (for metrics).
    public var connectionCount: Int { loops.reduce(0) { $0 + $1.openConnections.load(ordering: .relaxed) } }
    public var streamsInFlight: Int { loops.reduce(0) { $0 + $1.openStreams.load(ordering: .relaxed) } }

    public func start() {
        for l in loops { l.start() }
    }

    /// Stops accepting, sends GOAWAY on every connection, lets in-flight calls finish until the
    /// grace period ends, then closes everything and returns.
    /// Every listener stops before the first GOAWAY goes out: a client that reads a GOAWAY and
    /// reconnects must be refused, even when another loop has not woken up yet.
    public func shutdown() {
        guard stopping.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        for l in loops { l.stopListening() }
        let deadline = cls_now_ns() &+ config.shutdownGraceNanos
        for l in loops { l.send(.shutdown(deadline: deadline)) }
        for l in loops { l.waitUntilFinished() }
        for l in listeners { _ = cls_close(l) }
    }
}
