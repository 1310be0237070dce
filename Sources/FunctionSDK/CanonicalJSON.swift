/// Compact JSON with keys sorted, whole numbers without a decimal point, non-ASCII written as is and
/// `<`, `>`, `&` unescaped: the value a Fatal result quotes, as the user wrote it.
public enum CanonicalJSON {
    /// JSON text with object keys sorted and no spaces: the same value always gives the same bytes (golden files, messages).
    public static func encode(_ value: JSON) -> String {
        var out = ""
        write(value, &out)
        return out
    }

    static func write(_ value: JSON, _ out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += number(n)
        case .string(let s): quote(s, &out)
        case .list(let l):
            out += "["
            for (i, v) in l.enumerated() {
                if i > 0 { out += "," }
                write(v, &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, e) in o.entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out += "," }
                quote(e.key, &out)
                out += ":"
                write(e.value, &out)
            }
            out += "}"
        }
    }

    /// A number as JSON writes it: whole numbers without a fraction.
    public static func number(_ n: Double) -> String {
        if !n.isFinite { return "null" }
        if n.rounded() == n && abs(n) < 1e15 { return String(Int64(n)) }
        return "\(n)"
    }

    /// Appends `s` as a JSON string literal, escaped.
    public static func quote(_ s: String, _ out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    /// `s` as a JSON string literal, for messages that quote a value.
    public static func quoted(_ s: String) -> String {
        var out = ""
        quote(s, &out)
        return out
    }
}
