/// Block-style YAML with keys sorted at every level: the format of golden files and of `render`.
/// Scalars are plain only where no YAML 1.1 or 1.2 reader could take them for anything but a string;
/// everything else is double-quoted. Multi-line strings use literal blocks.
public enum CanonicalYAML {
    /// One YAML document, keys sorted: the canonical form golden files are written in.
    public static func document(_ value: JSON) -> String {
        var out = ""
        write(value, indent: 0, &out, inList: false)
        if !out.hasSuffix("\n") { out += "\n" }
        return out
    }

    private static func write(_ value: JSON, indent: Int, _ out: inout String, inList: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let o) where !o.isEmpty:
            for (i, e) in o.entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if !(inList && i == 0) { out += pad }
                out += key(e.key) + ":"
                writeChild(e.value, indent: indent, &out)
            }
        case .list(let l) where !l.isEmpty:
            for item in l {
                out += pad + "- "
                switch item {
                case .object(let o) where !o.isEmpty:
                    write(item, indent: indent + 2, &out, inList: true)
                case .list(let inner) where !inner.isEmpty:
                    out += "\n"
                    write(item, indent: indent + 2, &out, inList: false)
                default:
                    out += scalar(item, indent: indent + 2) + "\n"
                }
            }
        default:
            out += pad + scalar(value, indent: indent) + "\n"
        }
    }

    private static func writeChild(_ value: JSON, indent: Int, _ out: inout String) {
        switch value {
        case .object(let o) where !o.isEmpty:
            out += "\n"
            write(value, indent: indent + 2, &out, inList: false)
        case .list(let l) where !l.isEmpty:
            out += "\n"
            write(value, indent: indent, &out, inList: false)
        default:
            out += " " + scalar(value, indent: indent + 2) + "\n"
        }
    }

    static func scalar(_ value: JSON, indent: Int) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return CanonicalJSON.number(n)
        case .object: return "{}"
        case .list: return "[]"
        case .string(let s): return string(s, indent: indent)
        }
    }

    static func key(_ s: String) -> String { isPlain(s) ? s : CanonicalJSON.quoted(s) }

    static func string(_ s: String, indent: Int) -> String {
        if s.contains("\n") && !s.hasPrefix(" ") && !s.hasPrefix("\n") && literalSafe(s) {
            let body = s.hasSuffix("\n") ? String(s.dropLast()) : s
            if !body.hasSuffix("\n") {
                let header = s.hasSuffix("\n") ? "|" : "|-"
                let pad = String(repeating: " ", count: indent)
                return header + "\n"
                    + body.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
            }
        }
        return isPlain(s) ? s : CanonicalJSON.quoted(s)
    }

    private static func literalSafe(_ s: String) -> Bool {
        for u in s.unicodeScalars where (u.value < 0x20 && u != "\n") || u == "\u{7f}" { return false }
        for line in s.split(separator: "\n") where line.hasSuffix(" ") || line.hasSuffix("\t") { return false }
        return true
    }

    private static let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~", ""]

    static func isPlain(_ s: String) -> Bool {
        if reserved.contains(s.lowercased()) { return false }
        guard let first = s.unicodeScalars.first else { return false }
        // Anything a reader might parse as a number, date or special float stays quoted.
        if first == "." || first == "+" || first == "-" || ("0"..."9").contains(first) {
            // Numbers in any base, and timestamps (2024-01-01T00:00:00Z, 2024-01-01 00:00:00).
            if s.unicodeScalars.allSatisfy({
                ("0"..."9").contains($0) || ".-+:_eEoxXabcdefABCDEFTZtz ".unicodeScalars.contains($0)
            }) {
                return false
            }
        }
        if "-?:,[]{}#&*!|>'\"%@` ".unicodeScalars.contains(first) { return false }
        if s.hasSuffix(" ") || s.hasSuffix(":") { return false }
        for u in s.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7f { return false }
            if !(u.isASCII) { return false }
        }
        if s.contains(": ") || s.contains(" #") || s.contains("\t") { return false }
        return true
    }
}
