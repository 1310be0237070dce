import FunctionSDK

/// `ClusterClaim` / `CompositeCluster`: a Kubernetes cluster with its ProviderConfigs, apps, ESO,
/// ClusterSecretStore, ExternalSecrets, namespaces and credentials copy (compositions.md §6).
struct ClusterClaim {
    let claim: Claim
    var id: String { claim.id }
    var p: Reader { claim.parameters }
    // Read once: the templates consult these for nearly every resource.
    let eso: Reader
    let creds: Reader
    /// Namespaces to create: `[dev, production]` when absent, none for `[]` (§15.1.2).
    let namespaces: [String]
    let esoEnabled: Bool
    let backend: String
    let credsNamespace: String

    init(claim: Claim) {
        self.claim = claim
        let p = claim.parameters
        eso = p["apps", "externalSecrets"]
        creds = p["creds"]
        namespaces = p["namespaces"].list == nil ? ["dev", "production"] : (p["namespaces"].strings ?? [])
        esoEnabled = eso["enabled"].isTrue
        backend = eso["storeProvider"].string ?? claim.provider
        credsNamespace = creds["namespace"].string ?? "crossplane-system"
    }

    var storeRequested: Bool { esoEnabled && eso["store"].isTrue }
    var esoReleaseKey: Rendered { "\(id)-app-external-secrets" }

