import FunctionSDK

/// One resource a claim asks for: its key in `desired.resources`, where it comes from (for collision
/// messages, compositions.md §11.3), the partial object, and what it waits for (§8).
public struct Composed {
    public var key: String
    /// Where the resource comes from, for messages: "the <key> resource" unless a template says more.
    public var origin: String {
        get { namedOrigin ?? "the \(key) resource" }
        set { namedOrigin = newValue }
    }
    /// Kept apart from the default so a render that reports nothing builds no origin text.
    public private(set) var namedOrigin: String?
    public var object: Rendered
    /// Preconditions that must hold before a gated resource is rendered, in attribution order.
    /// (Optional so the many ungated resources copy without a reference to retain.)
    public var gates: [Gate]? = nil
    /// Kinds that never report Ready are Ready at once (§9.1).
    public var readyAtOnce = false

    public init(key: String, origin: String? = nil, object: Rendered) {
        self.key = key
        self.namedOrigin = origin
        self.object = object
    }

    /// `metadata.name`, read back from the rendered object (only messages ask).
    public var name: String { object["metadata"]?["name"]?.string ?? key }
    /// The byte length of `name`, read in place.
    public var nameLength: Int { object.stringLength("metadata", "name") ?? key.utf8.count }

    public func origin(_ o: String) -> Composed { var c = self; c.origin = o; return c }
    public func gated(by gates: [Gate]) -> Composed { var c = self; c.gates = gates.isEmpty ? nil : gates; return c }
}

/// A precondition of a gated resource: an observed resource that must be Ready.
public struct Gate: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case externalSecretsOperator, namespace(String) }
    public var kind: Kind
    /// The key of the observed resource that must be Ready.
    public var key: String
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
    public static func buildPartialBlock(first: Composed) -> [Composed] { [first] }
    public static func buildPartialBlock(first: [Composed]) -> [Composed] { first }
    // `consuming`: the builder's running array is appended to in place, not copied at each statement.
    public static func buildPartialBlock(accumulated: consuming [Composed], next: Composed) -> [Composed] {
        accumulated.append(next)
        return accumulated
    }
    public static func buildPartialBlock(accumulated: consuming [Composed], next: [Composed]) -> [Composed] {
        accumulated.append(contentsOf: next)
        return accumulated
    }
    public static func buildBlock() -> [Composed] { [] }
    public static func buildOptional(_ part: [Composed]?) -> [Composed] { part ?? [] }
    public static func buildEither(first: [Composed]) -> [Composed] { first }
    public static func buildEither(second: [Composed]) -> [Composed] { second }
    public static func buildArray(_ parts: [[Composed]]) -> [Composed] { parts.flatMap { $0 } }
}

/// `metadata` with the name, an optional external-name annotation and labels (§1 rule 2).
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
