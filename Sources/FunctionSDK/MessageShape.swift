/// The shapes of the request parts we echo without decoding (desired state, context), for a walk that
/// proves them well-formed before they are copied into an answer: a malformed request must get
/// INTERNAL, never an answer Crossplane cannot unmarshal (protobuf wire format, proto3 UTF-8 rule).
enum MessageShape: UInt8 {
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

    /// What a known field of this shape must hold, as a byte: 0 unknown, 1 varint,
    /// 2 fixed64, 3 string, 4 bytes, `messageBase` + shape for a nested message. Plain integers, so
    /// the walk allocates nothing and retains nothing: it runs over every byte of the desired state
    /// on every call.
    private static let unknown: UInt8 = 0, varint: UInt8 = 1, fixed64: UInt8 = 2, string: UInt8 = 3, bytes: UInt8 = 4
    private static let messageBase: UInt8 = 16

    /// The source of `kinds`, which the walk reads instead: one table load per field rather than
    /// two indirect jumps, whose mispredictions were most of the walk's cost.
    private func kind(of number: UInt64) -> UInt8 {
        let m = Self.messageBase
        switch (self, number) {
        case (.state, 1): return m + MessageShape.resource.rawValue
        case (.state, 2): return m + MessageShape.resourceEntry.rawValue
        case (.resource, 1): return m + MessageShape.structure.rawValue
        case (.resource, 2): return m + MessageShape.bytesEntry.rawValue
        case (.resource, 3): return Self.varint
        case (.structure, 1): return m + MessageShape.valueEntry.rawValue
        case (.value, 1), (.value, 4): return Self.varint
        case (.value, 2): return Self.fixed64
        case (.value, 3): return Self.string
        case (.value, 5): return m + MessageShape.structure.rawValue
        case (.value, 6): return m + MessageShape.list.rawValue
        case (.list, 1): return m + MessageShape.value.rawValue
        case (.resourceEntry, 1), (.bytesEntry, 1), (.valueEntry, 1), (.meta, 1): return Self.string
        case (.resourceEntry, 2): return m + MessageShape.resource.rawValue
        case (.bytesEntry, 2): return Self.bytes
        case (.valueEntry, 2): return m + MessageShape.value.rawValue
        default: return Self.unknown
        }
    }

    /// `kind(of:)` for every shape and field numbers 0...7 (higher numbers are unknown in every shape),
    /// at `shape.rawValue * 8 + number`.
    private static let kinds: [UInt8] = (0..<9).flatMap { raw in
        (0..<8).map { MessageShape(rawValue: UInt8(raw))!.kind(of: UInt64($0)) }
    }

    /// Where the walk resumes once a nested message ends: the enclosing message's end and shape.
    /// Eight bytes, so the stack of `maxDepth` frames fits the stack-allocated temporary (a 24-byte
    /// frame put 2.4 KB on the heap for every validated field of every call). Messages are at most
    /// a few MiB, so an end offset fits in 32 bits.
    private struct Frame {
        var end: UInt32
        var shape: UInt8
        var level: UInt8
    }

