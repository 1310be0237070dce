/// What a unary handler learns about its call besides the request bytes.
public struct CallContext: Sendable {
    public var path: String
    /// Absolute monotonic deadline in nanoseconds, if the client sent `grpc-timeout`.
    public var deadline: UInt64?
    public var userAgent: String?

    public init(path: String, deadline: UInt64? = nil, userAgent: String? = nil) {
        self.path = path
        self.deadline = deadline
        self.userAgent = userAgent
    }
}

/// A unary method: serialized request in, serialized response out. Throwing a `Status` answers the
/// call with that status; any other error becomes UNKNOWN.
public typealias UnaryHandler = @Sendable (_ request: [UInt8], _ context: CallContext) throws -> [UInt8]

/// A bidirectional streaming method that answers each request message with one response message
/// (what gRPC server reflection needs); the call ends when the client ends its side.
public typealias StreamingHandler = @Sendable (_ request: [UInt8], _ context: CallContext) throws -> [UInt8]

/// A gRPC service: a fully-qualified name (`package.Service`) and its methods by name.
public struct Service: Sendable {
    public var name: String
    public var methods: [String: UnaryHandler]
    public var streams: [String: StreamingHandler]

    public init(name: String, methods: [String: UnaryHandler] = [:], streams: [String: StreamingHandler] = [:]) {
        self.name = name
        self.methods = methods
        self.streams = streams
    }
}

/// Exact, case-sensitive routing of `/<service>/<method>` paths.
public struct Router: Sendable {
    public enum Resolution {
        case method(UnaryHandler)
        case stream(StreamingHandler)
        case failure(Status)
    }

    private var services: [String: Service] = [:]
    private var byPath: [String: UnaryHandler] = [:]
    private var streamsByPath: [String: StreamingHandler] = [:]

    public init(_ services: [Service] = []) {
        for s in services { add(s) }
    }

    public mutating func add(_ service: Service) {
        services[service.name] = service
        for (name, handler) in service.methods { byPath["/\(service.name)/\(name)"] = handler }
        for (name, handler) in service.streams { streamsByPath["/\(service.name)/\(name)"] = handler }
    }

    public var serviceNames: [String] { services.keys.sorted() }
    public var paths: [String] { (Array(byPath.keys) + Array(streamsByPath.keys)).sorted() }

    /// grpc-go's wording for unknown paths, so logs read the same.
    public func resolve(_ path: String) -> Resolution {
        if let h = byPath[path] { return .method(h) }
        if let h = streamsByPath[path] { return .stream(h) }
        var rest = Substring(path)
        guard rest.first == "/" else { return .failure(Status(.unimplemented, "malformed method name: \"\(path)\"")) }
        rest = rest.dropFirst()
        guard let slash = rest.lastIndex(of: "/") else {
            return .failure(Status(.unimplemented, "malformed method name: \"\(path)\""))
        }
        let service = String(rest[..<slash])
        let method = String(rest[rest.index(after: slash)...])
        if services[service] == nil { return .failure(Status(.unimplemented, "unknown service \(service)")) }
        return .failure(Status(.unimplemented, "unknown method \(method) for service \(service)"))
    }
}
