import FunctionSDK

/// GKE, its node pool and Cilium (compositions `cluster-google` and `cluster-google-v2`). v2 follows
/// upstream's keys (`{id}-cluster`, `{id}-nodepool`, `{id}-app-cilium`), external-names and objects,
/// and no longer caps the node pool at 3.
struct GoogleCluster {
    let claim: Claim

    /// The keys of the cluster and the node pool in this mode.
    static func keys(_ mode: Mode, id: String) -> (cluster: String, nodePool: String) {
        mode == .v1 ? ("gkecluster", "nodepool") : ("\(id)-cluster", "\(id)-nodepool")
    }

    @ResourcesBuilder
    var resources: [Composed] {
        let id = claim.id
        let p = claim.parameters
        let m = p["minNodeCount"].integer ?? 1
        let v2 = claim.mode == .v2
        let version = p["version"].rendered?.string.map(Rendered.string)
        let container = claim.api(.gkeContainer)
        let keys = Self.keys(claim.mode, id: id)
        let management: Rendered = ["autoRepair": true, "autoUpgrade": true]
        ManagedResource(
            key: ResourceKey(keys.cluster), apiVersion: container, kind: "Cluster", name: .string(id),
            externalName: v2 ? id : nil,
            forProvider: [
                "deletionProtection": v2 ? false : nil,
                "location": "us-east1",
                "initialNodeCount": 1,
                "removeDefaultNodePool": true,
                "clusterAutoscaling": claim.one([
                    "autoProvisioningDefaults": claim.one(["management": claim.one(management)])
                ]),
                "minMasterVersion": version,
            ], spec: ["writeConnectionSecretToRef": claim.connectionSecret("\(id)-cluster")])
        ManagedResource(
            key: ResourceKey(keys.nodePool), apiVersion: container, kind: "NodePool", name: .string(id),
            externalName: v2 ? id : nil,
            forProvider: [
                "clusterSelector": .matchControllerRef,
                "nodeLocations": ["us-east1-b", "us-east1-c", "us-east1-d"],
                "initialNodeCount": Rendered(m),
                "autoscaling": claim.one(["minNodeCount": Rendered(m), "maxNodeCount": Rendered(max(v2 ? 10 : 3, m))]),
                "management": claim.one(["autoRepair": true, "autoUpgrade": true]),
                "nodeConfig": claim.one([
                    "machineType": .string(
                        claim.size(
                            p["nodeSize"].string ?? "", small: "e2-standard-2", medium: "e2-standard-4",
                            large: "e2-standard-16")),
                    "oauthScopes": ["https://www.googleapis.com/auth/cloud-platform"],
                    "taint": [["key": "node.cilium.io/agent-not-ready", "value": "true", "effect": "NO_EXECUTE"]],
                ]),
                "version": version,
            ])
        // The CIDR comes straight from the observed cluster (not from the XR's status, which would lag a
        // reconcile behind); unknown until GKE reports it.
        let cidr = claim.observed[keys.cluster]?[path: "status", "atProvider", "clusterIpv4Cidr"]?.string
        Cilium(
            claim: claim,
            set: [
                ("nodeinit.enabled", "true"), ("nodeinit.reconfigureKubelet", "true"),
                ("nodeinit.removeCbrBridge", "true"),
                ("cni.binPath", "/home/kubernetes/bin"), ("gke.enabled", "true"), ("ipam.mode", "kubernetes"),
                ("ipv4NativeRoutingCIDR", cidr.flatMap { $0.isEmpty ? nil : $0 }),
            ] + Cilium.authentication(claim.mode)
        ).composed
    }
}

/// The Cilium Release both GKE and AKS clusters get: v1 key `cilium` with chart 1.14.2; v2 key
/// `{id}-app-cilium` with upstream's chart 1.19.0 and external-name.
struct Cilium: ComposedConvertible {
    let claim: Claim
    let set: [(name: String, value: String?)]

    /// Mutual authentication with SPIRE; v2 also switches authentication on, as upstream does.
    static func authentication(_ mode: Mode) -> [(name: String, value: String?)] {
        (mode == .v2 ? [("authentication.enabled", "true")] : [])
            + [
                ("authentication.mutual.spire.enabled", "true"),
                ("authentication.mutual.spire.install.enabled", "true"),
            ]
    }

    var composed: Composed {
        let v2 = claim.mode == .v2
        return Release(
            mode: claim.mode, key: v2 ? "\(claim.id)-app-cilium" : "cilium", name: "\(claim.id)-cilium",
            externalName: v2 ? "cilium" : nil,
            chart: ["name": "cilium", "repository": "https://helm.cilium.io", "version": v2 ? "1.19.0" : "1.14.2"],
            namespace: "kube-system", set: set, providerConfig: claim.id
        ).composed
    }
}
