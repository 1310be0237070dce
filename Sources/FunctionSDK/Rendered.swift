/// A JSON value as a template writes it, already encoded as protobuf: strings, objects and lists
/// are written into the thread's `RenderArena` the moment their literal is evaluated
/// (`google.protobuf.Struct` / `ListValue` payloads), so the response is copied together from
/// finished bytes and no tree is built, walked or freed. Every case is plain data: copying a value
/// retains nothing and dropping one frees nothing. Literals read like the YAML they produce:
///
///     ["forProvider": ["region": "us-east-1", "minSize": 3, "tags": ["a": "b"]]]
///
/// In object literals a `nil`, `null`, `""` or `[]` value drops its key: composed objects never
/// carry empty fields they do not mean. An empty object `{}` is kept.
///
/// A value lives as long as the render that made it (`RenderArena.scope`), on that thread. Keep
/// none in a `static let` or global: it would outlive its render, and reading it stops the process.
/// Values read from requests stay `JSON`; `Rendered(json)` copies one into a template.
///
/// A plain struct rather than an enum with payloads: sizing and writing a value read its kind and
/// its count with plain loads and compares, where an enum's switch was an indirect jump per value.
@frozen
public struct Rendered {
    @usableFromInline
    enum Kind: UInt8 {
        case null, bool, number
        /// UTF-8 bytes, in the arena.
        case string
        /// The entries of a Struct, in the arena.
        case object
        /// The items of a ListValue, in the arena.
        case list
    }

    @usableFromInline var kind: Kind
    /// A container's span in the arena (`start` and `count`), a number's bit pattern (both words),
    /// or a bool (`start`, 0 or 1).
    @usableFromInline var start: UInt32
    @usableFromInline var count: UInt32
    @usableFromInline var generation: UInt32

    @usableFromInline @inline(__always)
    init(kind: Kind, start: UInt32, count: UInt32, generation: UInt32) {
        self.kind = kind
        self.start = start
        self.count = count
        self.generation = generation
    }

    public static var null: Rendered { Rendered(kind: .null, start: 0, count: 0, generation: 0) }
    public static func bool(_ b: Bool) -> Rendered { Rendered(kind: .bool, start: b ? 1 : 0, count: 0, generation: 0) }
    public static func number(_ n: Double) -> Rendered {
        let bits = n.bitPattern
        return Rendered(kind: .number, start: UInt32(truncatingIfNeeded: bits), count: UInt32(truncatingIfNeeded: bits >> 32), generation: 0)
    }
    @inline(__always)
    static func encodedString(_ s: Span) -> Rendered { Rendered(kind: .string, start: s.start, count: s.count, generation: s.generation) }
    @inline(__always)
    static func encodedObject(_ s: Span) -> Rendered { Rendered(kind: .object, start: s.start, count: s.count, generation: s.generation) }
    @inline(__always)
    static func encodedList(_ s: Span) -> Rendered { Rendered(kind: .list, start: s.start, count: s.count, generation: s.generation) }

    /// A container's bytes in the arena.
    @inline(__always)
    var span: Span { Span(start: start, count: count, generation: generation) }
    /// A number's value.
    @inline(__always)
    var numberValue: Double { Double(bitPattern: UInt64(count) << 32 | UInt64(start)) }
    @inline(__always)
    var isContainer: Bool { kind.rawValue >= Kind.string.rawValue }
    /// Whether this is a string, or an object (as composed resources' keys and objects must be).
    public var isEncodedString: Bool { kind == .string }
    public var isEncodedObject: Bool { kind == .object }

    @frozen
    public struct Span {
        @usableFromInline var start: UInt32
        @usableFromInline var count: UInt32
        @usableFromInline var generation: UInt32

        @usableFromInline
        init(start: UInt32, count: UInt32, generation: UInt32) {
            self.start = start
            self.count = count
            self.generation = generation
        }
    }

    /// `{}`: an object with no entries (it needs no arena bytes).
    public static var emptyObject: Rendered { Rendered(kind: .object, start: 0, count: 0, generation: 0) }
}

// MARK: - Building

