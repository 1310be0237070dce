/// One resource a function composes: its key in `desired.resources`, the partial object, and
/// what it waits for. Templates build these from the kit's resource kinds (`ManagedResource`,
/// `Release`, `KubernetesObject`, `ProviderConfig`, `Usage`) or directly, and list them with
/// `@ResourcesBuilder`; `FunctionResponse.compose` puts them in the response.
///
/// Plain data, like the `Rendered` values it holds: a template moves dozens of these between
/// arrays on every call, and a copy retains nothing. Like those values it lives for one call.
public struct Composed {
    /// The key in `desired.resources`.
    public var key: ResourceKey
    /// The partial object (a rendered object).
    public var object: Rendered
    /// Where the resource comes from when a template says (a rendered string); see `origin`.
    public private(set) var namedOrigin: Rendered?
    /// Observed resources that must be Ready before this one is composed, in the order they are
    /// checked (see `firstUnmetGate`).
    public private(set) var gates = Gates()
    /// A name the function gives a set of its resources, to report on them together; the SDK
    /// never reads it.
    public private(set) var group: StaticString?
    /// Kinds that never report Ready (ProviderConfigs, Usages) are Ready at once.
    public var readyAtOnce = false
    /// The key of a gated resource this one is composed with: a Usage of an object appears exactly
    /// when its object does.
    public var follows: ResourceKey?
    /// The byte length of `metadata.name`, when the template that made the object knows it.
    @usableFromInline var knownNameLength: Int32 = -1

    /// A resource under `key` with `object` (a rendered object).
    public init(key: ResourceKey, origin: Rendered? = nil, object: Rendered) {
        self.key = key
        self.namedOrigin = origin
        self.object = object
    }

    /// A resource whose `metadata.name` is `name`, remembered so that `nameLength` need not read
    /// the object back.
    @inlinable
    public init(key: ResourceKey, name: Rendered, object: Rendered) {
        self.init(key: key, object: object)
        if name.isEncodedString { knownNameLength = Int32(name.encodedCount) }
    }

    /// The key as a String.
    public var keyString: String { key.string }
    /// Where the resource comes from, for messages: "the <key> resource" unless a template says more.
    public var origin: String { namedOrigin?.string ?? "the \(keyString) resource" }
    /// `metadata.name`, read back from the rendered object (only messages ask).
    public var name: String { object["metadata"]?["name"]?.string ?? keyString }
    /// The byte length of `name` (Kubernetes allows 253).
    public var nameLength: Int {
        knownNameLength >= 0 ? Int(knownNameLength) : object.stringLength("metadata", "name") ?? keyString.utf8.count
    }

    // `consuming`: the resource is changed in place and handed on.
    /// The same resource, with where it comes from for messages (`"spec.apps[2]"`).
    public consuming func origin(_ o: Rendered) -> Composed { namedOrigin = o; return self }
    /// The same resource, held back until each gate's observed resource is Ready.
    public consuming func gated(by gates: Gates) -> Composed { self.gates = gates; return self }
    /// The same resource, in the group `g` (see `group`).
    public consuming func group(_ g: StaticString) -> Composed { group = g; return self }

    /// The gate that holds this resource back, or nil when it is composed: it has no gates, every
    /// gate's resource is observed Ready, or it already exists (gating never removes a resource
    /// that was composed before).
    public func firstUnmetGate(observed: [String: ObservedResource]) -> Gate? {
        guard !gates.isEmpty, observed[keyString] == nil else { return nil }
        return gates.first { observed[$0.key.string]?.isReady != true }
    }
}

/// A precondition of a gated resource: the observed resource under `key` must be Ready.
public struct Gate {
    /// The key of the observed resource that must be Ready.
    public var key: ResourceKey

    /// A gate on the observed resource under `key`.
    public init(key: ResourceKey) { self.key = key }
}

/// The gates of one resource: at most two, held inline (no array per resource).
public struct Gates {
    /// The gate checked first.
    public private(set) var first: Gate?
    /// The gate checked second.
    public private(set) var second: Gate?

    /// No gates: the resource is composed at once.
    public init() {}

    /// One gate.
    public init(_ g: Gate) { first = g }

    /// Whether there is no gate.
    public var isEmpty: Bool { first == nil }

    /// Adds a gate; a third one is a misuse, reported as the call's Fatal result.
    public mutating func append(_ g: Gate) {
        if first == nil {
            first = g
        } else if second == nil {
            second = g
        } else {
            RenderArena.current.pointee.report("a composed resource has at most two gates")
        }
    }

    /// The first gate `unmet` says does not hold, in order.
    public func first(where unmet: (Gate) -> Bool) -> Gate? {
        if let g = first, unmet(g) { return g }
        if let g = second, unmet(g) { return g }
        return nil
    }
}

/// Anything a template can list: the kit's resource kinds convert themselves to `Composed`.
public protocol ComposedConvertible {
    var composed: Composed { get }
}

extension Composed: ComposedConvertible {
    public var composed: Composed { self }
}
