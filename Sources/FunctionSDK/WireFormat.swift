/// Just enough of the protobuf wire format (varints, tags, length-delimited fields) to walk messages without decoding
/// them: varints, tags and length-delimited payloads, every read bounds-checked.
package enum WireFormat {
    package enum WireType: UInt8, Sendable {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    package struct Malformed: Error, CustomStringConvertible, Sendable {
        package var reason: String
        package var description: String { reason }
    }

    /// One field of a message: its number, wire type and, for length-delimited fields, the payload range.
    package struct Field: Sendable {
        package var number: Int
        package var wireType: WireType
        /// Payload range (length-delimited) or value range (other types) within the buffer.
        package var range: Range<Int>
        /// The whole field, tag included.
        package var fullRange: Range<Int>
        /// The varint value, for varint fields.
        package var varint: UInt64
    }

    @inline(__always)
    package static func readVarint(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, end: Int) throws(Malformed) -> UInt64
    {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard i < end else { throw Malformed(reason: "truncated varint") }
            let byte = b[i]
            i += 1
            if shift == 63 && byte > 1 { throw Malformed(reason: "varint overflow") }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw Malformed(reason: "varint overflow") }
        }
    }

    /// Calls `body` for every field in `range` of `buffer`, in order.
    package static func forEachField(
        _ buffer: UnsafeBufferPointer<UInt8>, in range: Range<Int>,
        _ body: (Field) throws -> Void
    ) throws {
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            let start = i
            let key = try readVarint(buffer, &i, end: end)
            let number = key >> 3
            guard number > 0, number <= 536_870_911 else { throw Malformed(reason: "invalid field number \(number)") }
            guard let type = WireType(rawValue: UInt8(key & 7)) else {
                throw Malformed(reason: "unsupported wire type \(key & 7) for field \(number)")
            }
            var field = Field(number: Int(number), wireType: type, range: i..<i, fullRange: start..<start, varint: 0)
            switch type {
            case .varint:
                field.varint = try readVarint(buffer, &i, end: end)
                field.range = field.range.lowerBound..<i
            case .fixed64:
                guard end - i >= 8 else { throw Malformed(reason: "truncated fixed64") }
                field.range = i..<(i + 8)
                i += 8
            case .fixed32:
                guard end - i >= 4 else { throw Malformed(reason: "truncated fixed32") }
                field.range = i..<(i + 4)
                i += 4
            case .lengthDelimited:
                let length = try readVarint(buffer, &i, end: end)
                guard length <= UInt64(end - i) else {
                    throw Malformed(reason: "length \(length) past the end of the message")
                }
                field.range = i..<(i + Int(length))
                i += Int(length)
            }
            field.fullRange = start..<i
            try body(field)
        }
    }

    @inline(__always)
    package static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    @inline(__always)
    package static func varintSize(_ value: UInt64) -> Int {
        var n = 1
        var v = value >> 7
        while v != 0 { n += 1; v >>= 7 }
        return n
    }

    /// A length-delimited field: tag, length, payload.
    @inline(__always)
    package static func appendField<C: Collection>(_ number: Int, _ payload: C, to out: inout [UInt8])
    where C.Element == UInt8 {
        appendTag(number, .lengthDelimited, to: &out)
        appendVarint(UInt64(payload.count), to: &out)
        out.append(contentsOf: payload)
    }

    /// A `map<string, bytes-or-message>` entry as field `number`: key in field 1, value in field 2.
    package static func appendMapEntry<C: Collection>(_ number: Int, key: String, value: C, to out: inout [UInt8])
    where C.Element == UInt8 {
        let k = key.utf8.count
        let entrySize = 1 + varintSize(UInt64(k)) + k + 1 + varintSize(UInt64(value.count)) + value.count
        appendTag(number, .lengthDelimited, to: &out)
        appendVarint(UInt64(entrySize), to: &out)
        appendField(1, key.utf8, to: &out)
        appendField(2, value, to: &out)
    }

    @inline(__always)
    package static func appendTag(_ number: Int, _ type: WireType, to out: inout [UInt8]) {
        appendVarint(UInt64(number << 3) | UInt64(type.rawValue), to: &out)
    }
}