extension Rendered: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral,
    ExpressibleByStringInterpolation {
    public init(stringLiteral s: StaticString) { self = Self.string(s) }
    public init(unicodeScalarLiteral s: StaticString) { self = Self.string(s) }
    public init(extendedGraphemeClusterLiteral s: StaticString) { self = Self.string(s) }
    public init(integerLiteral n: Int) { self = .number(Double(n)) }
    public init(floatLiteral n: Double) { self = .number(n) }
    public init(booleanLiteral b: Bool) { self = .bool(b) }
    public init(nilLiteral: ()) { self = .null }
    // Inlined so the literal's own array of entries does not escape and can live on the stack.
    // Keys are literals (`StaticString`), so the array holds plain data and is dropped by a free.
    @inlinable @inline(__always)
    public init(arrayLiteral items: Rendered...) { self = items.withUnsafeBufferPointer { Self.list(items: $0) } }
    @inlinable @inline(__always)
    public init(dictionaryLiteral entries: (StaticString, Rendered?)...) {
        self = entries.withUnsafeBufferPointer { Self.object(entries: $0) }
    }

    /// `"\(id)-cluster"` as a value: the pieces are written straight into the arena, no String made.
    public init(stringInterpolation i: Interpolation) {
        precondition(i.end == i.arena.pointee.used, "a value was rendered inside a string interpolation")
        self = .encodedString(i.arena.pointee.span(from: i.start))
    }

    public struct Interpolation: StringInterpolationProtocol {
        let arena: UnsafeMutablePointer<RenderArena>
        let start: Int
        var end: Int

        public init(literalCapacity: Int, interpolationCount: Int) {
            arena = RenderArena.current
            start = arena.pointee.used
            end = start
        }

        /// Appends at the end of the arena, which must still be where this string ends: an argument
        /// that rendered something would have put its bytes in the middle of this string.
        private mutating func append(_ bytes: UnsafeRawBufferPointer) {
            precondition(arena.pointee.used == end, "a value was rendered inside a string interpolation")
            arena.pointee.append(bytes)
            end = arena.pointee.used
        }

        public mutating func appendLiteral(_ s: StaticString) { s.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) } }

        public mutating func appendInterpolation(_ s: String) {
            // Native strings are contiguous UTF-8: read in place (a `var` copy to call withUTF8 would retain).
            if s.utf8.withContiguousStorageIfAvailable({ append(UnsafeRawBufferPointer($0)) }) == nil {
                Array(s.utf8).withUnsafeBytes { append($0) }
            }
        }

        public mutating func appendInterpolation(_ n: Int) {
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: any Int in decimal
            withUnsafeMutableBytes(of: &digits) { buffer in
                var v = n.magnitude
                var i = buffer.count
                repeat {
                    i -= 1
                    buffer[i] = UInt8(truncatingIfNeeded: v % 10) + 0x30
                    v /= 10
                } while v > 0
                if n < 0 { i -= 1; buffer[i] = 0x2d }
                append(UnsafeRawBufferPointer(rebasing: buffer[i...]))
            }
        }
    }
}

extension Rendered {
    /// A string value (copied into the arena).
    public static func string(_ s: String) -> Rendered {
        let arena = RenderArena.current
        let start = arena.pointee.used
        if s.utf8.withContiguousStorageIfAvailable({ arena.pointee.append(UnsafeRawBufferPointer($0)) }) == nil {
            Array(s.utf8).withUnsafeBytes { arena.pointee.append($0) }
        }
        return .encodedString(arena.pointee.span(from: start))
    }

    static func string(_ s: StaticString) -> Rendered {
        let arena = RenderArena.current
        let start = arena.pointee.used
        s.withUTF8Buffer { arena.pointee.append(UnsafeRawBufferPointer($0)) }
        return .encodedString(arena.pointee.span(from: start))
    }

    public init(_ s: String) { self = Self.string(s) }
    public init(_ n: Int) { self = .number(Double(n)) }
    public init(_ b: Bool) { self = .bool(b) }
    public static func strings(_ l: [String]) -> Rendered { list(l.map(Rendered.string)) }

