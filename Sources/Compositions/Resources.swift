import FunctionSDK

/// A managed resource of a cloud provider family (`*.upbound.io`).
struct ManagedResource: ComposedConvertible {
    var key: Rendered
    var apiVersion: String
    var kind: String
    var name: Rendered
    var labels: Rendered? = nil
    var forProvider: Rendered
    /// Other `spec` fields (`writeConnectionSecretToRef`, ...), in order.
    var spec: Rendered = .emptyObject

    var composed: Composed {
        Composed(key: key, name: name, object: [
            "apiVersion": .string(apiVersion), "kind": .string(kind),
            "metadata": metadata(name: name, labels: labels), "spec": .merging(["forProvider": forProvider], spec),
        ])
    }
}

/// A provider-helm Release in the new cluster (§6.2).
struct Release: ComposedConvertible {
    var key: Rendered
    var name: Rendered
    var externalName: String? = nil
    var chart: Rendered
    var namespace: String
    var set: [(name: String, value: String?)] = []
    var providerConfig: String

    var composed: Composed {
        let values: [Rendered] = set.map { ["name": .string($0.name), "value": $0.value.map(Rendered.string)] }
        return Composed(key: key, name: name, object: [
            "apiVersion": "helm.crossplane.io/v1beta1",
            "kind": "Release",
            "metadata": metadata(name: name, externalName: externalName),
            "spec": [
                "forProvider": ["chart": chart, "set": .list(values), "namespace": .string(namespace)],
                "rollbackLimit": 3,
                "providerConfigRef": ["name": .string(providerConfig)],
            ],
        ])
    }
}

/// A provider-kubernetes Object: a manifest applied through a ProviderConfig.
struct KubernetesObject: ComposedConvertible {
    var key: Rendered
    var name: Rendered
    var externalName: String? = nil
    var manifest: Rendered
    var providerConfig: String
    var references: [Rendered] = []
    /// Other `spec` fields after `providerConfigRef`.
    var spec: Rendered = .emptyObject

    var composed: Composed {
        let s: Rendered = [
            "references": .list(references),
            "forProvider": ["manifest": manifest],
            "providerConfigRef": ["name": .string(providerConfig)],
        ]
        return Composed(key: key, name: name, object: [
            "apiVersion": "kubernetes.crossplane.io/v1alpha2", "kind": "Object",
            "metadata": metadata(name: name, externalName: externalName), "spec": .merging(s, spec),
        ])
    }
}

/// A ProviderConfig of provider-helm, provider-kubernetes or provider-sql: Ready at once (§9.1).
struct ProviderConfig: ComposedConvertible {
    var key: Rendered
    var apiVersion: String
    var name: Rendered
    var spec: Rendered

    var composed: Composed {
        var c = Composed(key: key, name: name, object: [
            "apiVersion": .string(apiVersion), "kind": "ProviderConfig",
            "metadata": metadata(name: name), "spec": spec,
        ])
        c.readyAtOnce = true
        return c
    }
}

/// `{patchesFrom: {...}, toFieldPath: ...}` of a provider-kubernetes Object.
func patchFrom(apiVersion: String, kind: String, name: String, namespace: String? = nil, fieldPath: String, to: String) -> Rendered {
    [
        "patchesFrom": ["apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name),
                        "namespace": namespace.map(Rendered.string), "fieldPath": .string(fieldPath)],
        "toFieldPath": .string(to),
    ]
}
