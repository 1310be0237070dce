import HTTP2

/// A gRPC server over our HTTP/2 connections: the router plus options. It is the factory the
/// transport asks for one `CallDispatcher` per connection.
public struct Server: StreamHandlerFactory {
    public let router: Router
    public let options: ServerOptions

    public init(router: Router, options: ServerOptions = ServerOptions()) {
        self.router = router
        self.options = options
    }

    public func makeHandler() -> any StreamHandler {
        CallDispatcher(router: router, options: options)
    }
}