    @usableFromInline
    static func object(entries: UnsafeBufferPointer<(StaticString, Rendered?)>) -> Rendered {
        // Each value's size is worked out once, on the stack, and read again by the writing pass
        // (0 marks a dropped key: a kept value is at least two bytes).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: entries.count) { sizes in
            let arena = RenderArena.current
            var total = 0
            for i in entries.indices {
                let vs = entries[i].1?.keptSize ?? 0
                sizes[i] = vs
                if vs > 0 { total &+= entrySize(entries[i].0.utf8CodeUnitCount, vs) }
            }
            var w = ByteWriter(arena.pointee.reserve(total))
            for i in entries.indices where sizes[i] > 0 {
                writeEntry(entries[i].0, entries[i].1.unsafelyUnwrapped, sizes[i], &w, arena)
            }
            return .encodedObject(arena.pointee.commit(total))
        }
    }

    /// A list of these items, in order (nothing is dropped from lists).
    public static func list(_ items: [Rendered]) -> Rendered {
        items.withUnsafeBufferPointer { list(items: $0) }
    }

    @usableFromInline
    static func list(items: UnsafeBufferPointer<Rendered>) -> Rendered {
        let arena = RenderArena.current
        var total = 0
        for i in items.indices {
            let s = items[i].valueSize
            total += 1 + WireFormat.varintSize(UInt64(s)) + s
        }
        var w = ByteWriter(arena.pointee.reserve(total))
        for i in items.indices {
            w.byte(0x0a)                                       // ListValue.values
            w.varint(UInt64(items[i].valueSize))
            items[i].write(&w, arena)
        }
        return .encodedList(arena.pointee.commit(total))
    }

    /// The entries of several objects, one after the other (their keys must not repeat).
    public static func merging(_ objects: Rendered...) -> Rendered {
        // One non-empty part is the answer as it stands: nothing to copy.
        var nonEmpty = 0, only = Rendered.emptyObject
        for o in objects where o.encodedCount > 0 { nonEmpty += 1; only = o }
        if nonEmpty <= 1, only.kind == .object { return only }
        let arena = RenderArena.current
        var total = 0
        for o in objects {
            precondition(o.kind == .object, "merging takes objects")
            total += Int(o.count)
        }
        var w = ByteWriter(arena.pointee.reserve(total))
        for o in objects where o.count > 0 { w.bytes(arena.pointee.bytes(o.span)) }
        return .encodedObject(arena.pointee.commit(total))
    }

    /// A value read from a request, copied into the render.
    public init(_ json: JSON) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .string(let s): self = Self.string(s)
        case .list(let l): self = Self.list(l.map(Rendered.init))
        case .object(let o):
            let arena = RenderArena.current
            var sizes: [Int] = []
            let total = StructCodec.structSize(o, &sizes)
            var w = ByteWriter(arena.pointee.reserve(total))
            var cursor = 0
            StructCodec.writeStruct(o, sizes, &cursor, &w)
            self = .encodedObject(arena.pointee.commit(total))
        }
    }

    // MARK: Encoding

    @inline(__always)
    static func entrySize(_ kn: Int, _ vs: Int) -> Int {
        let entry = 1 + WireFormat.varintSize(UInt64(kn)) + kn + 1 + WireFormat.varintSize(UInt64(vs)) + vs
        return 1 + WireFormat.varintSize(UInt64(entry)) + entry
    }

    @inline(__always)
    static func writeEntry(_ key: StaticString, _ v: Rendered, _ vs: Int, _ w: inout ByteWriter, _ arena: UnsafeMutablePointer<RenderArena>) {
        let kn = key.utf8CodeUnitCount
        w.byte(0x0a)                                           // Struct.fields entry
        w.varint(UInt64(1 + WireFormat.varintSize(UInt64(kn)) + kn + 1 + WireFormat.varintSize(UInt64(vs)) + vs))
        w.byte(0x0a)                                           // key
        w.varint(UInt64(kn))
        key.withUTF8Buffer { w.bytes($0) }
        w.byte(0x12)                                           // value
        w.varint(UInt64(vs))
        v.write(&w, arena)
    }

    /// `valueSize` when an object literal keeps this value, 0 when it drops it (null, "", []), in one switch.
    @inline(__always)
    var keptSize: Int {
        if isContainer {
            return count == 0 && kind != .object ? 0 : 1 + WireFormat.varintSize(UInt64(count)) + Int(count)
        }
        if kind == .number { return numberValue.isFinite ? 9 : 2 }
        return kind == .null ? 0 : 2
    }

    /// The size of this value as a `google.protobuf.Value` message.
    @inline(__always)
    var valueSize: Int {
        if isContainer { return 1 + WireFormat.varintSize(UInt64(count)) + Int(count) }
        return kind == .number && numberValue.isFinite ? 9 : 2
    }

    /// Writes this value as a `google.protobuf.Value` message.
    func write(_ w: inout ByteWriter, _ arena: UnsafeMutablePointer<RenderArena>) {
        if isContainer {
            w.byte(containerTag)
            w.varint(UInt64(count))
            if count > 0 { w.bytes(arena.pointee.bytes(span)) }
            return
        }
        switch kind {
        case .bool:
            w.byte(0x20); w.byte(start == 0 ? 0 : 1)
        case .number where numberValue.isFinite:
            w.byte(0x11)
            w.fixed64(numberValue.bitPattern)
        default:
            // null, and NaN and infinities, which core cannot apply: written as null (and sized so).
            w.byte(0x08); w.byte(0)
        }
    }

    /// The Value field of a string (3), object (5) or list (6), read from a word of the three tags.
    @inline(__always)
    private var containerTag: UInt8 {
        UInt8(truncatingIfNeeded: 0x32_2A_1A >> (UInt32(kind.rawValue &- Kind.string.rawValue) &* 8))
    }
}

// MARK: - Reading back

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
              let v = Self.valueRange(of: key, b, inner) else { return nil }
        return Self.field(3, b, v)?.count
    }

    /// Where the Value of `key` is among the Struct entries in `range` (the last one wins). The
    /// bytes were written by this type, so a plain loop reads them; every read is still bounded.
    private static func valueRange(of key: String, _ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int>? {
        var found: Range<Int>?
        var i = range.lowerBound
        while i < range.upperBound, let entry = lengthDelimited(b, &i, range.upperBound) {
            guard entry.tag == 0x0a else { continue }
            var j = entry.payload.lowerBound
            var k: Range<Int>?, v: Range<Int>?
            while j < entry.payload.upperBound, let f = lengthDelimited(b, &j, entry.payload.upperBound) {
                if f.tag == 0x0a { k = f.payload } else if f.tag == 0x12 { v = f.payload }
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
    private static func lengthDelimited(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int) -> (tag: UInt8, payload: Range<Int>)? {
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
            let sub = Span(start: parent.start + UInt32(f.range.lowerBound), count: UInt32(f.range.count), generation: parent.generation)
            switch f.number {
            case 2: v = .number(Double(bitPattern: UnsafeRawPointer(b.baseAddress! + f.range.lowerBound).loadUnaligned(as: UInt64.self).littleEndian))
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
