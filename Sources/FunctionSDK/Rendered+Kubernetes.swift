/// Pieces of Kubernetes and Crossplane objects that templates write again and again.
extension Rendered {
    /// `metadata` with the name, an optional `crossplane.io/external-name` annotation and labels.
    public static func metadata(name: Rendered, externalName: String? = nil, labels: Rendered? = nil) -> Rendered {
        [
            "name": name,
            "annotations": externalName.map { ["crossplane.io/external-name": .string($0)] },
            "labels": labels,
        ]
    }

    /// `{matchControllerRef: true}`: a selector for the resource of the same composite.
    public static var matchControllerRef: Rendered { ["matchControllerRef": true] }

    /// `providerConfigRef` of a Crossplane provider's resource: v2 names the namespaced kind.
    public static func providerConfigRef(_ name: String, _ mode: Mode) -> Rendered {
        mode == .v1 ? ["name": .string(name)] : ["name": .string(name), "kind": "ProviderConfig"]
    }

    /// A provider-kubernetes Object reference that copies `fieldPath` of another object to `to`.
    public static func patchFrom(
        apiVersion: String, kind: String, name: String, namespace: String? = nil, fieldPath: String, to: String
    ) -> Rendered {
        [
            "patchesFrom": [
                "apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name),
                "namespace": namespace.map(Rendered.string), "fieldPath": .string(fieldPath),
            ],
            "toFieldPath": .string(to),
        ]
    }
}
