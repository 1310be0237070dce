import HPACK
import HTTP2

/// Binds the streams of one HTTP/2 connection to gRPC calls: plans each request from its headers
/// (`RequestPlan`), reassembles its message, runs the handler inline and writes the response.
/// Non-gRPC requests get a real HTTP answer (415, 405 or 400 with a body) once they are complete.
public final class CallDispatcher: StreamHandler {
    private enum Pending {
        /// A gRPC call waiting for its request message.
        case call(Call)
        /// A bidirectional stream: each request message is answered as it completes.
        case stream(StreamCall)
        /// A non-gRPC request; answered with `status` and `body` at END_STREAM.
        case http(status: String, body: String, head: Bool, grpcStatus: StatusCode?, started: UInt64)
    }

    private struct Call {
        var handler: UnaryHandler
        var context: CallContext
        var deframer: MessageDeframer
        var started: UInt64
        /// The request says `grpc-encoding: gzip`.
        var gzip: Bool
        /// The client lists gzip in `grpc-accept-encoding`.
        var acceptsGzip: Bool
    }

    private struct StreamCall {
        var handler: StreamingHandler
        var context: CallContext
        var deframer: MessageDeframer
        var started: UInt64
        var headersSent = false
    }

    private let router: Router
    private let options: ServerOptions
    private var pending: [UInt32: Pending] = [:]
    private var deadlines: [UInt32: UInt64] = [:]

    static let responseHeaders = [
        HeaderField(":status", "200"), HeaderField("content-type", "application/grpc"),
        HeaderField("grpc-accept-encoding", "gzip,identity"),
    ]
    static let gzipResponseHeaders = responseHeaders + [HeaderField("grpc-encoding", "gzip")]
    static let okTrailers = [HeaderField("grpc-status", "0")]
    /// HPACK memo slots of the three lists above: they go out on every call.
    enum Memo {
        static let responseHeaders = 0, gzipResponseHeaders = 1, okTrailers = 2
    }

    public init(router: Router, options: ServerOptions) {
        self.router = router
        self.options = options
    }

    public var inFlight: Int { pending.count }

    /// Request bytes held in incomplete messages, over every call of the connection.
    public private(set) var bufferedBytes = 0

    private static func held(_ p: Pending?) -> Int {
        switch p {
        case .call(let call)?: call.deframer.bufferedCount
        case .stream(let call)?: call.deframer.bufferedCount
        default: 0
        }
    }

    /// Forgets a call, with the request bytes it held.
    private func forget(_ stream: UInt32) {
        bufferedBytes -= Self.held(pending.removeValue(forKey: stream))
    }

    public func handle(_ event: Event, connection: ServerConnection, now: UInt64) {
        switch event {
        case .request(let stream, let head, let endStream):
            start(stream: stream, head: head, endStream: endStream, connection: connection, now: now)
        case .data(let stream, let bytes, let endStream):
            receive(stream: stream, bytes: bytes, endStream: endStream, connection: connection, now: now)
        case .trailers(let stream):
            receive(stream: stream, bytes: [], endStream: true, connection: connection, now: now)
        case .reset(let stream, _):
            forget(stream)
            deadlines[stream] = nil
        }
    }

    public func tick(connection: ServerConnection, now: UInt64) {
        guard !deadlines.isEmpty else { return }
        for (stream, deadline) in deadlines where now >= deadline {
            // The client has already failed the call with DEADLINE_EXCEEDED; the reset frees the
            // stream on both sides at once (a Trailers-Only answer).
            switch pending[stream] {
            case .call(let call)?: options.onCallFinished?(call.context.path, .deadlineExceeded, now &- call.started)
            case .stream(let call)?: options.onCallFinished?(call.context.path, .deadlineExceeded, now &- call.started)
            default: break
            }
            forget(stream)
            deadlines[stream] = nil
            connection.resetStream(stream: stream, code: .cancel)
        }
    }

    // MARK: - Request start

