/// Direct conversion between protobuf `google.protobuf.Struct` bytes and `JSON`, with no
/// intermediate message objects. Encoding computes every nested size once, bottom-up, so it is
/// linear in the output (swift-protobuf recomputes nested sizes at each level).
public enum StructCodec {
    // MARK: Decoding

    /// Decodes a serialized Struct (a JSON object).
    public static func decodeStruct(_ bytes: ArraySlice<UInt8>) throws -> JSON.Object {
        try bytes.withUnsafeBufferPointer { b in try decodeStruct(b, 0..<b.count, depth: 0) }
    }

    static let maxDepth = 100

    static func decodeStruct(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, depth: Int) throws -> JSON.Object {
        guard depth < maxDepth else { throw WireFormat.Malformed(reason: "Struct nested deeper than \(maxDepth)") }
        var o = JSON.Object()
        try WireFormat.forEachField(b, in: range) { f in
            guard f.number == 1, f.wireType == .lengthDelimited else { return }
            // Map entry: key = 1 (string), value = 2 (JSON). A missing value is the default (null).
            var key = ""
            var value = JSON.null
            try WireFormat.forEachField(b, in: f.range) { e in
                if e.number == 1 && e.wireType == .lengthDelimited {
                    key = String(decoding: UnsafeBufferPointer(rebasing: b[e.range]), as: UTF8.self)
                } else if e.number == 2 && e.wireType == .lengthDelimited {
                    value = try decodeValue(b, e.range, depth: depth + 1)
                }
            }
            // Duplicate keys: the last entry wins.
            o[key] = value
        }
        return o
    }

    static func decodeValue(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, depth: Int) throws -> JSON {
        guard depth < maxDepth else { throw WireFormat.Malformed(reason: "Struct nested deeper than \(maxDepth)") }
        var v = JSON.null
        try WireFormat.forEachField(b, in: range) { f in
            switch (f.number, f.wireType) {
            case (1, .varint): v = .null
            case (2, .fixed64):
                var bits: UInt64 = 0
                for i in 0..<8 { bits |= UInt64(b[f.range.lowerBound + i]) << (8 * UInt64(i)) }
                v = .number(Double(bitPattern: bits))
            case (3, .lengthDelimited): v = .string(String(decoding: UnsafeBufferPointer(rebasing: b[f.range]), as: UTF8.self))
            case (4, .varint): v = .bool(f.varint != 0)
            case (5, .lengthDelimited): v = .object(try decodeStruct(b, f.range, depth: depth + 1))
            case (6, .lengthDelimited):
                var items: [JSON] = []
                try WireFormat.forEachField(b, in: f.range) { item in
                    if item.number == 1 && item.wireType == .lengthDelimited {
                        items.append(try decodeValue(b, item.range, depth: depth + 1))
                    }
                }
                v = .list(items)
            default: break
            }
        }
        return v
    }

    // MARK: Encoding

    /// Appends the serialized Struct for `object` (the payload, without an outer tag).
    public static func encodeStruct(_ object: JSON.Object, into out: inout [UInt8]) {
        var sizes: [Int] = []
        sizes.reserveCapacity(64)
        let total = structSize(object, &sizes)
        // One allocation for the whole Struct instead of a doubling series (geometric, so that many
        // Structs appended to one buffer still cost amortised linear time).
        if out.capacity < out.count + total { out.reserveCapacity(max(out.count + total, out.capacity * 2)) }
        var cursor = 0
        writeStruct(object, sizes, &cursor, &out)
    }

    public static func encodedStruct(_ object: JSON.Object) -> [UInt8] {
        var out: [UInt8] = []
        encodeStruct(object, into: &out)
        return out
    }

