/// A composition function: one serialized RunFunction request in, one serialized response out.
/// Implementations run inline on an event loop, so they must not block; a render takes microseconds.
public protocol CompositionFunction: Sendable {
    func respond(to request: RequestView) throws -> [UInt8]
}

/// Adapts a function written against the generated message types (simplest to write, slower on
/// large states, since swift-protobuf decodes and re-encodes every Struct).
public struct MessageFunction: CompositionFunction {
    public let body: @Sendable (RunFunctionRequest) throws -> RunFunctionResponse

    public init(_ body: @escaping @Sendable (RunFunctionRequest) throws -> RunFunctionResponse) {
        self.body = body
    }

    public func respond(to request: RequestView) throws -> [UInt8] {
        try body(try request.message()).serializedBytes()
    }
}

/// The simplest correct function: answers every call with the request's tag, desired state and
/// context exactly as received (byte for byte, unknown fields included) and the TTL. This is what a
/// pipeline step with nothing to add must do (`response.To` in function-sdk-go).
public struct PassThroughFunction: CompositionFunction {
    public var ttlSeconds: Int64

    public init(ttlSeconds: Int64 = Response.defaultTTLSeconds) {
        self.ttlSeconds = ttlSeconds
    }

    public func respond(to request: RequestView) throws -> [UInt8] {
        var w = try Response.start(request, ttlSeconds: ttlSeconds)
        Response.finish(&w, request)
        return w.bytes
    }
}
