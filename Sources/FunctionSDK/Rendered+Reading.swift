/// Reading a rendered value back: what templates and messages ask of an object already written
/// (a member, a string's bytes or length), in place in the arena and without decoding the rest.
extension Rendered {
    /// The Struct payload of an object (for the response), read in place.
    public var structBytes: UnsafeBufferPointer<UInt8> {
        precondition(kind == .object, "not an object")
        return count == 0 ? UnsafeBufferPointer(start: nil, count: 0) : RenderArena.current.pointee.bytes(span)
    }

    /// The value of `key` in an object, decoded from the arena (scalars) or as a span (containers).
    public subscript(key: String) -> Rendered? {
        guard kind == .object, count > 0 else { return nil }
        let b = RenderArena.current.pointee.bytes(span)
        return Self.valueRange(of: key, b, 0..<b.count).map { Self.decodeValue(b, $0, span) }
    }

    /// The UTF-8 length of the string at `key` of the object at `parent`, with no String made
    /// (a render checks every composed name's length).
    public func stringLength(_ parent: String, _ key: String) -> Int? {
        guard kind == .object, count > 0 else { return nil }
        let b = RenderArena.current.pointee.bytes(span)
        guard let p = Self.valueRange(of: parent, b, 0..<b.count), let inner = Self.field(5, b, p),
            let v = Self.valueRange(of: key, b, inner)
        else { return nil }
        return Self.field(3, b, v)?.count
    }

    /// Where the Value of `key` is among the Struct entries in `range` (the last one wins). The
    /// bytes were written by this type, so a plain loop reads them; every read is still bounded.
    private static func valueRange(of key: String, _ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int>?
    {
        var found: Range<Int>?
        var i = range.lowerBound
        while i < range.upperBound, let entry = lengthDelimited(b, &i, range.upperBound) {
            guard entry.tag == WireTag.structEntry else { continue }
            var j = entry.payload.lowerBound
            var k: Range<Int>?, v: Range<Int>?
            while j < entry.payload.upperBound, let f = lengthDelimited(b, &j, entry.payload.upperBound) {
                if f.tag == WireTag.entryKey { k = f.payload } else if f.tag == WireTag.entryValue { v = f.payload }
            }
            if let k, let v, k.count == key.utf8.count, b[k].elementsEqual(key.utf8) { found = v }
        }
        return found
    }

    /// The payload of length-delimited field `number` of the message in `range`.
    private static func field(_ number: UInt8, _ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int>? {
        var found: Range<Int>?
        var i = range.lowerBound
        while i < range.upperBound, let f = lengthDelimited(b, &i, range.upperBound) {
            if f.tag == number << 3 | 2 { found = f.payload }
        }
        return found
    }

    /// Reads one field at `i` whose tag fits in a byte; other wire types are skipped (payload empty).
    /// Nil at the end or on bytes that do not parse.
    private static func lengthDelimited(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int) -> (
        tag: UInt8, payload: Range<Int>
    )? {
        guard i < end, b[i] < 0x80 else { return nil }
        let tag = b[i]
        i += 1
        switch tag & 7 {
        case 0:
            while i < end, b[i] & 0x80 != 0 { i += 1 }
            i += 1
            return i <= end ? (tag, i..<i) : nil
        case 1:
            i += 8
            return i <= end ? (tag, i..<i) : nil
        case 2:
            guard let n = try? WireFormat.readVarint(b, &i, end: end), n <= UInt64(end - i) else { return nil }
            let start = i
            i += Int(n)
            return (tag, start..<i)
        default:
            return nil
        }
    }

    /// The bytes of a string's UTF-8, an object's entries or a list's items (0 for the rest).
    public var encodedCount: Int {
        isContainer ? Int(count) : 0
    }

    /// A string's UTF-8 bytes, in place (valid until the arena next grows).
    public var utf8: UnsafeBufferPointer<UInt8> {
        guard kind == .string, count > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        return RenderArena.current.pointee.bytes(span)
    }

    /// Whether this is the string `s`, compared in place.
    public func isString(_ s: StaticString) -> Bool {
        guard kind == .string else { return false }
        return s.withUTF8Buffer { utf8.elementsEqual($0) }
    }

    /// Whether this is a string starting with `s`, compared in place.
    public func hasPrefix(_ s: StaticString) -> Bool {
        guard kind == .string else { return false }
        return s.withUTF8Buffer { p in utf8.count >= p.count && utf8.prefix(p.count).elementsEqual(p) }
    }

    public var string: String? {
        guard kind == .string else { return nil }
        return count == 0 ? "" : String(decoding: RenderArena.current.pointee.bytes(span), as: UTF8.self)
    }

    private static func decodeValue(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ parent: Span) -> Rendered {
        var v = Rendered.null
        try? WireFormat.forEachField(b, in: range) { f in
            let sub = Span(
                start: parent.start + UInt32(f.range.lowerBound), count: UInt32(f.range.count),
                generation: parent.generation)
            switch f.number {
            case 2:
                v = .number(
                    Double(
                        bitPattern: UnsafeRawPointer(b.baseAddress! + f.range.lowerBound).loadUnaligned(as: UInt64.self)
                            .littleEndian))
            case 3: v = .encodedString(sub)
            case 4: v = .bool(f.varint != 0)
            case 5: v = .encodedObject(sub)
            case 6: v = .encodedList(sub)
            default: v = .null
            }
        }
        return v
    }

    /// The value as `JSON` (for tests and messages; the hot path never decodes).
    public var json: JSON {
        switch kind {
        case .null: return .null
        case .bool: return .bool(start != 0)
        case .number: return .number(numberValue)
        case .string: return .string(string ?? "")
        case .object:
            guard count > 0 else { return .object(JSON.Object()) }
            let b = RenderArena.current.pointee.bytes(span)
            return .object((try? StructCodec.decodeStruct(b, 0..<b.count, depth: 0)) ?? JSON.Object())
        case .list:
            guard count > 0 else { return .list([]) }
            let b = RenderArena.current.pointee.bytes(span)
            var items: [JSON] = []
            try? WireFormat.forEachField(b, in: 0..<b.count) { f in
                items.append((try? StructCodec.decodeValue(b, f.range, depth: 1)) ?? .null)
            }
            return .list(items)
        }
    }
}
