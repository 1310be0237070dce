import HTTP2

/// How the transport serves: where, with how many loops, and its limits.
public struct ServerConfiguration: Sendable {
    public var address: ListenAddress
    public var loops: Int
    public var maxConnections = 1024
    /// Time allowed to in-flight calls after SIGTERM before connections are closed.
    public var shutdownGraceNanos: UInt64 = 5_000_000_000
    public var http2 = Configuration()
    public var log: @Sendable (LogLevel, String) -> Void = { _, _ in }

    public init(address: ListenAddress, loops: Int) {
        self.address = address
        self.loops = max(1, loops)
    }
}

public enum LogLevel: String, Sendable {
    case debug, info, warning, error
}
