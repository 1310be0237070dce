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
    /// A map entry: key (1, string) and a value of the given shape, or bytes when nil.
    indirect case entry(MessageShape?)
    /// `RequestMeta`: tag (1, string).
    case meta

    /// Deeper nesting than this is refused, as protobuf runtimes do (their default recursion limit).
    static let maxDepth = 100

    /// Throws `WireFormat.Malformed` unless `range` holds a well-formed message of this shape. Unknown
    /// fields only need to be well-formed; known ones need their wire type, valid UTF-8 in strings,
    /// and their own shape.
    func validate(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, depth: Int = 0) throws {
        guard depth < Self.maxDepth else { throw WireFormat.Malformed(reason: "messages nested deeper than \(Self.maxDepth)") }
        try WireFormat.forEachField(b, in: range) { f in
            guard let expected = kind(of: f.number) else { return }
            switch expected {
            case .scalar(let type):
                guard f.wireType == type else { throw mismatch(f) }
            case .string:
                guard f.wireType == .lengthDelimited else { throw mismatch(f) }
                guard Self.isValidUTF8(b, f.range) else {
                    throw WireFormat.Malformed(reason: "field \(f.number) is a string but not valid UTF-8")
                }
            case .bytes:
                guard f.wireType == .lengthDelimited else { throw mismatch(f) }
            case .message(let shape):
                guard f.wireType == .lengthDelimited else { throw mismatch(f) }
                try shape.validate(b, f.range, depth: depth + 1)
            }
        }
    }

    private enum Kind {
        case scalar(WireFormat.WireType)
        case string
        case bytes
        case message(MessageShape)
    }

    private func kind(of number: Int) -> Kind? {
        switch (self, number) {
        case (.state, 1): .message(.resource)
        case (.state, 2): .message(.entry(.resource))
        case (.resource, 1): .message(.structure)
        case (.resource, 2): .message(.entry(nil))
        case (.resource, 3): .scalar(.varint)
        case (.structure, 1): .message(.entry(.value))
        case (.value, 1), (.value, 4): .scalar(.varint)
        case (.value, 2): .scalar(.fixed64)
        case (.value, 3): .string
        case (.value, 5): .message(.structure)
        case (.value, 6): .message(.list)
        case (.list, 1): .message(.value)
        case (.entry, 1): .string
        case (.entry(let shape), 2): shape.map { .message($0) } ?? .bytes
        case (.meta, 1): .string
        default: nil
        }
    }

    private func mismatch(_ f: WireFormat.Field) -> WireFormat.Malformed {
        WireFormat.Malformed(reason: "field \(f.number) has wire type \(f.wireType.rawValue)")
    }

    /// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing above U+10FFFF.
    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
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
