import Glibc
/// Direct conversion between protobuf `google.protobuf.Struct` bytes and `JSON`, with no
/// intermediate message objects. Encoding computes every nested size once, bottom-up, so it is
/// linear in the output (swift-protobuf recomputes nested sizes at each level).
package enum StructCodec {
    // MARK: Decoding

    /// Decodes a serialized Struct (a JSON object).
    package static func decodeStruct(_ bytes: ArraySlice<UInt8>) throws -> JSON.Object {
        try bytes.withUnsafeBufferPointer { b in try decodeStruct(b, 0..<b.count, depth: 0) }
    }

    static let maxDepth = 100

    static func decodeStruct(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, depth: Int) throws -> JSON.Object {
        guard depth < maxDepth else { throw WireFormat.Malformed(reason: "Struct nested deeper than \(maxDepth)") }
        var o = JSON.Object()
        // One pass to count the entries first: the object is sized once instead of grown by doubling.
        var count = 0
        try WireFormat.forEachField(b, in: range) { f in if f.number == 1 { count += 1 } }
        o.entries.reserveCapacity(count)
        try WireFormat.forEachField(b, in: range) { f in
            guard f.number == 1, f.wireType == .lengthDelimited else { return }
            // Map entry: key = 1 (string), value = 2 (JSON). A missing value is the default (null).
            var keyRange = 0..<0
            var valueRange: Range<Int>?
            try WireFormat.forEachField(b, in: f.range) { e in
                if e.number == 1 && e.wireType == .lengthDelimited {
                    keyRange = e.range
                } else if e.number == 2 && e.wireType == .lengthDelimited {
                    valueRange = e.range
                }
            }
            let key = String(decoding: UnsafeBufferPointer(rebasing: b[keyRange]), as: UTF8.self)
            let value = try valueRange.map { try decodeValue(b, $0, depth: depth + 1) } ?? .null
            // Duplicate keys: the last entry wins.
            o[key] = value
        }
        return o
    }

    /// The Value payload of `key` among the entries of the Struct in `range` (the last one wins),
    /// found without decoding anything else.
    static func memberValue(_ key: String, _ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int>? {
        var key = key
        return key.withUTF8 { memberValue($0, b, range) }
    }

    /// `memberValue` for a key given as UTF-8 bytes: keys are compared by length, then by memcmp
    /// (comparing each entry's bytes with a String's UTF-8 view cost more than finding the entries).
    static func memberValue(_ key: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>)
        -> Range<Int>?
    {
        var found: Range<Int>?
        try? WireFormat.forEachField(b, in: range) { f in
            guard f.number == 1, f.wireType == .lengthDelimited else { return }
            var k: Range<Int>?, v: Range<Int>?
            try WireFormat.forEachField(b, in: f.range) { e in
                guard e.wireType == .lengthDelimited else { return }
                if e.number == 1 { k = e.range } else if e.number == 2 { v = e.range }
            }
            if let k, k.count == key.count,
                k.isEmpty || memcmp(b.baseAddress! + k.lowerBound, key.baseAddress!, k.count) == 0
            {
                found = v ?? (k.upperBound..<k.upperBound)
            }
        }
        return found
    }

    /// The payload of a Value's length-delimited field `number` (5: Struct, 6: ListValue), or nil
    /// when the Value holds something else.
    static func valueField(_ number: Int, _ b: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) -> Range<Int>? {
        var found: Range<Int>?
        try? WireFormat.forEachField(b, in: value) { f in
            // A Value is a oneof: the last field set wins.
            found = f.number == number && f.wireType == .lengthDelimited ? f.range : nil
        }
        return found
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
            case (3, .lengthDelimited):
                v = .string(String(decoding: UnsafeBufferPointer(rebasing: b[f.range]), as: UTF8.self))
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
    package static func encodeStruct(_ object: JSON.Object, into out: inout [UInt8]) {
        var sizes: [Int] = []
        sizes.reserveCapacity(64)
        let total = structSize(object, &sizes)
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            var w = ByteWriter(buffer.baseAddress!)
            var cursor = 0
            writeStruct(object, sizes, &cursor, &w)
            count = w.offset(from: buffer.baseAddress!)
        }
        precondition(bytes.count == total, "Struct encoding wrote \(bytes.count) bytes, sized \(total)")
        out.append(contentsOf: bytes)
    }

    package static func encodedStruct(_ object: JSON.Object) -> [UInt8] {
        var out: [UInt8] = []
        encodeStruct(object, into: &out)
        return out
    }

    /// The payload size of `object` as a Struct, appending the sizes `writeStruct` needs to `sizes`:
    /// recorded in pre-order, a container's size is reserved before its children's.
    static func structSize(_ o: JSON.Object, _ sizes: inout [Int]) -> Int {
        let slot = sizes.count
        sizes.append(0)
        var total = 0
        // Borrowed, not copied: iterating the array by value would retain every key and value.
        o.entries.withUnsafeBufferPointer { entries in
            for i in entries.indices {
                let kn = entries[i].key.utf8.count
                let vs = valueSize(entries[i].value, &sizes)
                let entry = 1 + WireFormat.varintSize(UInt64(kn)) + kn + 1 + WireFormat.varintSize(UInt64(vs)) + vs
                total += 1 + WireFormat.varintSize(UInt64(entry)) + entry
            }
        }
        sizes[slot] = total
        return total
    }

    private static func valueSize(_ v: JSON, _ sizes: inout [Int]) -> Int {
        switch v {
        case .null, .bool: return 2
        case .number(let n): return n.isFinite ? 9 : 2
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
            l.withUnsafeBufferPointer { items in
                for i in items.indices {
                    let s = valueSize(items[i], &sizes)
                    total += 1 + WireFormat.varintSize(UInt64(s)) + s
                }
            }
            sizes[slot] = total
            return 1 + WireFormat.varintSize(UInt64(total)) + total
        }
    }

    /// Writes the Struct payload whose sizes `structSize` recorded, starting at `cursor`.
    static func writeStruct(_ o: JSON.Object, _ sizes: [Int], _ cursor: inout Int, _ w: inout ByteWriter) {
        cursor += 1 // this struct's own slot
        o.entries.withUnsafeBufferPointer { entries in
            for i in entries.indices {
                let kn = entries[i].key.utf8.count
                let vs = valueSizeFromTable(entries[i].value, sizes, cursor)
                let entry = 1 + WireFormat.varintSize(UInt64(kn)) + kn + 1 + WireFormat.varintSize(UInt64(vs)) + vs
                w.byte(WireTag.structEntry)
                w.varint(UInt64(entry))
                w.byte(WireTag.entryKey)
                w.varint(UInt64(kn))
                w.string(entries[i].key)
                w.byte(WireTag.entryValue)
                w.varint(UInt64(vs))
                writeValue(entries[i].value, sizes, &cursor, &w)
            }
        }
    }

    /// The encoded size of a JSON, read from the size table at `cursor` for containers.
    @inline(__always)
    private static func valueSizeFromTable(_ v: JSON, _ sizes: [Int], _ cursor: Int) -> Int {
        switch v {
        case .null, .bool: return 2
        case .number(let n): return n.isFinite ? 9 : 2
        case .string(let s):
            let n = s.utf8.count
            return 1 + WireFormat.varintSize(UInt64(n)) + n
        case .object, .list:
            let n = sizes[cursor]
            return 1 + WireFormat.varintSize(UInt64(n)) + n
        }
    }

    private static func writeValue(_ v: JSON, _ sizes: [Int], _ cursor: inout Int, _ w: inout ByteWriter) {
        switch v {
        case .null:
            w.byte(WireTag.nullValue); w.byte(0)
        case .bool(let b):
            w.byte(WireTag.boolValue); w.byte(b ? 1 : 0)
        case .number(let n):
            // NaN and infinities cannot be applied by core: written as null (and sized so).
            if !n.isFinite { w.byte(WireTag.nullValue); w.byte(0); return }
            w.byte(WireTag.numberValue)
            w.fixed64(n.bitPattern)
        case .string(let s):
            w.byte(WireTag.stringValue)
            w.varint(UInt64(s.utf8.count))
            w.string(s)
        case .object(let o):
            w.byte(WireTag.structValue)
            w.varint(UInt64(sizes[cursor]))
            writeStruct(o, sizes, &cursor, &w)
        case .list(let l):
            w.byte(WireTag.listValue)
            w.varint(UInt64(sizes[cursor]))
            cursor += 1
            l.withUnsafeBufferPointer { items in
                for i in items.indices {
                    let s = valueSizeFromTable(items[i], sizes, cursor)
                    w.byte(WireTag.listItem)
                    w.varint(UInt64(s))
                    writeValue(items[i], sizes, &cursor, &w)
                }
            }
        }
    }
}
