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
/// A value lives for the call that made it, on that thread: the SDK frees everything rendered once
/// the response is written. Swift 6 refuses to compile one kept in a `static let` or sent to
/// another task (the type is not `Sendable`); one kept some other way reads as zeros, and that
/// call is answered with a Fatal result naming the mistake. Values read from requests stay `JSON`:
/// `Rendered(json)` copies one into a template, and `"\(json)"` interpolates one.
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

    /// `null` (dropped from object literals).
    public static var null: Rendered { Rendered(kind: .null, start: 0, count: 0, generation: 0) }
    /// A boolean.
    public static func bool(_ b: Bool) -> Rendered { Rendered(kind: .bool, start: b ? 1 : 0, count: 0, generation: 0) }
    /// A number (NaN and infinities are written as `null`: Kubernetes cannot store them).
    public static func number(_ n: Double) -> Rendered {
        let bits = n.bitPattern
        return Rendered(
            kind: .number, start: UInt32(truncatingIfNeeded: bits), count: UInt32(truncatingIfNeeded: bits >> 32),
            generation: 0)
    }
    @inline(__always)
    static func encodedString(_ s: Span) -> Rendered {
        Rendered(kind: .string, start: s.start, count: s.count, generation: s.generation)
    }
    @inline(__always)
    static func encodedObject(_ s: Span) -> Rendered {
        Rendered(kind: .object, start: s.start, count: s.count, generation: s.generation)
    }
    @inline(__always)
    static func encodedList(_ s: Span) -> Rendered {
        Rendered(kind: .list, start: s.start, count: s.count, generation: s.generation)
    }

    /// A container's bytes in the arena.
    @inline(__always)
    var span: Span { Span(start: start, count: count, generation: generation) }
    /// A number's value.
    @inline(__always)
    var numberValue: Double { Double(bitPattern: UInt64(count) << 32 | UInt64(start)) }
    @inline(__always)
    var isContainer: Bool { kind.rawValue >= Kind.string.rawValue }
    /// Whether this is a string.
    public var isEncodedString: Bool { kind == .string }
    /// Whether this is an object.
    public var isEncodedObject: Bool { kind == .object }

    package struct Span {
        var start: UInt32
        var count: UInt32
        var generation: UInt32

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
    ExpressibleByStringInterpolation
{
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
        var i = i
        if _slowPath(i.arena.pointee.used != i.end) { i.moveToEnd() }
        self = .encodedString(i.arena.pointee.span(from: i.start))
    }

    /// Builds an interpolated string at the end of the arena. Strings, numbers, `JSON` read from a
    /// request and other rendered values can be interpolated.
    public struct Interpolation: StringInterpolationProtocol {
        let arena: UnsafeMutablePointer<RenderArena>
        var start: Int
        var end: Int

        /// Starts a string at the end of the render.
        public init(literalCapacity: Int, interpolationCount: Int) {
            arena = RenderArena.current
            start = arena.pointee.used
            end = start
        }

        /// An argument that rendered a value of its own (`"a-\(Rendered(json))"`) wrote it after
        /// this string's start: what the string has so far moves past it, so it stays in one piece.
        @inline(never)
        mutating func moveToEnd() {
            start = arena.pointee.move(from: start, count: end - start)
            end = arena.pointee.used
        }

        @inline(__always)
        private mutating func append(_ bytes: UnsafeRawBufferPointer) {
            if _slowPath(arena.pointee.used != end) { moveToEnd() }
            arena.pointee.append(bytes)
            end = arena.pointee.used
        }

        /// The literal text between interpolations.
        public mutating func appendLiteral(_ s: StaticString) {
            s.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
        }

        /// A string's text.
        public mutating func appendInterpolation(_ s: String) {
            // Native strings are contiguous UTF-8: read in place (a `var` copy to call withUTF8 would retain).
            if s.utf8.withContiguousStorageIfAvailable({ append(UnsafeRawBufferPointer($0)) }) == nil {
                Array(s.utf8).withUnsafeBytes { append($0) }
            }
        }

        /// A whole number in decimal.
        public mutating func appendInterpolation(_ n: Int) {
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes: any Int in decimal
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

        /// A rendered string's text; other values as JSON text (`null`, `true`, `3`, `{"a":"b"}`).
        public mutating func appendInterpolation(_ r: Rendered) {
            if r.kind == .string {
                if arena.pointee.used != end { moveToEnd() }
                // Copied inside the arena: reserving may move it, so the source is found afterwards.
                let count = Int(r.count)
                guard count > 0 else { return }
                if r.generation == arena.pointee.generation {
                    _ = arena.pointee.move(from: Int(r.start), count: count)
                    end = arena.pointee.used
                } else {
                    Array(arena.pointee.bytes(r.span)).withUnsafeBytes { append($0) }
                }
            } else {
                appendInterpolation(r.json)
            }
        }

        /// A value read from a request: a string's text, a whole number without a fraction, other
        /// values as canonical JSON, and nothing for a missing value or `null`.
        public mutating func appendInterpolation(_ j: JSON?) {
            switch j {
            case nil, .null?: return
            case .string(let s)?: appendInterpolation(s)
            case .number(let n)? where n.rounded() == n && abs(n) < 1e15: appendInterpolation(Int(n))
            case let other?: appendInterpolation(CanonicalJSON.encode(other))
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

    /// A string value (copied into the render).
    public init(_ s: String) { self = Self.string(s) }
    /// A number.
    public init(_ n: Int) { self = .number(Double(n)) }
    /// A boolean.
    public init(_ b: Bool) { self = .bool(b) }
    /// A list of strings.
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
            w.byte(WireTag.listItem)
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
            guard o.kind == .object else {
                arena.pointee.report("Rendered.merging takes objects, got a \(o.kind)")
                continue
            }
            total += Int(o.count)
        }
        var w = ByteWriter(arena.pointee.reserve(total))
        for o in objects where o.kind == .object && o.count > 0 { w.bytes(arena.pointee.bytes(o.span)) }
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
    static func writeEntry(
        _ key: StaticString, _ v: Rendered, _ vs: Int, _ w: inout ByteWriter, _ arena: UnsafeMutablePointer<RenderArena>
    ) {
        let kn = key.utf8CodeUnitCount
        w.byte(WireTag.structEntry)
        w.varint(UInt64(1 + WireFormat.varintSize(UInt64(kn)) + kn + 1 + WireFormat.varintSize(UInt64(vs)) + vs))
        w.byte(WireTag.entryKey)
        w.varint(UInt64(kn))
        key.withUTF8Buffer { w.bytes($0) }
        w.byte(WireTag.entryValue)
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
            w.byte(WireTag.boolValue); w.byte(start == 0 ? 0 : 1)
        case .number where numberValue.isFinite:
            w.byte(WireTag.numberValue)
            w.fixed64(numberValue.bitPattern)
        default:
            // null, and NaN and infinities, which core cannot apply: written as null (and sized so).
            w.byte(WireTag.nullValue); w.byte(0)
        }
    }

    /// The Value tag of a string, object or list: the kinds are consecutive, and so are their tags'
    /// bytes in this word (string, object, list from the low byte), so no branch picks it.
    @inline(__always)
    private var containerTag: UInt8 {
        let tags = UInt32(WireTag.listValue) << 16 | UInt32(WireTag.structValue) << 8 | UInt32(WireTag.stringValue)
        return UInt8(truncatingIfNeeded: tags >> (UInt32(kind.rawValue &- Kind.string.rawValue) &* 8))
    }
}