    private func start(stream: UInt32, head: RequestHead, endStream: Bool, connection: ServerConnection, now: UInt64) {
        switch RequestPlan.make(head, endStream: endStream, router: router, options: options, now: now) {
        case .http(let status, let body, let grpcStatus):
            let p = Pending.http(
                status: status, body: body, head: head.method == "HEAD", grpcStatus: grpcStatus, started: now)
            if endStream {
                sendHTTP(stream, p, connection: connection)
            } else {
                pending[stream] = p
                deadlines[stream] = now &+ options.maxRequestNanos
            }
        case .malformedTimeout(let message):
            connection.sendHeaders(
                stream: stream,
                fields: [
                    HeaderField(":status", "400"), HeaderField("content-type", "application/grpc"),
                    HeaderField("grpc-status", "13"), HeaderField("grpc-message", PercentEncoding.encode(message)),
                ], endStream: true)
            options.onCallFinished?(head.path, .internalError, 0)
        case .reject(let status):
            trailersOnly(stream, status, path: head.path, connection: connection, started: now, now: now)
        case .streaming(let handler, let context):
            pending[stream] = .stream(
                StreamCall(
                    handler: handler, context: context,
                    deframer: MessageDeframer(limit: options.maxReceiveMessageSize, allowsMultiple: true),
                    started: now))
            deadlines[stream] = context.deadline ?? (now &+ options.maxRequestNanos)
        case .unary(let handler, let context, let gzip, let acceptsGzip):
            pending[stream] = .call(
                Call(
                    handler: handler, context: context, deframer: MessageDeframer(limit: options.maxReceiveMessageSize),
                    started: now, gzip: gzip, acceptsGzip: acceptsGzip))
            deadlines[stream] = context.deadline ?? (now &+ options.maxRequestNanos)
        }
    }

    private func sendHTTP(_ stream: UInt32, _ p: Pending, connection: ServerConnection) {
        guard case .http(let status, let body, let isHead, let grpcStatus, _) = p else { return }
        var fields = [HeaderField(":status", status), HeaderField("content-type", "text/plain; charset=utf-8")]
        if let g = grpcStatus {
            fields.append(HeaderField("grpc-status", String(g.rawValue)))
            fields.append(HeaderField("grpc-message", PercentEncoding.encode(body.trimmingSuffixNewline)))
        }
        fields.append(HeaderField("content-length", String(body.utf8.count)))
        connection.sendHeaders(stream: stream, fields: fields, endStream: isHead)
        if !isHead { connection.sendData(stream: stream, bytes: Array(body.utf8), endStream: true) }
    }

    // MARK: - Request body

    private func receive(stream: UInt32, bytes: [UInt8], endStream: Bool, connection: ServerConnection, now: UInt64) {
        guard let p = pending[stream] else { return }
        bufferedBytes -= Self.held(p)
        switch p {
        case .http:
            if endStream {
                pending[stream] = nil
                deadlines[stream] = nil
                sendHTTP(stream, p, connection: connection)
            }
        case .stream(var call):
            pending[stream] = nil
            receiveStream(stream, &call, bytes: bytes, endStream: endStream, connection: connection, now: now)
        case .call(var call):
            // Drop the entry while the deframer is mutated so the buffer is not copied on write.
            pending[stream] = nil
            let context = call.context, started = call.started
            do {
                if !bytes.isEmpty { try call.deframer.append(bytes) }
            } catch {
                deadlines[stream] = nil
                trailersOnly(
                    stream, error.status, path: context.path, connection: connection, started: started, now: now)
                return
            }
            guard endStream else {
                bufferedBytes += call.deframer.bufferedCount
                pending[stream] = .call(call)
                return
            }
            deadlines[stream] = nil
            guard var message = call.deframer.message, !call.deframer.isPartial else {
                let text =
                    call.deframer.isPartial
                    ? "grpc: unexpected EOF"
                    : "grpc: cardinality violation: received no request message"
                trailersOnly(
                    stream, Status(.internalError, text), path: context.path, connection: connection,
                    started: started, now: now)
                return
            }
            if call.deframer.compressed {
                guard call.gzip else {
                    trailersOnly(
                        stream, Status(.internalError, "grpc: compressed flag set with identity or empty encoding"),
                        path: context.path, connection: connection, started: started, now: now)
                    return
                }
                do {
                    message = try Gzip.decompress(message, limit: options.maxReceiveMessageSize)
                } catch {
                    let status =
                        switch error {
                        case .tooLarge(let n):
                            Status(
                                .resourceExhausted,
                                "grpc: message after decompression larger than max (\(n) vs. \(options.maxReceiveMessageSize))"
                            )
                        case .corrupt(let why):
                            Status(.internalError, "grpc: failed to decompress the received message: \(why)")
                        }
                    trailersOnly(stream, status, path: context.path, connection: connection, started: started, now: now)
                    return
                }
            }
            run(stream, call: call, message: message, connection: connection, now: now)
        }
    }

