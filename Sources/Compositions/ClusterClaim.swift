import FunctionSDK

/// `ClusterClaim` / `CompositeCluster` (v1) and the namespaced `Cluster` (v2): a Kubernetes cluster
/// with its ProviderConfigs, apps, ESO, ClusterSecretStore, ExternalSecrets, namespaces and
/// credentials copy, and in v2 the Usages that keep the cluster until everything
/// acting inside it is gone.
struct ClusterClaim {
    let claim: Claim
    var id: String { claim.id }
    var p: Reader { claim.parameters }
    // Read once: the templates consult these for nearly every resource.
    let eso: Reader
    let creds: Reader
    /// Namespaces to create: `[dev, production]` when absent, none for `[]`.
    let namespaces: [String]
    let esoEnabled: Bool
    /// The apps other than ESO that are enabled, in the order they are composed.
    let apps: [App]
    let backend: String
    let credsNamespace: String

    init(claim: Claim) {
        self.claim = claim
        let p = claim.parameters
        eso = p["apps", "externalSecrets"]
        creds = p["creds"]
        namespaces = p["namespaces"].list == nil ? ["dev", "production"] : (p["namespaces"].strings ?? [])
        esoEnabled = eso["enabled"].isTrue
        apps = App.allCases.filter { p["apps", $0.rawValue, "enabled"].isTrue }
        backend = eso["storeProvider"].string ?? claim.provider
        credsNamespace = creds["namespace"].string ?? "crossplane-system"
    }

    var storeRequested: Bool { esoEnabled && eso["store"].isTrue }
    var esoReleaseKey: ResourceKey { "\(id)-app-external-secrets" }
    var storeKey: String { claim.mode == .v1 ? "\(id)-secret-store" : "\(id)-app-secret-store" }
    var v2: Bool { claim.mode == .v2 }

