import FunctionSDK

/// A managed resource of a cloud provider family (`*.upbound.io`).
struct ManagedResource: ComposedConvertible {
    var key: Rendered
    var apiVersion: String
    var kind: String
    var name: Rendered
    var externalName: String? = nil
    var labels: Rendered? = nil
    var forProvider: Rendered
    /// Other `spec` fields (`writeConnectionSecretToRef`, ...), in order.
    var spec: Rendered = .emptyObject

    var composed: Composed {
        Composed(
            key: key, name: name,
            object: [
                "apiVersion": .string(apiVersion), "kind": .string(kind),
                "metadata": metadata(name: name, externalName: externalName, labels: labels),
                "spec": .merging(["forProvider": forProvider], spec),
            ])
    }
}

/// A provider-helm Release in the new cluster.
struct Release: ComposedConvertible {
    var mode: Mode = .v1
    var key: Rendered
    var name: Rendered
    var externalName: String? = nil
    var chart: Rendered
    var namespace: String
    var set: [(name: String, value: String?)] = []
    /// Helm values as an object (v2 apps pass values this way instead of `set` entries).
    var values: Rendered? = nil
    /// v2 apps are created and updated but never deleted by Crossplane: `[Create, Update, Observe]`.
    var createUpdateObserve = false
    var providerConfig: String

    var composed: Composed {
        let entries: [Rendered] = set.map { ["name": .string($0.name), "value": $0.value.map(Rendered.string)] }
        return Composed(
            key: key, name: name,
            object: [
                "apiVersion": .string(API.helm.version(mode)),
                "kind": "Release",
                "metadata": metadata(name: name, externalName: externalName),
                "spec": [
                    "forProvider": [
                        "chart": chart, "set": .list(entries), "values": values, "namespace": .string(namespace),
                    ],
                    "managementPolicies": createUpdateObserve ? ["Create", "Update", "Observe"] : nil,
                    "rollbackLimit": 3,
                    "providerConfigRef": providerConfigRef(providerConfig, mode),
                ],
            ])
    }
}

/// A provider-kubernetes Object: a manifest applied through a ProviderConfig.
struct KubernetesObject: ComposedConvertible {
    var mode: Mode = .v1
    var key: Rendered
    var name: Rendered
    var externalName: String? = nil
    var manifest: Rendered
    var providerConfig: String
    var references: [Rendered] = []
    /// `managementPolicies: [Create, Update, Observe]` (v2 namespaces: never deleted from the new cluster).
    var createUpdateObserve = false
    /// Other `spec` fields after `providerConfigRef`.
    var spec: Rendered = .emptyObject

    var composed: Composed {
        let s: Rendered = [
            "references": .list(references),
            "forProvider": ["manifest": manifest],
            "managementPolicies": createUpdateObserve ? ["Create", "Update", "Observe"] : nil,
            "providerConfigRef": providerConfigRef(providerConfig, mode),
        ]
        return Composed(
            key: key, name: name,
            object: [
                "apiVersion": .string(API.kubernetesObject.version(mode)), "kind": "Object",
                "metadata": metadata(name: name, externalName: externalName), "spec": .merging(s, spec),
            ])
    }
}

/// A ProviderConfig of provider-helm, provider-kubernetes or provider-sql: Ready at once, as these
/// kinds report no Ready condition.
struct ProviderConfig: ComposedConvertible {
    var key: Rendered
    var apiVersion: String
    var name: Rendered
    var externalName: String? = nil
    var spec: Rendered

    var composed: Composed {
        var c = Composed(
            key: key, name: name,
            object: [
                "apiVersion": .string(apiVersion), "kind": "ProviderConfig",
                "metadata": metadata(name: name, externalName: externalName), "spec": spec,
            ])
        c.readyAtOnce = true
        return c
    }
}

/// `{patchesFrom: {...}, toFieldPath: ...}` of a provider-kubernetes Object.
func patchFrom(apiVersion: String, kind: String, name: String, namespace: String? = nil, fieldPath: String, to: String)
    -> Rendered
{
    [
        "patchesFrom": [
            "apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name),
            "namespace": namespace.map(Rendered.string), "fieldPath": .string(fieldPath),
        ],
        "toFieldPath": .string(to),
    ]
}

/// A `protection.crossplane.io` Usage (v2): `of` cannot be deleted while `by` exists. Crossplane
/// deletes the XR's resources together, so without these the cluster could go before the Releases
/// and Objects that still have to clean up inside it. Ready at once, like ProviderConfigs.
struct Usage: ComposedConvertible {
    var key: Rendered
    var of: (apiVersion: String, kind: String, name: Rendered)
    var by: (apiVersion: String, kind: String, name: Rendered)
    var origin: Rendered? = nil
    /// A Usage of a gated object is composed exactly when its object is (see `Composed.follows`).
    var follows: Rendered? = nil

    var composed: Composed {
        var c = Composed(
            key: key, name: key,
            object: [
                "apiVersion": "protection.crossplane.io/v1beta1", "kind": "Usage",
                "metadata": ["name": key, "annotations": ["crossplane.io/external-name": key]],
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

/// `providerConfigRef` of a Crossplane-provider resource: v2 names the namespaced kind explicitly.
func providerConfigRef(_ name: String, _ mode: Mode) -> Rendered {
    mode == .v1 ? ["name": .string(name)] : ["name": .string(name), "kind": "ProviderConfig"]
}