    private func receiveStream(
        _ stream: UInt32, _ call: inout StreamCall, bytes: [UInt8], endStream: Bool,
        connection: ServerConnection, now: UInt64
    ) {
        var failure: Status?
        do {
            if !bytes.isEmpty { try call.deframer.append(bytes) }
            for m in call.deframer.takeMessages() {
                if m.compressed {
                    throw Status(.internalError, "grpc: compressed flag set with identity or empty encoding")
                }
                let response = try call.handler(m.bytes, call.context)
                if !call.headersSent {
                    connection.sendHeaders(
                        stream: stream, fields: Self.responseHeaders, endStream: false, memo: Memo.responseHeaders)
                    call.headersSent = true
                }
                connection.sendData(
                    stream: stream, prefix: Self.prefix(length: response.count, compressed: false),
                    bytes: response, endStream: false)
            }
        } catch let status as Status {
            failure = status
        } catch let e as MessageDeframer.Failure {
            failure = e.status
        } catch {
            failure = Status(.unknown, "internal error in the function")
        }
        if failure == nil && !endStream {
            bufferedBytes += call.deframer.bufferedCount
            pending[stream] = .stream(call)
            return
        }
        deadlines[stream] = nil
        var status = failure ?? Status(.ok)
        if failure == nil && call.deframer.isPartial { status = Status(.internalError, "grpc: unexpected EOF") }
        if call.headersSent {
            var trailers = [HeaderField("grpc-status", String(status.code.rawValue))]
            if !status.message.isEmpty {
                trailers.append(HeaderField("grpc-message", PercentEncoding.encode(status.message)))
            }
            connection.sendTrailers(stream: stream, fields: trailers)
            options.onCallFinished?(call.context.path, status.code, now &- call.started)
        } else {
            trailersOnly(
                stream, status, path: call.context.path, connection: connection, started: call.started, now: now)
        }
    }

    /// The gRPC message prefix: compressed flag, then the length as 4 bytes big-endian.
    static func prefix(length n: Int, compressed: Bool) -> [UInt8] {
        [
            compressed ? 1 : 0, UInt8(truncatingIfNeeded: n >> 24), UInt8(truncatingIfNeeded: n >> 16),
            UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n),
        ]
    }

    private func run(_ stream: UInt32, call: Call, message: [UInt8], connection: ServerConnection, now: UInt64) {
        let context = call.context, started = call.started
        var response: [UInt8]
        do {
            response = try call.handler(message, context)
        } catch let status as Status {
            trailersOnly(stream, status, path: context.path, connection: connection, started: started, now: now)
            return
        } catch {
            options.onHandlerError?("\(context.path): \(type(of: error))")
            trailersOnly(
                stream, Status(.unknown, "internal error in the function"), path: context.path,
                connection: connection, started: started, now: now)
            return
        }
        let compress = call.acceptsGzip && options.compressionThreshold.map { response.count >= $0 } == true
        if compress { response = Gzip.compress(response) }
        connection.sendHeaders(
            stream: stream, fields: compress ? Self.gzipResponseHeaders : Self.responseHeaders, endStream: false,
            memo: compress ? Memo.gzipResponseHeaders : Memo.responseHeaders)
        // The 5-byte prefix goes beside the message rather than in a copy of it.
        connection.sendData(
            stream: stream, prefix: Self.prefix(length: response.count, compressed: compress),
            bytes: response, endStream: false)
        connection.sendTrailers(stream: stream, fields: Self.okTrailers, memo: Memo.okTrailers)
        options.onCallFinished?(context.path, .ok, now &- started)
    }

    /// One HEADERS frame with END_STREAM carrying the status (no message was sent).
    private func trailersOnly(
        _ stream: UInt32, _ status: Status, extra: [HeaderField] = [], path: String,
        connection: ServerConnection, started: UInt64, now: UInt64
    ) {
        forget(stream)
        deadlines[stream] = nil
        var fields = Self.responseHeaders
        fields.append(HeaderField("grpc-status", String(status.code.rawValue)))
        if !status.message.isEmpty {
            fields.append(HeaderField("grpc-message", PercentEncoding.encode(status.message)))
        }
        fields += extra
        connection.sendHeaders(stream: stream, fields: fields, endStream: true)
        options.onCallFinished?(path, status.code, now &- started)
    }
}

extension String {
    var trimmingSuffixNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
