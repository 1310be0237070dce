/// A JSON value as Crossplane carries it in `google.protobuf.Struct`: numbers are doubles, objects
/// keep their keys in insertion order (templates read in the order they were written; the canonical
/// emitters sort). Literals build values directly, so a template reads like the YAML it produces:
///
///     ["forProvider": ["region": "us-east-1", "minSize": 3, "tags": ["a": "b"]]]
///
/// In object literals a `nil`, `""` or `[]` value drops its key: composed objects never carry empty
/// fields they do not mean. An empty object `{}` is kept.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([JSON])
    case object(Object)

    /// A JSON object that keeps its keys in the order they came (or were set).
    public struct Object: Sendable, Equatable {
        /// The members, in order.
        public var entries: [(key: String, value: JSON)]

        /// An object with these members.
        public init(_ entries: [(key: String, value: JSON)] = []) { self.entries = entries }

        public static func == (a: Object, b: Object) -> Bool {
            guard a.entries.count == b.entries.count else { return false }
            // Order-insensitive, as JSON objects are.
            for (k, v) in a.entries where b[k] != v { return false }
            return true
        }

        /// The member named `key` (reading), or sets, replaces or (with nil) removes it in place.
        public subscript(key: String) -> JSON? {
            get {
                for e in entries where e.key == key { return e.value }
                return nil
            }
            set {
                if let i = entries.firstIndex(where: { $0.key == key }) {
                    if let v = newValue { entries[i].value = v } else { entries.remove(at: i) }
                } else if let v = newValue {
                    entries.append((key, v))
                }
            }
        }

        /// Whether the object has no member.
        public var isEmpty: Bool { entries.isEmpty }
        /// The member names, in order.
        public var keys: [String] { entries.map(\.key) }
    }

    // MARK: Access

    /// The member named `key` of an object; nil for a missing key or another kind.
    public subscript(key: String) -> JSON? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The value at a path of object keys, or nil where one is missing.
    public subscript(path path: [String]) -> JSON? {
        var v: JSON? = self
        for k in path { v = v?[k] }
        return v
    }

    /// The string, or nil for other kinds.
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The boolean, or nil for other kinds.
    public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The number, or nil for other kinds.
    public var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    /// The list, or nil for other kinds.
    public var list: [JSON]? { if case .list(let l) = self { return l } else { return nil } }
    /// The object, or nil for other kinds.
    public var object: Object? { if case .object(let o) = self { return o } else { return nil } }
    /// Whether this is `null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// A whole number that fits in Int (JSON numbers are doubles on the wire).
    public var integer: Int? {
        guard case .number(let n) = self, n.rounded() == n, abs(n) < 9.0e15 else { return nil }
        return Int(n)
    }

    /// Whether an object literal drops this value (nil, "", []).
    var isOmittedInLiterals: Bool {
        switch self {
        case .string(let s): return s.isEmpty
        case .list(let l): return l.isEmpty
        default: return false
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral s: String) { self = .string(s) }
    public init(integerLiteral n: Int) { self = .number(Double(n)) }
    public init(floatLiteral n: Double) { self = .number(n) }
    public init(booleanLiteral b: Bool) { self = .bool(b) }
    public init(arrayLiteral elements: JSON...) { self = .list(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSON?)...) {
        self = .object(Object(pairs: elements))
    }
}

extension JSON.Object: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSON?)...) {
        self.init(pairs: elements)
    }

    init(pairs elements: [(String, JSON?)]) {
        var entries: [(key: String, value: JSON)] = []
        entries.reserveCapacity(elements.count)
        for (k, v) in elements {
            guard let v, !v.isNull, !v.isOmittedInLiterals else { continue }
            entries.append((k, v))
        }
        self.init(entries)
    }
}

extension JSON {
    /// A string.
    public init(_ s: String) { self = .string(s) }
    /// A number.
    public init(_ n: Int) { self = .number(Double(n)) }
    /// A boolean.
    public init(_ b: Bool) { self = .bool(b) }
    /// A list.
    public init(_ l: [JSON]) { self = .list(l) }
    /// An object.
    public init(_ o: Object) { self = .object(o) }
    /// A list of strings.
    public static func strings(_ l: [String]) -> JSON { .list(l.map(JSON.string)) }
}