    /// Throws unless `range` holds a well-formed message of this shape. Unknown fields only need to
    /// be well-formed; known ones need their wire type, valid UTF-8 in strings, and their own shape.
    /// One loop with its own stack of enclosing messages rather than a call per message: a Struct
    /// nests three messages per JSON leaf, and a call's set-up cost more than the leaf's bytes.
    func validate(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(WireFormat.Malformed) {
        guard range.upperBound <= Int(UInt32.max) else {
            throw WireFormat.Malformed(reason: "message of \(range.count) bytes")
        }
        if self == .structure && Self.canonicalStruct(b, range.lowerBound, range.upperBound, level: 0) { return }
        try walk(b, range)
    }

    /// `validate` by the general walk alone at the top (resources' objects still take the one-pass check).
    func walk(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(WireFormat.Malformed) {
        try Self.kinds.withUnsafeBufferPointer { (kinds) throws(WireFormat.Malformed) in
            try withUnsafeTemporaryAllocation(of: Frame.self, capacity: Self.maxDepth) {
                (stack) throws(WireFormat.Malformed) in
                try Self.walk(b, range, from: rawValue, kinds: kinds, stack: stack)
            }
        }
    }

    private static func walk(
        _ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, from top: UInt8,
        kinds: UnsafeBufferPointer<UInt8>, stack: UnsafeMutableBufferPointer<Frame>
    ) throws(WireFormat.Malformed) {
        var shape = top
        var depth = 0 // frames on the stack
        var level = 0 // message nesting, as protobuf runtimes count it (a shortcut below skips two levels)
        var i = range.lowerBound
        var end = range.upperBound
        // Bounded: every turn either consumes at least one byte or closes one of at most maxDepth messages.
        walk: while true {
            if i >= end {
                if depth == 0 { return }
                depth -= 1
                end = Int(stack[depth].end)
                shape = stack[depth].shape
                level = Int(stack[depth].level)
                continue
            }
            if shape == MessageShape.structure.rawValue {
                // A Struct's fields with one-byte entry lengths go straight to the entry check,
                // without the general field decoding; anything else falls through to it.
                entries: while end - i >= 2, b[i] == WireTag.structEntry, b[i + 1] < 0x80 {
                    let entryEnd = i + 2 + Int(b[i + 1])
                    guard entryEnd <= end else { break entries } // reported by the general walk
                    switch try leafEntry(b, i + 2, entryEnd) {
                    case .leaf:
                        i = entryEnd
                    case .structure(let start) where level + 3 < Self.maxDepth:
                        stack[depth] = Frame(
                            end: UInt32(truncatingIfNeeded: end), shape: shape, level: UInt8(truncatingIfNeeded: level))
                        depth += 1
                        level += 3 // the entry, its Value, and the Struct in it
                        i = start
                        end = entryEnd
                        continue walk
                    default:
                        break entries
                    }
                }
                if i >= end { continue walk }
            }
            var key = UInt64(b[i])
            if key < 0x80 { i += 1 } else { key = try WireFormat.readVarint(b, &i, end: end) }
            let number = key >> 3
            let type = key & 7
            guard number > 0, number <= 536_870_911 else {
                throw WireFormat.Malformed(reason: "invalid field number \(number)")
            }
            let kind = number < 8 ? kinds[Int(shape) &* 8 &+ Int(number)] : Self.unknown
            switch type {
            case 0:
                _ = try WireFormat.readVarint(b, &i, end: end)
                guard kind <= Self.varint else { throw Self.mismatch(number, type) }
            case 1:
                guard end - i >= 8 else { throw WireFormat.Malformed(reason: "truncated fixed64") }
                i += 8
                guard kind == Self.unknown || kind == Self.fixed64 else { throw Self.mismatch(number, type) }
            case 5:
                guard end - i >= 4 else { throw WireFormat.Malformed(reason: "truncated fixed32") }
                i += 4
                guard kind == Self.unknown else { throw Self.mismatch(number, type) }
            case 2:
                var length = UInt64(i < end ? b[i] : 0x80)
                if length < 0x80 { i += 1 } else { length = try WireFormat.readVarint(b, &i, end: end) }
                guard length <= UInt64(end - i) else {
                    throw WireFormat.Malformed(reason: "length \(length) past the end of the message")
                }
                let payloadEnd = i + Int(length)
                if kind >= Self.messageBase {
                    // A resource's object, in the layout every runtime writes: one pass. Tried here only,
                    // never again inside it after a miss, so no byte is walked more than twice.
                    if kind == Self.messageBase &+ MessageShape.structure.rawValue
                        && shape == MessageShape.resource.rawValue
                        && canonicalStruct(b, i, payloadEnd, level: level + 1)
                    {
                        i = payloadEnd
                        continue
                    }
                    if kind == Self.messageBase &+ MessageShape.valueEntry.rawValue {
                        switch try leafEntry(b, i, payloadEnd) {
                        case .leaf:
                            i = payloadEnd
                            continue
                        case .structure(let start) where level + 3 < Self.maxDepth:
                            stack[depth] = Frame(
                                end: UInt32(truncatingIfNeeded: end), shape: shape,
                                level: UInt8(truncatingIfNeeded: level))
                            depth += 1
                            level += 3 // the entry, its Value, and the Struct in it
                            shape = MessageShape.structure.rawValue
                            i = start
                            end = payloadEnd
                            continue
                        default: break
                        }
                    }
                    guard level + 1 < Self.maxDepth else {
                        throw WireFormat.Malformed(reason: "messages nested deeper than \(Self.maxDepth)")
                    }
                    stack[depth] = Frame(
                        end: UInt32(truncatingIfNeeded: end), shape: shape, level: UInt8(truncatingIfNeeded: level))
                    depth += 1
                    level += 1
                    shape = kind &- Self.messageBase
                    end = payloadEnd
                    continue
                }
                switch kind {
                case Self.unknown, Self.bytes: break
                case Self.string:
                    guard Self.isValidUTF8(b, i..<payloadEnd) else {
                        throw WireFormat.Malformed(reason: "field \(number) is a string but not valid UTF-8")
                    }
                default: throw Self.mismatch(number, type)
                }
                i = payloadEnd
            default:
                throw WireFormat.Malformed(reason: "unsupported wire type \(type) for field \(number)")
            }
        }
    }

    /// Reads a length of one or two varint bytes; nil for anything else (left to the general walk).
    @inline(__always)
    private static func shortLength(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int) -> Int? {
        guard i < end else { return nil }
        let low = Int(b[i])
        if low < 0x80 {
            i &+= 1
            return low
        }
        guard end &- i >= 2, b[i &+ 1] < 0x80 else { return nil }
        let n = (low & 0x7F) | Int(b[i &+ 1]) << 7
        i &+= 2
        return n
    }

    /// Whether no byte of `start..<end` (a valid, possibly empty span) has its high bit set: ORed
    /// eight at a time, the last word overlapping.
    @inline(__always)
    private static func asciiSpan(_ base: UnsafeRawPointer, _ start: Int, _ end: Int) -> Bool {
        let count = end &- start
        var high: UInt64 = 0
        if count >= 8 {
            var k = start
            while k < end &- 8 {
                high |= base.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                k &+= 8
            }
            high |= base.loadUnaligned(fromByteOffset: end &- 8, as: UInt64.self)
        } else {
            var k = start
            while k < end {
                high |= UInt64(base.load(fromByteOffset: k, as: UInt8.self))
                k &+= 1
            }
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// True when `start..<end` holds a Struct's fields, every one in the layout protobuf runtimes write
    /// (key, then the Value: a string, number, bool, null or nested object), well-formed, in one pass
    /// that recurses into nested objects. A Struct is most of every manifest, and this costs about a
    /// quarter less than the general walk. False when anything else turns up (a list, unknown fields,
    /// another order, bad UTF-8, too deep): the general walk then decides, and reports the error.
    /// `level` is the Struct's own nesting level, counted as the general walk counts it.
    /// Wrapping arithmetic and no ranges on the way: every offset is checked against `end` first,
    /// and overflow checks were a tenth of its time.
    static func canonicalStruct(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, level: Int) -> Bool {
        guard let base = b.baseAddress else { return start == end }
        let raw = UnsafeRawPointer(base)
        var i = start
        // Bounded: every turn consumes a whole entry of at least four bytes.
        while i < end {
            guard b[i] == WireTag.structEntry else { return false }
            i &+= 1
            guard let entryLength = shortLength(b, &i, end), entryLength <= end &- i, entryLength >= 4 else {
                return false
            }
            let entryStart = i
            let e = i &+ entryLength
            guard b[i] == WireTag.structEntry, b[i &+ 1] < 0x80 else { return false }
            let keyStart = i &+ 2
            var v = keyStart &+ Int(b[i &+ 1])
            guard e &- v >= 3, b[v] == WireTag.entryValue else { return false }
            let keyEnd = v
            v &+= 1
            guard let valueLength = shortLength(b, &v, e), valueLength >= 2, v &+ valueLength == e else { return false }
            let kind = b[v]
            switch kind {
            case WireTag.stringValue, WireTag.structValue:
                var s = v &+ 1
                guard let n = shortLength(b, &s, e), s &+ n == e else { return false }
                if kind == WireTag.stringValue {
                    // Tags and one-byte lengths are ASCII too: one pass over the entry checks both strings.
                    guard asciiSpan(raw, entryStart, e) || (isValidUTF8(b, keyStart..<keyEnd) && isValidUTF8(b, s..<e))
                    else { return false }
                } else {
                    guard level &+ 3 < Self.maxDepth,
                        asciiSpan(raw, keyStart, keyEnd) || isValidUTF8(b, keyStart..<keyEnd),
                        canonicalStruct(b, s, e, level: level &+ 3)
                    else { return false }
                }
            case WireTag.numberValue:
                guard e &- v == 9, asciiSpan(raw, keyStart, keyEnd) || isValidUTF8(b, keyStart..<keyEnd) else {
                    return false
                }
            case WireTag.nullValue, WireTag.boolValue:
                guard e &- v == 2, b[v &+ 1] < 0x80,
                    asciiSpan(raw, keyStart, keyEnd) || isValidUTF8(b, keyStart..<keyEnd)
                else { return false }
            default:
                return false
            }
            i = e
        }
        return true
    }

    private enum Entry { case leaf, structure(Int), other }

    /// A Struct field in the layout every protobuf runtime writes (key, then the Value, one-byte lengths):
    /// a scalar leaf is checked here in one step, and a nested object's fields are walked without the
    /// entry and Value frames around them. Anything else is `.other`, for the general walk.
    @inline(__always)
    private static func leafEntry(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) throws(WireFormat
        .Malformed) -> Entry
    {
        guard end - start >= 4, b[start] == WireTag.structEntry, b[start + 1] < 0x80 else { return .other }
        let key = (start + 2)..<(start + 2 + Int(b[start + 1]))
        let v = key.upperBound
        guard end - v >= 2, b[v] == WireTag.entryValue, v + 2 + Int(b[v + 1]) == end else { return .other }
        let value = v + 2
        guard end - value >= 2 else { return .other }
        let valueKind = b[value]
        let second = b[value + 1]
        // In order of frequency: strings, nested objects, then numbers, booleans and nulls.
        if valueKind == WireTag.stringValue { // string_value
            guard second < 0x80, value &+ 2 &+ Int(second) == end else { return .other }
            // Tags and one-byte lengths are ASCII too, so an all-ASCII entry holds two valid strings:
            // one pass over the whole entry instead of one per string.
            if isASCII(b, start..<end) { return .leaf }
            guard isValidUTF8(b, key) else {
                throw WireFormat.Malformed(reason: "field 1 is a string but not valid UTF-8")
            }
            guard isValidUTF8(b, (value + 2)..<end) else {
                throw WireFormat.Malformed(reason: "field 3 is a string but not valid UTF-8")
            }
            return .leaf
        }
        if valueKind == WireTag.structValue {
            guard second < 0x80, value &+ 2 &+ Int(second) == end else { return .other }
            guard isValidUTF8(b, key) else {
                throw WireFormat.Malformed(reason: "field 1 is a string but not valid UTF-8")
            }
            return .structure(value + 2)
        }
        let scalar =
            (valueKind == WireTag.numberValue && end - value == 9)
            || ((valueKind == WireTag.boolValue || valueKind == WireTag.nullValue) && end - value == 2 && second < 0x80)
        guard scalar else { return .other }
        guard isValidUTF8(b, key) else { throw WireFormat.Malformed(reason: "field 1 is a string but not valid UTF-8") }
        return .leaf
    }

    private static func mismatch(_ number: UInt64, _ type: UInt64) -> WireFormat.Malformed {
        WireFormat.Malformed(reason: "field \(number) has wire type \(type)")
    }

    /// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing above U+10FFFF.
    @inline(__always)
    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        // Almost every string in a manifest is short ASCII: look no further then.
        isASCII(b, range) || isValidNonASCII(b, range)
    }

    /// Whether no byte in `range` has its high bit set.
    @inline(__always)
    static func isASCII(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        range.isEmpty || asciiSpan(UnsafeRawPointer(b.baseAddress!), range.lowerBound, range.upperBound)
    }

    private static func isValidNonASCII(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
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
