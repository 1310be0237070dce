/// `grpc-timeout`: 1 to 8 ASCII digits and a unit (H, M, S, m, u, n). Converted to nanoseconds with
/// saturating arithmetic, since `99999999H` does not fit in Int64 nanoseconds.
public enum Timeout {
    public static func parseNanoseconds(_ text: String) -> UInt64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 9 else { return nil }
        var value: UInt64 = 0
        for b in bytes.dropLast() {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            value = value * 10 + UInt64(b - 0x30)
        }
        let unit: UInt64
        switch bytes.last! {
        case UInt8(ascii: "H"): unit = 3_600_000_000_000
        case UInt8(ascii: "M"): unit = 60_000_000_000
        case UInt8(ascii: "S"): unit = 1_000_000_000
        case UInt8(ascii: "m"): unit = 1_000_000
        case UInt8(ascii: "u"): unit = 1_000
        case UInt8(ascii: "n"): unit = 1
        default: return nil
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: unit)
        return overflow ? UInt64.max : product
    }
}
