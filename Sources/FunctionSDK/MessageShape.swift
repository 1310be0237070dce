/// The shapes of the request parts we echo without decoding (desired state, context), for a walk that
/// proves them well-formed before they are copied into an answer: a malformed request must get
/// INTERNAL, never an answer Crossplane cannot unmarshal (protobuf wire format, proto3 UTF-8 rule).
enum MessageShape {
    /// `State`: composite (1, Resource), resources (2, map<string, Resource>).
    case state
    /// `Resource`: resource (1, Struct), connection_details (2, map<string, bytes>), ready (3, enum).
    case resource
    /// `google.protobuf.Struct`: fields (1, map<string, Value>).
    case structure
    /// `google.protobuf.Value`: null 1, number 2, string 3, bool 4, struct 5, list 6.
    case value
    /// `google.protobuf.ListValue`: values (1, repeated Value).
    case list
    /// `RequestMeta`: tag (1, string).
    case meta
    /// Map entries, key (1, string) and value (2): of `State.resources`, `Resource.connection_details`
    /// and `Struct.fields`.
    case resourceEntry, bytesEntry, valueEntry

    /// Deeper nesting than this is refused, as protobuf runtimes do (their default recursion limit).
    static let maxDepth = 100

    /// What a known field must hold. Plain enums all through, so the walk allocates nothing and
    /// retains nothing: it runs over every byte of the desired state on every call.
    private enum Kind {
        case unknown
        case varint
        case fixed64
        case string
        case bytes
        case message(MessageShape)
    }

    @inline(__always)
    private func kind(of number: UInt64) -> Kind {
        switch (self, number) {
        case (.state, 1): .message(.resource)
        case (.state, 2): .message(.resourceEntry)
        case (.resource, 1): .message(.structure)
        case (.resource, 2): .message(.bytesEntry)
        case (.resource, 3): .varint
        case (.structure, 1): .message(.valueEntry)
        case (.value, 1), (.value, 4): .varint
        case (.value, 2): .fixed64
        case (.value, 3): .string
        case (.value, 5): .message(.structure)
        case (.value, 6): .message(.list)
        case (.list, 1): .message(.value)
        case (.resourceEntry, 1), (.bytesEntry, 1), (.valueEntry, 1), (.meta, 1): .string
        case (.resourceEntry, 2): .message(.resource)
        case (.bytesEntry, 2): .bytes
        case (.valueEntry, 2): .message(.value)
        default: .unknown
        }
    }

    /// Throws unless `range` holds a well-formed message of this shape. Unknown fields only need to
    /// be well-formed; known ones need their wire type, valid UTF-8 in strings, and their own shape.
    func validate(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, depth: Int = 0) throws(WireFormat.Malformed) {
        guard depth < Self.maxDepth else { throw WireFormat.Malformed(reason: "messages nested deeper than \(Self.maxDepth)") }
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let key = try WireFormat.readVarint(b, &i, end: end)
            let number = key >> 3
            let type = key & 7
            guard number > 0, number <= 536_870_911 else { throw WireFormat.Malformed(reason: "invalid field number \(number)") }
            let kind = kind(of: number)
            switch type {
            case 0:
                _ = try WireFormat.readVarint(b, &i, end: end)
                switch kind {
                case .unknown, .varint: break
                default: throw Self.mismatch(number, type)
                }
            case 1:
                guard end - i >= 8 else { throw WireFormat.Malformed(reason: "truncated fixed64") }
                i += 8
                switch kind {
                case .unknown, .fixed64: break
                default: throw Self.mismatch(number, type)
                }
            case 5:
                guard end - i >= 4 else { throw WireFormat.Malformed(reason: "truncated fixed32") }
                i += 4
                guard case .unknown = kind else { throw Self.mismatch(number, type) }
            case 2:
                let length = try WireFormat.readVarint(b, &i, end: end)
                guard length <= UInt64(end - i) else { throw WireFormat.Malformed(reason: "length \(length) past the end of the message") }
                let payload = i..<(i + Int(length))
                i = payload.upperBound
                switch kind {
                case .unknown, .bytes: break
                case .string:
                    guard Self.isValidUTF8(b, payload) else {
                        throw WireFormat.Malformed(reason: "field \(number) is a string but not valid UTF-8")
                    }
                case .message(let shape): try shape.validate(b, payload, depth: depth + 1)
                case .varint, .fixed64: throw Self.mismatch(number, type)
                }
            default:
                throw WireFormat.Malformed(reason: "unsupported wire type \(type) for field \(number)")
            }
        }
    }

    private static func mismatch(_ number: UInt64, _ type: UInt64) -> WireFormat.Malformed {
        WireFormat.Malformed(reason: "field \(number) has wire type \(type)")
    }

    /// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing above U+10FFFF.
    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            // Eight ASCII bytes at a time: almost every string in a manifest is ASCII.
            if end - i >= 8 {
                let word = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
            }
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let n: Int
            var scalar: UInt32
            let minimum: UInt32
            if c & 0xE0 == 0xC0 {
                n = 1; scalar = UInt32(c & 0x1F); minimum = 0x80
            } else if c & 0xF0 == 0xE0 {
                n = 2; scalar = UInt32(c & 0x0F); minimum = 0x800
            } else if c & 0xF8 == 0xF0 {
                n = 3; scalar = UInt32(c & 0x07); minimum = 0x1_0000
            } else {
                return false
            }
            guard end - i > n else { return false }
            for k in 1...n {
                let d = b[i + k]
                guard d & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(d & 0x3F)
            }
            if scalar < minimum || scalar > 0x10_FFFF || (0xD800...0xDFFF).contains(scalar) { return false }
            i += n + 1
        }
        return true
    }
}