    /// Every resource the claim asks for, in the canonical order (the order collisions are reported in),
    /// before gating.
    @ResourcesBuilder
    var resources: [Composed] {
        switch claim.provider {
        case "aws": AWSCluster(claim: claim).resources
        case "google": GoogleCluster(claim: claim).resources
        default: AzureCluster(claim: claim).resources
        }
        providerConfigs
        appReleases
        if storeRequested {
            SecretStore(cluster: self).composed.gated(by: claim.input.waitForCRDs ? Gates(esoGate) : Gates())
        }
        for (i, s) in (eso["secrets"].list ?? []).enumerated() {
            externalSecret(Reader(s), index: i)
        }
        for (i, n) in namespaces.enumerated() {
            KubernetesObject(
                mode: claim.mode, key: "\(id)-ns-\(n)", name: "\(id)-ns-\(n)", externalName: n,
                manifest: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(n)]],
                providerConfig: id, createUpdateObserve: v2
            ).composed.origin("spec.parameters.namespaces[\(i)]")
        }
        if let name = creds["name"].string {
            KubernetesObject(
                mode: claim.mode, key: "\(id)-creds", name: "\(id)-creds", externalName: name,
                manifest: [
                    "apiVersion": "v1", "kind": "Secret",
                    "metadata": ["name": .string(name), "namespace": .string(credsNamespace)],
                ],
                providerConfig: id,
                references: (creds["keys"].strings ?? []).map {
                    .patchFrom(
                        apiVersion: "v1", kind: "Secret", name: name, namespace: credsNamespace,
                        fieldPath: "data.\($0)", to: "data.\($0)")
                })
        }
        if v2 { usages }
    }

    var esoGate: Gate { Gate(key: esoReleaseKey) }

    // MARK: ProviderConfigs for the new cluster

    @ResourcesBuilder
    var providerConfigs: [Composed] {
        let identity: Rendered? =
            claim.provider == "google"
            ? [
                "type": "GoogleApplicationCredentials", "source": "Secret",
                "secretRef": ["name": "gcp-creds", "namespace": "crossplane-system", "key": "creds"],
            ]
            : nil
        let spec: Rendered = [
            "credentials": [
                "source": "Secret",
                "secretRef": ["name": "\(id)-cluster", "namespace": .string(claim.namespace), "key": "kubeconfig"],
            ],
            "identity": identity,
        ]
        let helm = claim.api(.helm), kubernetes = claim.api(.kubernetesProviderConfig)
        if v2 {
            // Upstream's keys and external-names; `-local` points provider-helm at the management
            // cluster itself. Nothing here uses it: it is composed so that moving from upstream keeps it.
            ProviderConfig(key: "\(id)-config-helm", apiVersion: helm, name: .string(id), externalName: id, spec: spec)
            ProviderConfig(
                key: "\(id)-config-helm-local", apiVersion: helm, name: "\(id)-local", externalName: id,
                spec: ["credentials": ["source": "InjectedIdentity"]])
            ProviderConfig(
                key: "\(id)-config-kubernetes", apiVersion: kubernetes, name: .string(id), externalName: id, spec: spec)
        } else {
            ProviderConfig(key: "helm", apiVersion: helm, name: .string(id), spec: spec)
            ProviderConfig(key: "kubernetes", apiVersion: kubernetes, name: .string(id), spec: spec)
        }
    }

    // MARK: Apps

    /// An app Release: v1 passes helm values as `set` entries, v2 as a `values` object (as upstream),
    /// and v2 Releases are never deleted by Crossplane (`[Create, Update, Observe]`).
    func app(_ name: String, chart: Rendered, namespace: String, value: (path: String, rendered: Rendered)? = nil)
        -> Release
    {
        Release(
            mode: claim.mode, key: "\(id)-app-\(name)", name: "\(id)-app-\(name)", externalName: name, chart: chart,
            namespace: namespace, set: v2 ? [] : value.map { [($0.path, "true")] } ?? [],
            values: v2 ? value?.rendered : nil, createUpdateObserve: v2, providerConfig: id)
    }

    enum App: String, CaseIterable {
        case crossplane, openfunction, dapr, traefik
    }

    /// A chart from a repository.
    func chart(_ repository: String, _ version: String, _ name: String) -> Rendered {
        ["name": .string(name), "repository": .string(repository), "version": .string(version)]
    }

    /// The enabled apps in their order, with the chart versions of this mode; then ESO.
    @ResourcesBuilder
    var appReleases: [Composed] {
        for a in apps {
            switch a {
            case .crossplane:
                app(
                    "crossplane",
                    chart: chart("https://charts.crossplane.io/stable", v2 ? "2.1.4" : "1.14.5", "crossplane"),
                    namespace: "crossplane-system")
            case .openfunction:
                app(
                    "openfunction",
                    chart: [
                        "name": "openfunction",
                        "url": "https://openfunction.github.io/charts/openfunction-v1.2.0-v0.7.0.tgz",
                    ],
                    namespace: "openfunction",
                    value: ("revisionController.enable", ["revisionController": ["enable": true]]))
            case .dapr:
                app(
                    "dapr", chart: chart("https://dapr.github.io/helm-charts/", v2 ? "1.16.8" : "1.12.4", "dapr"),
                    namespace: "dapr-system")
            case .traefik:
                app(
                    "traefik", chart: chart("https://helm.traefik.io/traefik", v2 ? "39.0.0" : "26.0.0", "traefik"),
                    namespace: "traefik")
            }
        }
        if esoEnabled {
            app(
                "external-secrets",
                chart: chart("https://charts.external-secrets.io", claim.input.chartVersion, "external-secrets"),
                namespace: "external-secrets", value: ("installCRDs", ["installCRDs": true]))
        }
    }

    // MARK: ExternalSecrets

    func externalSecret(_ s: Reader, index: Int) -> Composed {
        let to = s["toSecret"].string ?? ""
        let object = KubernetesObject(
            mode: claim.mode, key: "\(id)-secret-\(to)", name: "\(id)-secret-\(to)", externalName: to,
            manifest: [
                "apiVersion": .string(claim.input.externalSecretsAPIVersion),
                "kind": "ExternalSecret",
                "metadata": ["name": .string(to), "namespace": s["toNamespace"].rendered],
                "spec": [
                    "refreshInterval": "1h",
                    "secretStoreRef": ["kind": "ClusterSecretStore", "name": .string(backend)],
                    "target": [
                        "name": .string(to), "creationPolicy": "Owner",
                        "template": ["type": .string(s["type"].string ?? "Opaque")],
                    ],
                    "dataFrom": [["extract": ["key": s["fromSecret"].rendered]]],
                ],
            ],
            providerConfig: id)
        var gates = Gates()
        if claim.input.waitForCRDs {
            if esoEnabled { gates.append(esoGate) }
            if let ns = s["toNamespace"].string, namespaces.contains(ns) {
                gates.append(Gate(key: "\(id)-ns-\(ns)"))
            }
        }
        return object.composed.origin("spec.parameters.apps.externalSecrets.secrets[\(index)].toSecret").gated(
            by: gates
        ).group(Gating.esoObjects)
    }

    // MARK: Usages (v2)

    /// The apiVersion and kind of the cluster resource every Usage protects.
    var protectedCluster: (apiVersion: String, kind: String) {
        switch claim.provider {
        case "aws": return (claim.api(.eks), "Cluster")
        case "google": return (claim.api(.gkeContainer), "Cluster")
        default: return (claim.api(.aks), "KubernetesCluster")
        }
    }

    /// Usages that keep the cluster (and on aws ClusterAuth, which writes the kubeconfig) until the
    /// ProviderConfigs, Releases and Objects acting inside it are gone: upstream's set, plus one per
    /// ESO object, each composed exactly when its object is.
    @ResourcesBuilder
    var usages: [Composed] {
        let k = protectedCluster
        let cluster = (k.apiVersion, k.kind, Rendered.string(id))
        let helm = claim.api(.helm), kubernetes = claim.api(.kubernetesProviderConfig),
            object = claim.api(.kubernetesObject)
        if claim.provider == "aws" {
            let auth = (claim.api(.eks), "ClusterAuth", Rendered.string(id))
            Usage(key: "\(id)-cluster-auth-helm-usage", of: auth, by: (helm, "ProviderConfig", .string(id)))
            Usage(key: "\(id)-cluster-auth-kubernetes-usage", of: auth, by: (kubernetes, "ProviderConfig", .string(id)))
        }
        Usage(key: "\(id)-cluster-helm-usage", of: cluster, by: (helm, "ProviderConfig", .string(id)))
        Usage(key: "\(id)-cluster-kubernetes-usage", of: cluster, by: (kubernetes, "ProviderConfig", .string(id)))
        if claim.provider != "aws" {
            Usage(key: "\(id)-cilium-usage", of: cluster, by: (helm, "Release", "\(id)-cilium"))
        }
        for app in apps.map(\.rawValue) + (esoEnabled ? ["external-secrets"] : []) {
            Usage(key: "\(id)-app-\(app)-usage", of: cluster, by: (helm, "Release", "\(id)-app-\(app)"))
        }
        if storeRequested {
            Usage(
                key: "\(storeKey)-usage", of: cluster, by: (object, "Object", .string(storeKey)),
                follows: ResourceKey(storeKey))
        }
        for (i, s) in (eso["secrets"].list ?? []).enumerated() {
            let key = "\(id)-secret-\(Reader(s)["toSecret"].string ?? "")"
            Usage(
                key: "\(key)-usage", of: cluster, by: (object, "Object", .string(key)),
                origin: "the Usage of spec.parameters.apps.externalSecrets.secrets[\(i)].toSecret",
                follows: ResourceKey(key))
        }
        if creds["name"].string != nil {
            Usage(key: "\(id)-creds-usage", of: cluster, by: (object, "Object", "\(id)-creds"))
        }
    }

    /// Parameters of upstream's v2 Cluster that this function leaves to other pipeline steps: each one
    /// enabled gets a Warning, so nobody wonders why nothing appeared.
    static let notRendered: [(enabled: [String], name: String)] = [
        (["gpu", "enabled"], "spec.parameters.gpu"), (["apps", "argocd", "enabled"], "spec.parameters.apps.argocd"),
        (["apps", "nvidia", "enabled"], "spec.parameters.apps.nvidia"),
        (["apps", "vllm", "enabled"], "spec.parameters.apps.vllm"),
        (["apps", "keda", "enabled"], "spec.parameters.apps.keda"),
        (["apps", "envoyGateway", "enabled"], "spec.parameters.apps.envoyGateway"),
        (["apps", "prometheus", "enabled"], "spec.parameters.apps.prometheus"),
    ]

    var warnings: [String] {
        guard v2 else { return [] }
        var out: [String] = []
        for param in Self.notRendered where p.root?[path: param.enabled]?.bool == true {
            out.append("\(param.name) is not rendered by function-secrets: compose it in another pipeline step")
        }
        return out
    }

    // MARK: XR status and connection details

    /// The keys whose observed state feeds the XR: cluster, node pool, connection details.
    var statusSources: (cluster: String, nodePool: String, connection: String) {
        switch claim.provider {
        case "aws": return ("ekscluster", "eksnodegroup", "clusterAuth")
        case "google":
            let k = GoogleCluster.keys(claim.mode, id: id)
            return (k.cluster, k.nodePool, k.cluster)
        default:
            let k = AzureCluster.clusterKey(claim.mode, id: id)
            return (k, k, k)
        }
    }

    var status: JSON.Object {
        let src = statusSources
        var s = JSON.Object()
        func set(_ key: String, _ value: JSON?) {
            if let v = value?.string, !v.isEmpty { s[key] = .string(v) }
        }
        // v2 names the cluster on every answer; v1 once the cluster is observed.
        if v2 { s["clusterName"] = .string(id) }
        if let cluster = claim.observed[src.cluster] {
            if !v2 { set("clusterName", cluster[path: "metadata", "name"]) }
            set("controlPlaneStatus", cluster.readyCondition?["reason"])
            if claim.provider == "google" {
                set("field1", cluster[path: "status", "atProvider", "clusterIpv4Cidr"])
            }
        }
        if let pool = claim.observed[src.nodePool] { set("nodePoolStatus", pool.readyCondition?["reason"]) }
        return s
    }

    /// None in v2: Crossplane v2 ignores connection details of namespaced XRs; the kubeconfig is in the
    /// Secret `{id}-cluster` of the XR's namespace.
    var connectionDetails: [(key: String, value: [UInt8])] {
        guard !v2, let kubeconfig = claim.observed[statusSources.connection]?.connectionDetails["kubeconfig"] else {
            return []
        }
        return [("kubeconfig", kubeconfig), ("value", kubeconfig)]
    }
}
