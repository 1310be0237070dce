/// A provider's ProviderConfig (provider-helm, provider-kubernetes, provider-sql...): Ready at
/// once, as these kinds report no Ready condition.
public struct ProviderConfig: ComposedConvertible {
    /// The key in `desired.resources`.
    public var key: ResourceKey
    /// The provider's ProviderConfig apiVersion.
    public var apiVersion: String
    /// `metadata.name`: what resources name in `providerConfigRef`.
    public var name: Rendered
    /// The `crossplane.io/external-name` annotation.
    public var externalName: String?
    /// `spec` (credentials and the like).
    public var spec: Rendered

    /// A ProviderConfig with this spec.
    public init(key: ResourceKey, apiVersion: String, name: Rendered, externalName: String? = nil, spec: Rendered) {
        self.key = key
        self.apiVersion = apiVersion
        self.name = name
        self.externalName = externalName
        self.spec = spec
    }

    public var composed: Composed {
        var c = Composed(
            key: key, name: name,
            object: [
                "apiVersion": .string(apiVersion), "kind": "ProviderConfig",
                "metadata": .metadata(name: name, externalName: externalName), "spec": spec,
            ])
        c.readyAtOnce = true
        return c
    }
}
