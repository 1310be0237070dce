import FunctionSDK

/// GKE, its node pool and Cilium (§6.7, composition `cluster-google`).
struct GoogleCluster {
    let claim: Claim
    static let container = "container.gcp.upbound.io/v1beta1"

    @ResourcesBuilder
    var resources: [Composed] {
        let id = claim.id
        let p = claim.parameters
        let m = p["minNodeCount"].integer ?? 1
        let version = p["version"].rendered?.string.map(Rendered.string)
        ManagedResource(key: "gkecluster", apiVersion: Self.container, kind: "Cluster", name: .string(id), forProvider: [
            "location": "us-east1",
            "initialNodeCount": 1,
            "removeDefaultNodePool": true,
            "clusterAutoscaling": [["autoProvisioningDefaults": [["management": [["autoRepair": true, "autoUpgrade": true]]]]]],
            "minMasterVersion": version,
        ], spec: ["writeConnectionSecretToRef": ["name": "\(id)-cluster", "namespace": .string(claim.namespace)]])
        ManagedResource(key: "nodepool", apiVersion: Self.container, kind: "NodePool", name: .string(id), forProvider: [
            "clusterSelector": matchControllerRef,
            "nodeLocations": ["us-east1-b", "us-east1-c", "us-east1-d"],
            "initialNodeCount": Rendered(m),
            "autoscaling": [["minNodeCount": Rendered(m), "maxNodeCount": Rendered(max(3, m))]],
            "management": [["autoRepair": true, "autoUpgrade": true]],
            "nodeConfig": [[
                "machineType": .string(claim.size(p["nodeSize"].string ?? "", small: "e2-standard-2", medium: "e2-standard-4", large: "e2-standard-16")),
                "oauthScopes": ["https://www.googleapis.com/auth/cloud-platform"],
                "taint": [["key": "node.cilium.io/agent-not-ready", "value": "true", "effect": "NO_EXECUTE"]],
            ]],
            "version": version,
        ])
        // The CIDR comes straight from the observed cluster (§12 row 24); unknown until GKE reports it.
        let cidr = claim.observed["gkecluster"]?[path: "status", "atProvider", "clusterIpv4Cidr"]?.string
        Cilium(claim: claim, set: [
            ("nodeinit.enabled", "true"), ("nodeinit.reconfigureKubelet", "true"), ("nodeinit.removeCbrBridge", "true"),
            ("cni.binPath", "/home/kubernetes/bin"), ("gke.enabled", "true"), ("ipam.mode", "kubernetes"),
            ("ipv4NativeRoutingCIDR", cidr.flatMap { $0.isEmpty ? nil : $0 }),
            ("authentication.mutual.spire.enabled", "true"), ("authentication.mutual.spire.install.enabled", "true"),
        ]).composed
    }
}

/// The Cilium Release both GKE and AKS clusters get.
struct Cilium: ComposedConvertible {
    let claim: Claim
    let set: [(name: String, value: String?)]

    var composed: Composed {
        Release(key: "cilium", name: "\(claim.id)-cilium",
                chart: ["name": "cilium", "repository": "https://helm.cilium.io", "version": "1.14.2"],
                namespace: "kube-system", set: set, providerConfig: claim.id).composed
    }
}
