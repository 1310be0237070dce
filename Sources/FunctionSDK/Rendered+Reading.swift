/// Reading a rendered value back: what templates and messages ask of an object already written
/// (a member, a string's bytes or length), in place in the arena and without decoding the rest.
extension Rendered {
    /// The Struct payload of an object (for the response), read in place; empty for other kinds.
    package var structBytes: UnsafeBufferPointer<UInt8> {
        kind != .object || count == 0 ? UnsafeBufferPointer(start: nil, count: 0) : RenderArena.current.pointee.bytes(span)
    }

    /// The value of `key` in an object, decoded from the arena (scalars) or as a span (containers).
    /// Read with the same Struct reader as request bytes (`StructCodec`).
    public subscript(key: String) -> Rendered? {
        guard kind == .object, count > 0 else { return nil }
        let b = RenderArena.current.pointee.bytes(span)
        return StructCodec.memberValue(key, b, 0..<b.count).map { Self.decodeValue(b, $0, span) }
    }

    /// The UTF-8 length of the string at `key` of the object at `parent`, with no String made
    /// (a render checks every composed name's length).
    public func stringLength(_ parent: String, _ key: String) -> Int? {
        guard kind == .object, count > 0 else { return nil }
        let b = RenderArena.current.pointee.bytes(span)
        guard let p = StructCodec.memberValue(parent, b, 0..<b.count), let inner = StructCodec.valueField(5, b, p),
            let v = StructCodec.memberValue(key, b, inner)
        else { return nil }
        return StructCodec.valueField(3, b, v)?.count
    }

    /// The bytes of a string's UTF-8, an object's entries or a list's items (0 for the rest).
    public var encodedCount: Int {
        isContainer ? Int(count) : 0
    }

    /// A string's UTF-8 bytes, in place (valid until the arena next grows, so never handed out of
    /// the package: outside it, `withUTF8` lends them for the length of a closure).
    @usableFromInline
    package var utf8: UnsafeBufferPointer<UInt8> {
        guard kind == .string, count > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        return RenderArena.current.pointee.bytes(span)
    }

    /// Calls `body` with a string's UTF-8 bytes (empty for other kinds). The buffer is valid only
    /// inside `body`, and `body` must not render anything: rendering may move the bytes.
    @inlinable
    public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(utf8)
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

    /// A string's text, or nil for other kinds.
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
