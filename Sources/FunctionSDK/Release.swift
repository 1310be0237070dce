/// A provider-helm Release: a chart installed through a ProviderConfig (into another cluster,
/// usually).
public struct Release: ComposedConvertible {
    public var mode: Mode
    public var key: Rendered
    public var name: Rendered
    public var externalName: String?
    /// `{name, repository, version}`.
    public var chart: Rendered
    public var namespace: String
    /// `set` entries, in order; a nil value writes the name alone.
    public var set: [(name: String, value: String?)]
    /// Helm values as an object.
    public var values: Rendered?
    /// `managementPolicies: [Create, Update, Observe]`: created and updated, never deleted.
    public var createUpdateObserve: Bool
    public var providerConfig: String

    public init(
        mode: Mode = .v1, key: Rendered, name: Rendered, externalName: String? = nil, chart: Rendered,
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
