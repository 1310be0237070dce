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
    private var body: [UInt8] = []
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
        prefix.count + body.count + (message?.count ?? 0) + messages.reduce(0) { $0 + $1.bytes.count }
    }

    /// True when bytes of an incomplete message are buffered.
    public var isPartial: Bool { !prefix.isEmpty || expected != nil }

    public mutating func append(_ bytes: [UInt8]) throws(Failure) {
        var i = 0
        while i < bytes.count {
            if message != nil { throw .multipleMessages }
            if let n = expected {
                let take = min(n - body.count, bytes.count - i)
                if body.isEmpty && take == bytes.count && i == 0 && take == n {
                    body = bytes   // the whole message arrived in one piece: no copy
                } else {
                    body.append(contentsOf: bytes[i..<(i + take)])
                }
                i += take
                if body.count == n { finish() }
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
                // Never trust the declared length for an allocation: a peer could declare 4 MiB on
                // every stream and send 5 bytes. Grow from 64 KiB as bytes actually arrive.
                body.reserveCapacity(min(length, 1 << 16))
                if length == 0 { finish() }
            }
        }
    }

    private mutating func finish() {
        if allowsMultiple {
            messages.append((compressed, body))
        } else {
            message = body
        }
        body = []
        expected = nil
    }
}
