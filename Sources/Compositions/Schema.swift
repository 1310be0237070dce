import FunctionSDK

/// The declarative field checks of stage B (README.md beside this file): types, required fields,
/// allowed values, minimums, name formats and non-empty lists, walked in the order of the tables.
indirect enum Schema: Sendable {
    case string(oneOf: [String]? = nil, format: NameFormat? = nil)
    case boolean
    case integer(minimum: Int? = nil)
    case array(Schema, nonEmpty: Bool = false)
    case object([SchemaField])
    /// Accepted for compatibility, never checked (the dynatrace fields).
    case unchecked
}

struct SchemaField: Sendable {
    var name: String
    var schema: Schema
    var required = false

    init(_ name: String, _ schema: Schema, required: Bool = false) {
        self.name = name
        self.schema = schema
        self.required = required
    }
}

enum NameFormat: Sendable {
    case dnsLabel, dnsSubdomain, secretKey, postgresVersion

    func accepts(_ s: String) -> Bool {
        switch self {
        case .dnsLabel: return Names.isDNSLabel(s)
        case .dnsSubdomain: return Names.isDNSSubdomain(s)
        case .secretKey:
            return !s.isEmpty && s.utf8.allSatisfy { Names.isAlnum($0) || $0 == 0x2d || $0 == 0x5f || $0 == 0x2e }
        case .postgresVersion:
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            return !parts.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        }
    }

    func problem(_ path: String, _ value: JSON) -> String {
        let v = CanonicalJSON.encode(value)
        switch self {
        case .dnsLabel:
            return
                "\(path) must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got \(v)"
        case .dnsSubdomain:
            return "\(path) must be a DNS subdomain (DNS labels joined by '.', at most 253 characters), got \(v)"
        case .secretKey:
            return "\(path) must be a Secret data key (letters, digits, '-', '_' and '.'), got \(v)"
        case .postgresVersion:
            return "\(path) must be a PostgreSQL version such as \"15\" or \"14.10\", got \(v)"
        }
    }
}

enum Names {
    static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a)
    }

    /// Lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63.
    static func isDNSLabel(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = u.first, let last = u.last, u.count <= 63 else { return false }
        func lowerAlnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) }
        return lowerAlnum(first) && lowerAlnum(last) && u.allSatisfy { lowerAlnum($0) || $0 == 0x2d }
    }

    static func isDNSLabel(_ s: String) -> Bool { utf8(s, isDNSLabel) }

    /// DNS labels joined by '.', at most 253.
    static func isDNSSubdomain(_ s: String) -> Bool {
        utf8(s) { u in
            guard u.count <= 253 else { return false }
            var start = 0
            for i in 0...u.count where i == u.count || u[i] == 0x2e {
                guard isDNSLabel(UnsafeBufferPointer(rebasing: u[start..<i])) else { return false }
                start = i + 1
            }
            return true
        }
    }

    /// Runs `check` on the string's UTF-8 in place (claim values are native strings; others are copied).
    private static func utf8(_ s: String, _ check: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        s.utf8.withContiguousStorageIfAvailable(check) ?? Array(s.utf8).withUnsafeBufferPointer(check)
    }
}

/// Collects problems in the order they are found. Paths are closures, spelled out only for a
/// problem: a valid claim (every call) builds no path strings.
struct FieldChecker {
    var problems: [String] = []

    /// Checks `value` (nil when absent) at `path` against `field`.
    mutating func check(_ value: JSON?, at path: @autoclosure () -> String, _ field: SchemaField) {
        // Absent, null and (for strings) "" are all "not set".
        var present = value
        if case .null? = present { present = nil }
        if case .string(let s)? = present, s.isEmpty, case .string = field.schema { present = nil }
        guard let v = present else {
            if field.required { problems.append("\(path()) is required") }
            return
        }
        check(v, at: path(), field.schema)
    }

    mutating func check(_ v: JSON, at path: @autoclosure () -> String, _ schema: Schema) {
        switch schema {
        case .unchecked:
            return
        case .string(let oneOf, let format):
            guard case .string(let s) = v else { return typeProblem(path(), "a string", v) }
            if let allowed = oneOf, !allowed.contains(s) {
                problems.append(
                    "\(path()) must be one of \(allowed.joined(separator: ", ")), got \(CanonicalJSON.encode(v))")
            } else if let f = format, !f.accepts(s) {
                problems.append(f.problem(path(), v))
            }
        case .boolean:
            guard case .bool = v else { return typeProblem(path(), "a boolean", v) }
        case .integer(let minimum):
            guard let n = v.integer else { return typeProblem(path(), "an integer", v) }
            if let m = minimum, n < m {
                problems.append("\(path()) must be at least \(m), got \(CanonicalJSON.encode(v))")
            }
        case .array(let item, let nonEmpty):
            guard case .list(let items) = v else { return typeProblem(path(), "an array", v) }
            if nonEmpty && items.isEmpty { problems.append("\(path()) must not be empty") }
            for (i, element) in items.enumerated() {
                check(element, at: "\(path())[\(i)]", SchemaField("", item, required: true))
            }
        case .object(let fields):
            guard case .object(let o) = v else { return typeProblem(path(), "an object", v) }
            for f in fields { check(o[f.name], at: "\(path()).\(f.name)", f) }
        }
    }

    private mutating func typeProblem(_ path: @autoclosure () -> String, _ type: String, _ v: JSON) {
        problems.append("\(path()) must be \(type), got \(CanonicalJSON.encode(v))")
    }
}

/// Reads claim values after stage B: a mistyped value reads as absent, and so does "".
struct Reader {
    let root: JSON?

    init(_ root: JSON?) { self.root = root }

    subscript(_ path: String...) -> Reader { Reader(root?[path: path]) }

    var string: String? {
        guard case .string(let s)? = root, !s.isEmpty else { return nil }
        return s
    }
    /// "Set" for a boolean means true.
    /// The value copied into a template, as the user wrote it.
    var rendered: Rendered? { root.map(Rendered.init) }
    var isTrue: Bool { root?.bool == true }
    var bool: Bool? { root?.bool }
    var integer: Int? { root?.integer }
    var object: JSON.Object? { root?.object }
    /// "Set" for an object means present as an object, even empty.
    var isObject: Bool { root?.object != nil }
    var list: [JSON]? { root?.list }
    var strings: [String]? { root?.list?.compactMap { $0.string } }
}