    /// Every resource the claim asks for, in the canonical order of §11.3, before gating.
    @ResourcesBuilder
    var resources: [Composed] {
        switch claim.provider {
        case "aws": AWSCluster(claim: claim).resources
        case "google": GoogleCluster(claim: claim).resources
        default: AzureCluster(claim: claim).resources
        }
        providerConfigs
        apps
        if storeRequested {
            SecretStore(cluster: self).composed.gated(by: claim.input.waitForCRDs ? Gates(esoGate) : Gates())
        }
        for (i, s) in (eso["secrets"].list ?? []).enumerated() {
            externalSecret(Reader(s), index: i)
        }
        for (i, n) in namespaces.enumerated() {
            KubernetesObject(key: "\(id)-ns-\(n)", name: "\(id)-ns-\(n)", externalName: n,
                             manifest: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(n)]],
                             providerConfig: id).composed.origin("spec.parameters.namespaces[\(i)]")
        }
        if let name = creds["name"].string {
            KubernetesObject(
                key: "\(id)-creds", name: "\(id)-creds", externalName: name,
                manifest: ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": .string(name), "namespace": .string(credsNamespace)]],
                providerConfig: id,
                references: (creds["keys"].strings ?? []).map {
                    patchFrom(apiVersion: "v1", kind: "Secret", name: name, namespace: credsNamespace, fieldPath: "data.\($0)", to: "data.\($0)")
                })
        }
    }

    var esoGate: Gate { Gate(kind: .externalSecretsOperator, key: esoReleaseKey) }

    // MARK: §6.1 ProviderConfigs

    @ResourcesBuilder
    var providerConfigs: [Composed] {
        let identity: Rendered? = claim.provider == "google"
            ? ["type": "GoogleApplicationCredentials", "source": "Secret",
               "secretRef": ["name": "gcp-creds", "namespace": "crossplane-system", "key": "creds"]]
            : nil
        let spec: Rendered = [
            "credentials": ["source": "Secret",
                            "secretRef": ["name": "\(id)-cluster", "namespace": .string(claim.namespace), "key": "kubeconfig"]],
            "identity": identity,
        ]
        ProviderConfig(key: "helm", apiVersion: "helm.crossplane.io/v1beta1", name: .string(id), spec: spec)
        ProviderConfig(key: "kubernetes", apiVersion: "kubernetes.crossplane.io/v1alpha1", name: .string(id), spec: spec)
    }

    // MARK: §6.2 Apps

    @ResourcesBuilder
    var apps: [Composed] {
        if p["apps", "crossplane", "enabled"].isTrue {
            Release(key: "\(id)-app-crossplane", name: "\(id)-app-crossplane", externalName: "crossplane",
                    chart: ["name": "crossplane", "repository": "https://charts.crossplane.io/stable", "version": "1.14.5"],
                    namespace: "crossplane-system", providerConfig: id)
        }
        if p["apps", "openfunction", "enabled"].isTrue {
            Release(key: "\(id)-app-openfunction", name: "\(id)-app-openfunction", externalName: "openfunction",
                    chart: ["name": "openfunction", "url": "https://openfunction.github.io/charts/openfunction-v1.2.0-v0.7.0.tgz"],
                    namespace: "openfunction", set: [("revisionController.enable", "true")], providerConfig: id)
        }
        if p["apps", "dapr", "enabled"].isTrue {
            Release(key: "\(id)-app-dapr", name: "\(id)-app-dapr", externalName: "dapr",
                    chart: ["name": "dapr", "repository": "https://dapr.github.io/helm-charts/", "version": "1.12.4"],
                    namespace: "dapr-system", providerConfig: id)
        }
        if p["apps", "traefik", "enabled"].isTrue {
            Release(key: "\(id)-app-traefik", name: "\(id)-app-traefik", externalName: "traefik",
                    chart: ["name": "traefik", "repository": "https://helm.traefik.io/traefik", "version": "26.0.0"],
                    namespace: "traefik", providerConfig: id)
        }
        if esoEnabled {
            Release(key: esoReleaseKey, name: esoReleaseKey, externalName: "external-secrets",
                    chart: ["name": "external-secrets", "repository": "https://charts.external-secrets.io",
                            "version": .string(claim.input.chartVersion)],
                    namespace: "external-secrets", set: [("installCRDs", "true")], providerConfig: id)
        }
    }

    // MARK: §6.4 ExternalSecrets

    func externalSecret(_ s: Reader, index: Int) -> Composed {
        let to = s["toSecret"].string ?? ""
        let object = KubernetesObject(
            key: "\(id)-secret-\(to)", name: "\(id)-secret-\(to)", externalName: to,
            manifest: [
                "apiVersion": .string(claim.input.externalSecretsAPIVersion),
                "kind": "ExternalSecret",
                "metadata": ["name": .string(to), "namespace": s["toNamespace"].rendered],
                "spec": [
                    "refreshInterval": "1h",
                    "secretStoreRef": ["kind": "ClusterSecretStore", "name": .string(backend)],
                    "target": ["name": .string(to), "creationPolicy": "Owner",
                               "template": ["type": .string(s["type"].string ?? "Opaque")]],
                    "dataFrom": [["extract": ["key": s["fromSecret"].rendered]]],
                ],
            ],
            providerConfig: id)
        var gates = Gates()
        if claim.input.waitForCRDs {
            if esoEnabled { gates.append(esoGate) }
            if let ns = s["toNamespace"].string, namespaces.contains(ns) {
                gates.append(Gate(kind: .namespace(.string(ns)), key: "\(id)-ns-\(ns)"))
            }
        }
        return object.composed.origin("spec.parameters.apps.externalSecrets.secrets[\(index)].toSecret").gated(by: gates)
    }

    // MARK: §9.2, §9.3 status and connection details

    /// The keys whose observed state feeds the XR: cluster, node pool, connection details.
    var statusSources: (cluster: String, nodePool: String, connection: String) {
        switch claim.provider {
        case "aws": return ("ekscluster", "eksnodegroup", "clusterAuth")
        case "google": return ("gkecluster", "nodepool", "gkecluster")
        default: return ("aks", "aks", "aks")
        }
    }

    var status: JSON.Object {
        let src = statusSources
        var s = JSON.Object()
        func set(_ key: String, _ value: JSON?) {
            if let v = value?.string, !v.isEmpty { s[key] = .string(v) }
        }
        if let cluster = claim.observed[src.cluster] {
            set("clusterName", cluster[path: "metadata", "name"])
            set("controlPlaneStatus", cluster.readyCondition?["reason"])
            if claim.provider == "google" {
                set("field1", cluster[path: "status", "atProvider", "clusterIpv4Cidr"])
            }
        }
        if let pool = claim.observed[src.nodePool] { set("nodePoolStatus", pool.readyCondition?["reason"]) }
        return s
    }

    var connectionDetails: [(key: String, value: [UInt8])] {
        guard let kubeconfig = claim.observed[statusSources.connection]?.connectionDetails["kubeconfig"] else { return [] }
        return [("kubeconfig", kubeconfig), ("value", kubeconfig)]
    }
}
