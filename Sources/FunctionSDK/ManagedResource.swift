/// A managed resource of a Crossplane provider (`s3.aws.upbound.io` Bucket, say): `forProvider`
/// and any other `spec` fields.
public struct ManagedResource: ComposedConvertible {
    public var key: Rendered
    public var apiVersion: String
    public var kind: String
    public var name: Rendered
    public var externalName: String?
    public var labels: Rendered?
    public var forProvider: Rendered
    /// Other `spec` fields (`writeConnectionSecretToRef`, `providerConfigRef`...), after `forProvider`.
    public var spec: Rendered

    public init(
        key: Rendered, apiVersion: String, kind: String, name: Rendered, externalName: String? = nil,
        labels: Rendered? = nil, forProvider: Rendered, spec: Rendered = .emptyObject
    ) {
        self.key = key
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.externalName = externalName
        self.labels = labels
        self.forProvider = forProvider
        self.spec = spec
    }

    public var composed: Composed {
        Composed(
            key: key, name: name,
            object: [
                "apiVersion": .string(apiVersion), "kind": .string(kind),
                "metadata": .metadata(name: name, externalName: externalName, labels: labels),
                "spec": .merging(["forProvider": forProvider], spec),
            ])
    }
}
