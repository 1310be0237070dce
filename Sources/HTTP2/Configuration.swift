/// Limits and advertised settings of a server connection: what we tell peers in SETTINGS, and the
/// bounds that keep a hostile peer from holding memory or time.
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
    /// The "glitch" budget: client resets, stream errors we send, empty DATA and SETTINGS frames.
    /// A token bucket; spent → GOAWAY ENHANCE_YOUR_CALM. PINGs have their own rule (below).
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
    /// one connection for hours, so the default is an hour.
    public var idleTimeoutNanos: UInt64 = 3_600_000_000_000
    /// Keepalive enforcement, as gRPC servers do it: a PING that comes sooner than this after the
    /// previous one, with no HEADERS or DATA written by us in between, is a strike. Any HEADERS or DATA
    /// we write clears the strikes, so a client's bandwidth probes (grpc-go pings after about every
    /// answer, usually once the stream is already closed) never count. PINGs need no open stream.
    public var keepaliveMinTimeNanos: UInt64 = 60_000_000_000
    /// Strikes tolerated; the next one ends the connection with GOAWAY ENHANCE_YOUR_CALM, debug
    /// data "too_many_pings" (which grpc-go clients read as "double your keepalive time").
    public var maxPingStrikes = 2
    /// A connection this old is drained with the two-step GOAWAY (debug data "max_age"), so that a
    /// client holding one connection for its whole life, as Crossplane does, re-resolves the Service
    /// and reaches replicas added since; 0 never. Each connection draws ±10 % jitter once, so the
    /// connections of one client do not all reconnect at the same moment.
    public var maxConnectionAgeNanos: UInt64 = 0
    /// After a max-age GOAWAY, calls still running get this long (counted from the first GOAWAY) before
    /// the connection is closed under them; 0 waits forever. Crossplane gives a whole reconcile two
    /// minutes, so the default never cuts a call it is still waiting for.
    public var maxConnectionAgeGraceNanos: UInt64 = 120_000_000_000
    /// The final GOAWAY of a drain follows the ACK of our PING, or this long after the first GOAWAY.
    public var drainPingTimeoutNanos: UInt64 = 5_000_000_000
    /// Closed streams remembered to tell "closed" from "never opened": a frame on the first is a
    /// stream or connection error by how it closed, on the second a connection error.
    public var closedStreamMemory = 128

    public init() {}
}
