/// RFC 7541 section 5.1 prefix integers.
public enum IntegerCoding {
    /// Continuation octets accepted after the prefix. Four 7-bit groups reach 2^28 + prefix, enough
    /// for every size this server accepts; more is a decoding error (RFC 7541 section 5.1 allows the limit).
    static let maxContinuationOctets = 4

    public static func encode(_ value: Int, prefixBits: Int, flags: UInt8, into out: inout [UInt8]) {
        let maxPrefix = (1 << prefixBits) - 1
        if value < maxPrefix {
            out.append(flags | UInt8(value))
            return
        }
        out.append(flags | UInt8(maxPrefix))
        var rest = value - maxPrefix
        while rest >= 128 {
            out.append(UInt8(rest & 0x7f) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    /// Decodes the integer starting at `index` (whose first octet's low `prefixBits` bits start it)
    /// and advances `index` past it.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>, index: inout Int, prefixBits: Int) throws -> Int {
        guard index < bytes.count else { throw HPACKError.truncated }
        let maxPrefix = (1 << prefixBits) - 1
        var value = Int(bytes[index]) & maxPrefix
        index += 1
        if value < maxPrefix { return value }
        var shift = 0
        var octets = 0
        while true {
            guard index < bytes.count else { throw HPACKError.truncated }
            let b = bytes[index]
            index += 1
            octets += 1
            if octets > maxContinuationOctets { throw HPACKError.integerOverflow }
            value += Int(b & 0x7f) << shift
            shift += 7
            if b & 0x80 == 0 { break }
        }
        if value >= 1 << 31 { throw HPACKError.integerOverflow }
        return value
    }
}
