/// Limits and hooks of a gRPC server.
public struct ServerOptions: Sendable {
    /// `--max-recv-message-size`, in octets; checked against the length prefix.
    public var maxReceiveMessageSize = 4 << 20
    /// Applied when the client sends no `grpc-timeout`, and to non-gRPC requests, so that no request can hold a stream open forever.
    public var maxRequestNanos: UInt64 = 300_000_000_000
    /// Answers at least this large are gzipped for clients that send `grpc-accept-encoding: gzip`
    /// (Crossplane never does); nil never compresses.
    public var compressionThreshold: Int? = 64 * 1024
    /// Called with a short description when a handler fails unexpectedly (never with request data).
    public var onHandlerError: (@Sendable (String) -> Void)?
    /// Called once per finished call with its path, status and duration.
    public var onCallFinished: (@Sendable (_ path: String, _ code: StatusCode, _ nanos: UInt64) -> Void)?

    public init() {}
}
