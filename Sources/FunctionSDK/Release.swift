/// A provider-helm Release: a chart installed through a ProviderConfig (into another cluster,
/// usually).
public struct Release: ComposedConvertible {
    /// Crossplane 1 (cluster-scoped Release) or 2 (namespaced `.m.` Release).
    public var mode: Mode
    /// The key in `desired.resources`.
    public var key: ResourceKey
    /// `metadata.name`.
    public var name: Rendered
    /// The `crossplane.io/external-name` annotation: the Helm release name.
    public var externalName: String?
    /// `{name, repository, version}`.
    public var chart: Rendered
    /// The namespace the chart is installed in.
    public var namespace: String
    /// `set` entries, in order; a nil value writes the name alone.
    public var set: [(name: String, value: String?)]
    /// Helm values as an object.
    public var values: Rendered?
    /// `managementPolicies: [Create, Update, Observe]`: created and updated, never deleted.
    public var createUpdateObserve: Bool
    /// The provider-helm ProviderConfig (the target cluster).
    public var providerConfig: String

    /// A Release of `chart` through `providerConfig`.
    public init(
        mode: Mode = .v1, key: ResourceKey, name: Rendered, externalName: String? = nil, chart: Rendered,
        namespace: String, set: [(name: String, value: String?)] = [], values: Rendered? = nil,
        createUpdateObserve: Bool = false, providerConfig: String
    ) {
        self.mode = mode
        self.key = key
        self.name = name
        self.externalName = externalName
        self.chart = chart
        self.namespace = namespace
        self.set = set
        self.values = values
        self.createUpdateObserve = createUpdateObserve
        self.providerConfig = providerConfig
    }

    public var composed: Composed {
        let entries: [Rendered] = set.map { ["name": .string($0.name), "value": $0.value.map(Rendered.string)] }
        return Composed(
            key: key, name: name,
            object: [
                "apiVersion": .string(API.helm.version(mode)),
                "kind": "Release",
                "metadata": .metadata(name: name, externalName: externalName),
                "spec": [
                    "forProvider": [
                        "chart": chart, "set": .list(entries), "values": values, "namespace": .string(namespace),
                    ],
                    "managementPolicies": createUpdateObserve ? ["Create", "Update", "Observe"] : nil,
                    "rollbackLimit": 3,
                    "providerConfigRef": .providerConfigRef(providerConfig, mode),
                ],
            ])
    }
}