    // Sizes are recorded in pre-order: a container's size is reserved before its children's.
    private static func structSize(_ o: JSON.Object, _ sizes: inout [Int]) -> Int {
        let slot = sizes.count
        sizes.append(0)
        var total = 0
        for (k, v) in o.entries {
            let kn = k.utf8.count
            let vs = valueSize(v, &sizes)
            let entry = 1 + WireFormat.varintSize(UInt64(kn)) + kn + 1 + WireFormat.varintSize(UInt64(vs)) + vs
            total += 1 + WireFormat.varintSize(UInt64(entry)) + entry
        }
        sizes[slot] = total
        return total
    }

    private static func valueSize(_ v: JSON, _ sizes: inout [Int]) -> Int {
        switch v {
        case .null: return 2
        case .bool: return 2
        case .number: return 9
        case .string(let s):
            let n = s.utf8.count
            return 1 + WireFormat.varintSize(UInt64(n)) + n
        case .object(let o):
            let n = structSize(o, &sizes)
            return 1 + WireFormat.varintSize(UInt64(n)) + n
        case .list(let l):
            let slot = sizes.count
            sizes.append(0)
            var total = 0
            for item in l {
                let s = valueSize(item, &sizes)
                total += 1 + WireFormat.varintSize(UInt64(s)) + s
            }
            sizes[slot] = total
            return 1 + WireFormat.varintSize(UInt64(total)) + total
        }
    }

    private static func writeStruct(_ o: JSON.Object, _ sizes: [Int], _ cursor: inout Int, _ out: inout [UInt8]) {
        cursor += 1   // this struct's own slot
        for (k, v) in o.entries {
            let kn = k.utf8.count
            let mark = cursor
            var scratchCursor = cursor
            let vs = valueSizeFromTable(v, sizes, &scratchCursor)
            cursor = mark
            let entry = 1 + WireFormat.varintSize(UInt64(kn)) + kn + 1 + WireFormat.varintSize(UInt64(vs)) + vs
            out.append(0x0a)
            WireFormat.appendVarint(UInt64(entry), to: &out)
            out.append(0x0a)
            WireFormat.appendVarint(UInt64(kn), to: &out)
            out.append(contentsOf: k.utf8)
            out.append(0x12)
            WireFormat.appendVarint(UInt64(vs), to: &out)
            writeValue(v, sizes, &cursor, &out)
        }
    }

    /// The encoded size of a JSON, read from the size table without advancing past its children.
    private static func valueSizeFromTable(_ v: JSON, _ sizes: [Int], _ cursor: inout Int) -> Int {
        switch v {
        case .null, .bool: return 2
        case .number: return 9
        case .string(let s):
            let n = s.utf8.count
            return 1 + WireFormat.varintSize(UInt64(n)) + n
        case .object, .list:
            let n = sizes[cursor]
            return 1 + WireFormat.varintSize(UInt64(n)) + n
        }
    }

    private static func writeValue(_ v: JSON, _ sizes: [Int], _ cursor: inout Int, _ out: inout [UInt8]) {
        switch v {
        case .null:
            out.append(0x08); out.append(0)
        case .bool(let b):
            out.append(0x20); out.append(b ? 1 : 0)
        case .number(let n):
            // NaN and infinities cannot be applied by core: write null instead.
            if !n.isFinite { out.append(0x08); out.append(0); return }
            out.append(0x11)
            let bits = n.bitPattern
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
        case .string(let s):
            out.append(0x1a)
            WireFormat.appendVarint(UInt64(s.utf8.count), to: &out)
            out.append(contentsOf: s.utf8)
        case .object(let o):
            out.append(0x2a)
            WireFormat.appendVarint(UInt64(sizes[cursor]), to: &out)
            writeStruct(o, sizes, &cursor, &out)
        case .list(let l):
            out.append(0x32)
            WireFormat.appendVarint(UInt64(sizes[cursor]), to: &out)
            cursor += 1
            for item in l {
                var peek = cursor
                let s = valueSizeFromTable(item, sizes, &peek)
                out.append(0x0a)
                WireFormat.appendVarint(UInt64(s), to: &out)
                writeValue(item, sizes, &cursor, &out)
            }
        }
    }
}
