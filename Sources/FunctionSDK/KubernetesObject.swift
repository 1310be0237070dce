/// A provider-kubernetes Object: any manifest, applied through a ProviderConfig.
public struct KubernetesObject: ComposedConvertible {
    /// Crossplane 1 (cluster-scoped Object) or 2 (namespaced `.m.` Object).
    public var mode: Mode
    /// The key in `desired.resources`.
    public var key: ResourceKey
    /// `metadata.name` of the Object.
    public var name: Rendered
    /// The `crossplane.io/external-name` annotation: the name of the manifest's object.
    public var externalName: String?
    /// The object to apply.
    public var manifest: Rendered
    /// The provider-kubernetes ProviderConfig (the target cluster).
    public var providerConfig: String
    /// `references` (`Rendered.patchFrom`, ...), in order.
    public var references: [Rendered]
    /// `managementPolicies: [Create, Update, Observe]`: created and updated, never deleted.
    public var createUpdateObserve: Bool
    /// Other `spec` fields, after `providerConfigRef`.
    public var spec: Rendered

    /// An Object of `manifest` through `providerConfig`.
    public init(
        mode: Mode = .v1, key: ResourceKey, name: Rendered, externalName: String? = nil, manifest: Rendered,
        providerConfig: String, references: [Rendered] = [], createUpdateObserve: Bool = false,
        spec: Rendered = .emptyObject
    ) {
        self.mode = mode
        self.key = key
        self.name = name
        self.externalName = externalName
        self.manifest = manifest
        self.providerConfig = providerConfig
        self.references = references
        self.createUpdateObserve = createUpdateObserve
        self.spec = spec
    }

    public var composed: Composed {
        let s: Rendered = [
            "references": .list(references),
            "forProvider": ["manifest": manifest],
            "managementPolicies": createUpdateObserve ? ["Create", "Update", "Observe"] : nil,
            "providerConfigRef": .providerConfigRef(providerConfig, mode),
        ]
        return Composed(
            key: key, name: name,
            object: [
                "apiVersion": .string(API.kubernetesObject.version(mode)), "kind": "Object",
                "metadata": .metadata(name: name, externalName: externalName), "spec": .merging(s, spec),
            ])
    }
}
