import SwiftProtobuf

/// Builders for responses, after function-sdk-go's `response` package.
public enum Response {
    public static let defaultTTLSeconds: Int64 = 60

    /// A response that copies the request's tag, its whole desired state (unknown protobuf fields
    /// included) and its context, and sets the TTL. A function then changes only what it owns.
    /// `ttlSeconds` 0 leaves `meta.ttl` unset ("no opinion").
    public static func to(_ request: RunFunctionRequest, ttlSeconds: Int64 = defaultTTLSeconds, ttlNanos: Int32 = 0)
        -> RunFunctionResponse
    {
        var response = RunFunctionResponse()
        response.meta.tag = request.meta.tag
        if ttlSeconds != 0 || ttlNanos != 0 {
            var d = Google_Protobuf_Duration()
            d.seconds = ttlSeconds
            d.nanos = ttlNanos
            response.meta.ttl = d
        }
        if request.hasDesired { response.desired = request.desired }
        if request.hasContext { response.context = request.context }
        return response
    }

    /// Starts a serialized response: meta (tag and TTL) and the request's desired state verbatim.
    /// A function that owns nothing else calls `finish` next.
    public static func start(_ request: RequestView, ttlSeconds: Int64 = defaultTTLSeconds) throws -> ResponseWriter {
        var w = ResponseWriter(capacity: request.bytes.count + 64)
        w.meta(tag: try request.tag(), ttlSeconds: ttlSeconds)
        if let desired = request.payload(RequestView.Field.desired) { w.raw(ResponseWriter.Field.desired, desired) }
        return w
    }

    /// Copies the request's context, present even when empty, absent when absent.
    public static func finish(_ w: inout ResponseWriter, _ request: RequestView) {
        if let context = request.payload(RequestView.Field.context) { w.raw(ResponseWriter.Field.context, context) }
    }

    /// Adds one Fatal result. Crossplane stops the pipeline and applies nothing.
    public static func fatal(
        _ response: inout RunFunctionResponse, _ message: String, reason: String? = nil, target: Target? = nil
    ) {
        var r = Result()
        r.severity = .fatal
        r.message = message
        if let reason { r.reason = reason }
        if let target { r.target = target }
        response.results.append(r)
    }
}
