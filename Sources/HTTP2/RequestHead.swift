import HPACK

/// A validated request header block (RFC 9113 section 8.3). Regular fields keep their order.
public struct RequestHead: Sendable {
    public var method: String
    public var scheme: String
    public var path: String
    public var authority: String?
    public var fields: [HeaderField]
    public var contentLength: Int?
    /// `host` appears more than once (gRPC answers HTTP 400; one `host` equal to `:authority` is fine, gRPC A41).
    public var repeatedAuthority: Bool

    public func first(_ name: String) -> String? {
        for f in fields where f.name == name { return f.value }
        return nil
    }

    /// All values of a field, joined with ", " as RFC 9110 section 5.3 allows for list fields.
    public func joined(_ name: String) -> String? {
        var out: String?
        for f in fields where f.name == name {
            out = out.map { $0 + "," + f.value } ?? f.value
        }
        return out
    }
}

/// Why a header block is malformed; each is answered with stream PROTOCOL_ERROR (RFC 9113 section 8.1.1).
public enum MalformedReason: Error, Equatable, Sendable {
    case invalidFieldName(String)
    case invalidFieldValue(String)
    case unknownPseudoHeader(String)
    case pseudoHeaderAfterRegular(String)
    case duplicatePseudoHeader(String)
    case missingPseudoHeader(String)
    case emptyPath
    case connectionSpecific(String)
    case badTE
    case badContentLength
    case hostMismatch
    case pseudoHeaderInTrailers(String)
}

enum RequestValidator {
    static func validate(_ fields: [HeaderField]) throws(MalformedReason) -> RequestHead {
        var method: String?, scheme: String?, path: String?, authority: String?
        var sawRegular = false
        var regular: [HeaderField] = []
        regular.reserveCapacity(fields.count)
        var contentLength: Int?
        var host: String?
        var hostCount = 0
        for f in fields {
            if f.name.utf8.first == UInt8(ascii: ":") {
                if sawRegular { throw .pseudoHeaderAfterRegular(f.name) }
                try checkValue(f)
                switch f.name {
                case ":method":
                    if method != nil { throw .duplicatePseudoHeader(f.name) }
                    method = f.value
                case ":scheme":
                    if scheme != nil { throw .duplicatePseudoHeader(f.name) }
                    scheme = f.value
                case ":path":
                    if path != nil { throw .duplicatePseudoHeader(f.name) }
                    path = f.value
                case ":authority":
                    if authority != nil { throw .duplicatePseudoHeader(f.name) }
                    authority = f.value
                default:
                    throw .unknownPseudoHeader(f.name)
                }
                continue
            }
            sawRegular = true
            try checkRegular(f)
            switch f.name {
            case "connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade":
                throw .connectionSpecific(f.name)
            case "te":
                if f.value != "trailers" { throw .badTE }
            case "content-length":
                guard let n = parseContentLength(f.value) else { throw .badContentLength }
                if let c = contentLength, c != n { throw .badContentLength }
                contentLength = n
            case "host":
                hostCount += 1
                if let a = authority, a != f.value { throw .hostMismatch }
                host = f.value
            default:
                break
            }
            regular.append(f)
        }
        guard let m = method else { throw .missingPseudoHeader(":method") }
        guard let s = scheme else { throw .missingPseudoHeader(":scheme") }
        guard let p = path else { throw .missingPseudoHeader(":path") }
        if p.isEmpty { throw .emptyPath }
        if p.utf8.first != UInt8(ascii: "/") && !(p == "*" && m == "OPTIONS") { throw .emptyPath }
        if let h = host, let a = authority, a != h { throw .hostMismatch }
        return RequestHead(
            method: m, scheme: s, path: p, authority: authority ?? host, fields: regular,
            contentLength: contentLength, repeatedAuthority: hostCount > 1)
    }

    static func validateTrailers(_ fields: [HeaderField]) throws(MalformedReason) {
        for f in fields {
            if f.name.utf8.first == UInt8(ascii: ":") { throw .pseudoHeaderInTrailers(f.name) }
            try checkRegular(f)
        }
    }

    private static func checkRegular(_ f: HeaderField) throws(MalformedReason) {
        if f.name.isEmpty { throw .invalidFieldName(f.name) }
        for b in f.name.utf8 {
            // RFC 9113 section 8.2.1: no uppercase, no controls, no space, no DEL or non-ASCII, no colon.
            if b <= 0x20 || b >= 0x7f || (b >= 0x41 && b <= 0x5a) || b == UInt8(ascii: ":") {
                throw .invalidFieldName(f.name)
            }
        }
        try checkValue(f)
    }

    private static func checkValue(_ f: HeaderField) throws(MalformedReason) {
        let v = f.value.utf8
        let clean =
            v.withContiguousStorageIfAvailable(hasNoNULCRLF) ?? !v.contains { $0 == 0 || $0 == 0x0a || $0 == 0x0d }
        if !clean { throw .invalidFieldValue(f.name) }
        if let first = v.first, first == 0x20 || first == 0x09 { throw .invalidFieldValue(f.name) }
        if let last = v.last, last == 0x20 || last == 0x09 { throw .invalidFieldValue(f.name) }
    }

    /// No NUL, LF or CR (RFC 9113 section 8.2.1), eight bytes at a time: every value of every request goes
    /// through here.
    static func hasNoNULCRLF(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        @inline(__always) func hasZeroByte(_ x: UInt64) -> Bool {
            (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
        }
        var i = 0
        if b.count >= 8, let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= b.count {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if hasZeroByte(w) || hasZeroByte(w ^ 0x0a0a_0a0a_0a0a_0a0a) || hasZeroByte(w ^ 0x0d0d_0d0d_0d0d_0d0d) {
                    return false
                }
                i += 8
            }
        }
        while i < b.count {
            let c = b[i]
            if c == 0 || c == 0x0a || c == 0x0d { return false }
            i += 1
        }
        return true
    }

    private static func parseContentLength(_ s: String) -> Int? {
        if s.isEmpty || s.utf8.count > 18 { return nil }
        var n = 0
        for b in s.utf8 {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            n = n * 10 + Int(b - 0x30)
        }
        return n
    }
}
