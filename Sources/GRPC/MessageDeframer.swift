/// Reassembles the one request message of a unary call from DATA payloads (5-octet prefix: flag,
/// big-endian length). Frame and message boundaries are unrelated; the length is checked against
/// the limit before a byte of the body is buffered.
public struct MessageDeframer: Sendable {
    public enum Failure: Error, Equatable, Sendable {
        case tooLarge(length: Int, limit: Int)
        case invalidFlag(UInt8)
        case multipleMessages
    }

    public let limit: Int
    /// For streaming calls: complete messages collect in `messages` instead of ending the call.
    public let allowsMultiple: Bool
    public private(set) var messages: [(compressed: Bool, bytes: [UInt8])] = []
    private var prefix: [UInt8] = []
    /// The body received so far, as the DATA payloads it came in: joined once, when complete, into
    /// a buffer of exactly the message's size. Growing one array instead would copy it as it doubles
    /// and hold up to twice the bytes received; sizing it from the declared length would let a peer
    /// make us reserve 4 MiB per stream by sending five bytes.
    private var chunks: [[UInt8]] = []
    private var received = 0
    private var expected: Int?
    public private(set) var compressed = false
    public private(set) var message: [UInt8]?

    public init(limit: Int, allowsMultiple: Bool = false) {
        self.limit = limit
        self.allowsMultiple = allowsMultiple
    }

    /// The messages completed so far (streaming mode), oldest first.
    public mutating func takeMessages() -> [(compressed: Bool, bytes: [UInt8])] {
        defer { messages.removeAll() }
        return messages
    }

    /// Bytes held: a partial prefix, a partial body and complete messages not yet handled.
    public var bufferedCount: Int {
        prefix.count + received + (message?.count ?? 0) + messages.reduce(0) { $0 + $1.bytes.count }
    }

    /// True when bytes of an incomplete message are buffered.
    public var isPartial: Bool { !prefix.isEmpty || expected != nil }

    public mutating func append(_ bytes: [UInt8]) throws(Failure) {
        var i = 0
        while i < bytes.count {
            if message != nil { throw .multipleMessages }
            if let n = expected {
                let take = min(n - received, bytes.count - i)
                // A whole payload is kept as it is (no copy); only a message boundary inside one splits it.
                chunks.append(i == 0 && take == bytes.count ? bytes : Array(bytes[i..<(i + take)]))
                received += take
                i += take
                if received == n { finish() }
                continue
            }
            let take = min(5 - prefix.count, bytes.count - i)
            prefix.append(contentsOf: bytes[i..<(i + take)])
            i += take
            if prefix.count == 5 {
                let flag = prefix[0]
                if flag > 1 { throw .invalidFlag(flag) }
                let length = Int(prefix[1]) << 24 | Int(prefix[2]) << 16 | Int(prefix[3]) << 8 | Int(prefix[4])
                if length > limit { throw .tooLarge(length: length, limit: limit) }
                compressed = flag == 1
                prefix.removeAll()
                expected = length
                if length == 0 { finish() }
            }
        }
    }

    private mutating func finish() {
        var body: [UInt8]
        if chunks.count == 1 {
            body = chunks[0]
        } else {
            body = []
            body.reserveCapacity(received)
            for c in chunks { body.append(contentsOf: c) }
        }
        chunks = []
        received = 0
        if allowsMultiple {
            messages.append((compressed, body))
        } else {
            message = body
        }
        expected = nil
    }
}
