import FunctionSDK

/// One resource a claim asks for: its key in `desired.resources`, where it comes from (for collision
/// messages), the partial object, and what it waits for (ESO gating, see Gating).
///
/// Plain data, like the `Rendered` values it holds (key and origin are rendered strings): the
/// builders move dozens of these between arrays on every call, and a copy retains nothing.
public struct Composed {
    /// A rendered string.
    public var key: Rendered
    public var object: Rendered
    /// Where the resource comes from when a template says (a rendered string); see `origin`.
    public private(set) var namedOrigin: Rendered?
    /// Preconditions that must hold before a gated resource is rendered, in attribution order.
    public private(set) var gates = Gates()
    /// What an External Secrets Operator object is, for the condition that reports on them.
    public private(set) var role: Role?
    /// Kinds that never report Ready are Ready at once.
    public var readyAtOnce = false
    /// The key of the gated resource this one is composed with (a rendered string): a Usage of the
    /// ClusterSecretStore or of an ExternalSecret appears exactly when its object does.
    public var follows: Rendered?
    /// The byte length of `metadata.name`, when the template that made the object knows it.
    var knownNameLength: Int32 = -1

    public init(key: Rendered, origin: Rendered? = nil, object: Rendered) {
        self.key = key
        self.namedOrigin = origin
        self.object = object
    }

    init(key: Rendered, name: Rendered, object: Rendered) {
        self.init(key: key, object: object)
        if name.isEncodedString { knownNameLength = Int32(name.encodedCount) }
    }

    public var keyString: String { key.string ?? "" }
    /// Where the resource comes from, for messages: "the <key> resource" unless a template says more.
    public var origin: String { namedOrigin?.string ?? "the \(keyString) resource" }
    /// `metadata.name`, read back from the rendered object (only messages ask).
    public var name: String { object["metadata"]?["name"]?.string ?? keyString }
    /// The byte length of `name`.
    public var nameLength: Int {
        knownNameLength >= 0 ? Int(knownNameLength) : object.stringLength("metadata", "name") ?? keyString.utf8.count
    }

    // `consuming`: the resource is changed in place and handed on.
    public consuming func origin(_ o: Rendered) -> Composed { namedOrigin = o; return self }
    public consuming func gated(by gates: Gates) -> Composed { self.gates = gates; return self }
    public consuming func role(_ r: Role) -> Composed { role = r; return self }

    /// The ESO objects a Cluster composes in the new cluster; the condition lists them by key.
    public enum Role: Sendable { case secretStore, externalSecret }
}

/// A precondition of a gated resource: an observed resource that must be Ready.
public struct Gate {
    public enum Kind { case externalSecretsOperator, namespace(Rendered) }
    public var kind: Kind
    /// The key of the observed resource that must be Ready (a rendered string).
    public var key: Rendered

    public var isExternalSecretsOperator: Bool {
        if case .externalSecretsOperator = kind { return true } else { return false }
    }

    public func isNamespace(_ n: String) -> Bool {
        guard case .namespace(let ns) = kind else { return false }
        return ns.string == n
    }
}

/// The gates of one resource: at most the operator and one namespace, held inline.
public struct Gates {
    public private(set) var first: Gate?
    public private(set) var second: Gate?

    public init() {}

    public init(_ g: Gate) { first = g }

    public var isEmpty: Bool { first == nil }

    public mutating func append(_ g: Gate) {
        if first == nil {
            first = g
        } else {
            precondition(second == nil, "a resource has at most two gates"); second = g
        }
    }

    /// The first gate `holds` says does not hold, in attribution order.
    public func first(where unmet: (Gate) -> Bool) -> Gate? {
        if let g = first, unmet(g) { return g }
        if let g = second, unmet(g) { return g }
        return nil
    }
}

/// Anything a template can list: typed resources convert themselves to `Composed`.
public protocol ComposedConvertible {
    var composed: Composed { get }
}

extension Composed: ComposedConvertible {
    public var composed: Composed { self }
}

/// Lets a template list its resources with `if` and `for`, in the order they are composed.
@resultBuilder
public enum ResourcesBuilder {
    // Blocks are folded statement by statement into one array (no array per resource, no flattening
    // of a list of arrays): a render builds a few dozen resources on every call.
    public static func buildExpression(_ r: some ComposedConvertible) -> Composed { r.composed }
    public static func buildExpression(_ rs: [Composed]) -> [Composed] { rs }
    public static func buildPartialBlock(first: consuming Composed) -> [Composed] { [first] }
    public static func buildPartialBlock(first: consuming [Composed]) -> [Composed] { first }
    // `consuming`: the builder's running array is appended to in place, not copied at each statement.
    public static func buildPartialBlock(accumulated: consuming [Composed], next: consuming Composed) -> [Composed] {
        accumulated.append(next)
        return accumulated
    }
    public static func buildPartialBlock(accumulated: consuming [Composed], next: consuming [Composed]) -> [Composed] {
        if accumulated.isEmpty { return next }
        accumulated.append(contentsOf: next)
        return accumulated
    }
    public static func buildBlock() -> [Composed] { [] }
    public static func buildOptional(_ part: consuming [Composed]?) -> [Composed] { part ?? [] }
    public static func buildEither(first: consuming [Composed]) -> [Composed] { first }
    public static func buildEither(second: consuming [Composed]) -> [Composed] { second }
    public static func buildArray(_ parts: consuming [[Composed]]) -> [Composed] {
        if parts.count == 1 { return parts[0] }
        var all: [Composed] = []
        all.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for p in parts { all.append(contentsOf: p) }
        return all
    }
}

/// `metadata` with the name, an optional external-name annotation and labels.
func metadata(name: Rendered, externalName: String? = nil, labels: Rendered? = nil) -> Rendered {
    [
        "name": name,
        "annotations": externalName.map { ["crossplane.io/external-name": .string($0)] },
        "labels": labels,
    ]
}

/// `{matchControllerRef: true}`: select the resource of the same XR. Rendered afresh at each use
/// (a stored value would outlive its render).
var matchControllerRef: Rendered { ["matchControllerRef": true] }
