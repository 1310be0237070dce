import HPACK
import HTTP2

/// What to do with a new request stream, decided from its header block alone: the one place that
/// checks a request before any of its body is read.
enum RequestPlan {
    /// A unary call: collect its one message, then run the handler.
    case unary(UnaryHandler, CallContext, gzip: Bool, acceptsGzip: Bool)
    /// A bidirectional stream: answer each message as it completes.
    case streaming(StreamingHandler, CallContext)
    /// Not a gRPC request: an HTTP answer with a body once the request is complete (and, for a gRPC
    /// client that used the wrong method, a grpc-status it understands).
    case http(status: String, body: String, grpcStatus: StatusCode?)
    /// A gRPC request refused at once, with a Trailers-Only answer.
    case reject(Status)
    /// A grpc-timeout that does not parse: HTTP 400 with grpc-status 13, as grpc-go answers it.
    case malformedTimeout(String)

    static func make(_ head: RequestHead, endStream: Bool, router: Router, options: ServerOptions, now: UInt64)
        -> RequestPlan
    {
        let contentType = head.first("content-type")
        guard let ct = contentType, let subtype = grpcSubtype(ct) else {
            return .http(
                status: "415",
                body:
                    "this is a gRPC server: requests need content-type application/grpc, got \(contentType.map { "\"\($0)\"" } ?? "none")\n",
                grpcStatus: nil)
        }
        if head.method != "POST" {
            return .http(status: "405", body: "gRPC requires POST, got \(head.method)\n", grpcStatus: .internalError)
        }
        if head.repeatedAuthority {
            return .http(status: "400", body: "more than one :authority or host\n", grpcStatus: nil)
        }
        var deadline: UInt64?
        if let t = head.first("grpc-timeout") {
            guard let nanos = Timeout.parseNanoseconds(t) else {
                return .malformedTimeout("malformed grpc-timeout: \(t)")
            }
            deadline = now &+ min(nanos, options.maxRequestNanos)
        }
        let route = router.resolve(head.path)
        if case .failure(let status) = route { return .reject(status) }
        let encoding = head.first("grpc-encoding") ?? "identity"
        if encoding != "identity" && encoding != "gzip" {
            // Trailers-Only already carries grpc-accept-encoding: what we can read, never the rejected one.
            return .reject(
                Status(.unimplemented, "grpc: Decompressor is not installed for grpc-encoding \"\(encoding)\""))
        }
        if !subtype.isEmpty && subtype != "proto" {
            return .reject(Status(.internalError, "no codec registered for content-subtype \(subtype)"))
        }
        if let d = deadline, d <= now { return .reject(Status(.deadlineExceeded, "context deadline exceeded")) }
        let context = CallContext(path: head.path, deadline: deadline, userAgent: head.first("user-agent"))
        switch route {
        case .stream(let handler):
            // Streams take identity messages only; reflection clients never compress. One that ends
            // with its headers simply has nothing to answer.
            return endStream ? .reject(Status(.ok)) : .streaming(handler, context)
        case .method(let handler):
            if endStream {
                return .reject(Status(.internalError, "grpc: cardinality violation: received no request message"))
            }
            let acceptsGzip =
                head.joined("grpc-accept-encoding")?.split(separator: ",")
                .contains { token in token.filter { $0 != " " && $0 != "\t" } == "gzip" } ?? false
            return .unary(handler, context, gzip: encoding == "gzip", acceptsGzip: acceptsGzip)
        case .failure(let status):
            return .reject(status)
        }
    }

    /// `application/grpc`, `application/grpc+<subtype>` or `application/grpc;<params>`, any case.
    /// Returns the subtype ("" for none), or nil when the content-type is not gRPC.
    static func grpcSubtype(_ contentType: String) -> String? {
        let lower = contentType.lowercased()
        let base = "application/grpc"
        guard lower.hasPrefix(base) else { return nil }
        let rest = lower.dropFirst(base.count)
        if rest.isEmpty || rest.first == ";" { return "" }
        guard rest.first == "+" else { return nil }
        return String(rest.dropFirst().prefix { $0 != ";" })
    }
}

extension MessageDeframer.Failure {
    /// The status a call ends with when its request stream breaks the message framing.
    var status: Status {
        switch self {
        case .tooLarge(let length, let limit):
            Status(.resourceExhausted, "grpc: received message larger than max (\(length) vs. \(limit))")
        case .invalidFlag(let flag): Status(.internalError, "grpc: received unexpected payload format \(flag)")
        case .multipleMessages:
            Status(.internalError, "grpc: cardinality violation: received multiple request messages")
        }
    }
}
