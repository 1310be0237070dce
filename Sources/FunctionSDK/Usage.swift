/// A Crossplane 2 `protection.crossplane.io` Usage: `of` cannot be deleted while `by` exists.
/// Crossplane deletes a composite's resources together; Usages make a cluster outlive the
/// Releases and Objects that still have to clean up inside it. Ready at once.
public struct Usage: ComposedConvertible {
    /// The key in `desired.resources`, also the Usage's name.
    public var key: ResourceKey
    /// The resource protected from deletion.
    public var of: (apiVersion: String, kind: String, name: Rendered)
    /// The resource that uses it.
    public var by: (apiVersion: String, kind: String, name: Rendered)
    /// Where the Usage comes from, for messages.
    public var origin: Rendered?
    /// A Usage of a gated object is composed exactly when its object is (see `Composed.follows`).
    public var follows: ResourceKey?

    /// A Usage of `of` by `by`.
    public init(
        key: ResourceKey, of: (apiVersion: String, kind: String, name: Rendered),
        by: (apiVersion: String, kind: String, name: Rendered), origin: Rendered? = nil, follows: ResourceKey? = nil
    ) {
        self.key = key
        self.of = of
        self.by = by
        self.origin = origin
        self.follows = follows
    }

    public var composed: Composed {
        var c = Composed(
            key: key, name: key.rendered,
            object: [
                "apiVersion": "protection.crossplane.io/v1beta1", "kind": "Usage",
                "metadata": ["name": key.rendered, "annotations": ["crossplane.io/external-name": key.rendered]],
                "spec": [
                    "of": [
                        "apiVersion": .string(of.apiVersion), "kind": .string(of.kind),
                        "resourceRef": ["name": of.name],
                    ],
                    "by": [
                        "apiVersion": .string(by.apiVersion), "kind": .string(by.kind),
                        "resourceRef": ["name": by.name],
                    ],
                ],
            ])
        c.readyAtOnce = true
        if let origin { c = c.origin(origin) }
        c.follows = follows
        return c
    }
}
