/// A Crossplane composition function: what function-sdk-go calls `RunFunction`. The SDK calls
/// `run` once per reconcile of a composite, on an event-loop thread, so it must not block (a render
/// takes microseconds); serve it with `serve(_:options:)`.
///
/// Everything rendered during `run` (`Rendered` values, `Composed` resources) lives until the SDK
/// has encoded the response, and no longer. A misuse the compiler cannot catch (a rendered value
/// kept from an earlier call, say) answers that one call with a Fatal result naming it; the
/// process keeps serving.
public protocol CompositionFunction: Sendable {
    /// Reads the request and returns the response, usually `FunctionResponse.to(request)` with
    /// what the function composes. A thrown error fails the call with gRPC status INTERNAL; a
    /// problem the user can fix is better reported with `FunctionResponse.fatal`.
    func run(_ request: FunctionRequest) throws -> FunctionResponse
}

/// The simplest correct function: answers every call with the request's tag, desired state and
/// context exactly as received (byte for byte, unknown fields included) and the TTL. This is what a
/// pipeline step with nothing to add must do (`response.To` in function-sdk-go).
public struct PassThroughFunction: CompositionFunction {
    /// The TTL of every answer (nil: none).
    public var ttl: Duration?

    /// Passes everything through, with `ttl`.
    public init(ttl: Duration? = FunctionResponse.defaultTTL) { self.ttl = ttl }

    /// The request's desired state and context, unchanged.
    public func run(_ request: FunctionRequest) throws -> FunctionResponse { .to(request, ttl: ttl) }
}
