/// Limits and advertised settings of a server connection (http2-grpc.md §1, §9).
public struct Configuration: Sendable {
    public var maxConcurrentStreams = 256
    public var initialWindowSize = 1 << 20
    public var connectionWindowSize = 16 << 20
    public var advertisedMaxHeaderListSize = 16384
    /// Decoded header list size past which a request gets HTTP 431.
    public var maxHeaderListSize = 65536
    public var maxHeaderFields = 100
    public var maxHeaderBlockBytes = 64 * 1024
    public var maxContinuationFrames = 8
    public var headerBlockTimeoutNanos: UInt64 = 10_000_000_000
    public var settingsAckTimeoutNanos: UInt64 = 10_000_000_000
    public var prefaceTimeoutNanos: UInt64 = 10_000_000_000
    /// The "glitch" budget (checklist §9, §12): client resets, stream errors we send, empty DATA,
    /// PINGs with no stream open, SETTINGS frames. A token bucket; spent → GOAWAY ENHANCE_YOUR_CALM.
    public var glitchBurst = 200.0
    public var glitchRefillPerSecond = 50.0
    /// Request bytes the application may hold per connection. Past it, stream credit goes only to the
    /// oldest stream still sending, so memory stops growing while calls keep finishing in order.
    public var maxBufferedRequestBytes = 64 << 20
    /// ACKs and resets queued while the peer reads nothing; beyond it, GOAWAY ENHANCE_YOUR_CALM.
    public var maxQueuedControlFrames = 1000
    /// An answer stuck on a zero flow-control window this long is cancelled (RST_STREAM CANCEL).
    public var stalledStreamNanos: UInt64 = 30_000_000_000
    /// A connection with no stream open this long gets a graceful GOAWAY; 0 never. Crossplane keeps
    /// one connection for hours, so the default is an hour (checklist §6.4).
    public var idleTimeoutNanos: UInt64 = 3_600_000_000_000
    /// Closed streams remembered to tell "closed" from "never opened" (§4.2 of the checklist).
    public var closedStreamMemory = 128

    public init() {}
}
