/// A provider's ProviderConfig (provider-helm, provider-kubernetes, provider-sql...): Ready at
/// once, as these kinds report no Ready condition.
public struct ProviderConfig: ComposedConvertible {
    public var key: Rendered
    public var apiVersion: String
    public var name: Rendered
    public var externalName: String?
    public var spec: Rendered

    public init(key: Rendered, apiVersion: String, name: Rendered, externalName: String? = nil, spec: Rendered) {
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
