/// The application side of a connection: it receives the connection's events and answers through
/// the connection's send methods. One instance per connection, used on that connection's thread only.
public protocol StreamHandler: AnyObject {
    func handle(_ event: Event, connection: ServerConnection, now: UInt64)
    /// Called periodically; enforces the application's own timers (request deadlines).
    func tick(connection: ServerConnection, now: UInt64)
    /// Calls still waiting for input or output.
    var inFlight: Int { get }
    /// Request bytes held in incomplete messages (the connection's buffered-bytes budget).
    var bufferedBytes: Int { get }
}

/// Makes one `StreamHandler` per accepted connection. Shared by every event loop.
public protocol StreamHandlerFactory: Sendable {
    func makeHandler() -> any StreamHandler
}
