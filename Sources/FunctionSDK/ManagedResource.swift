/// A managed resource of a Crossplane provider (`s3.aws.upbound.io` Bucket, say): `forProvider`
/// and any other `spec` fields.
public struct ManagedResource: ComposedConvertible {
    /// The key in `desired.resources`.
    public var key: ResourceKey
    /// The provider's apiVersion.
    public var apiVersion: String
    /// The managed resource's kind.
    public var kind: String
    /// `metadata.name`.
    public var name: Rendered
    /// The `crossplane.io/external-name` annotation: the name in the cloud.
    public var externalName: String?
    /// `metadata.labels`.
    public var labels: Rendered?
    /// `spec.forProvider`.
    public var forProvider: Rendered
    /// Other `spec` fields (`writeConnectionSecretToRef`, `providerConfigRef`...), after `forProvider`.
    public var spec: Rendered

    /// A managed resource with these fields.
    public init(
        key: ResourceKey, apiVersion: String, kind: String, name: Rendered, externalName: String? = nil,
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
