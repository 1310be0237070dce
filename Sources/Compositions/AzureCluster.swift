import FunctionSDK

/// AKS, its resource group and Cilium (compositions `cluster-azure` and `cluster-azure-v2`). v2
/// follows upstream's keys (`{id}-resource-group`, `{id}-cluster`), external-names and node pool.
struct AzureCluster {
    let claim: Claim

    /// An AKS node pool name from the id: lowercase letters and digits only, starting with a letter, at
    /// most 12 (what AKS accepts).
    static func nodePoolName(_ id: String) -> String {
        var s = String(
            id.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }.map(
                Character.init))
        if let f = s.unicodeScalars.first, ("0"..."9").contains(f) { s = "p" + s }
        return String(s.prefix(12))
    }

    /// The key of the AKS cluster in this mode.
    static func clusterKey(_ mode: Mode, id: String) -> String { mode == .v1 ? "aks" : "\(id)-cluster" }

    @ResourcesBuilder
    var resources: [Composed] {
        let id = claim.id
        let p = claim.parameters
        let m = p["minNodeCount"].integer ?? 1
        let v2 = claim.mode == .v2
        ManagedResource(
            key: v2 ? "\(id)-resource-group" : "resourcegroup", apiVersion: claim.api(.azure), kind: "ResourceGroup",
            name: .string(id), externalName: v2 ? id : nil, forProvider: ["location": "eastus"],
            spec: v2 ? ["initProvider": .emptyObject] : .emptyObject)
        let vmSize = claim.size(
            p["nodeSize"].string ?? "", small: "Standard_D2_v2", medium: "Standard_D3_v2", large: "Standard_D4_v2")
        let pool: Rendered =
            v2
            ? [
                "name": "nodepool1", "vmSize": .string(vmSize), "minCount": Rendered(m),
                "maxCount": Rendered(max(10, m)), "autoScalingEnabled": true,
            ]
            : [
                "name": .string(Self.nodePoolName(id)), "enableAutoScaling": true, "minCount": Rendered(m),
                "maxCount": Rendered(max(10, m)),
                "vmSize": .string(vmSize),
            ]
        ManagedResource(
            key: ResourceKey(Self.clusterKey(claim.mode, id: id)), apiVersion: claim.api(.aks), kind: "KubernetesCluster",
            name: .string(id), externalName: v2 ? id : nil,
            forProvider: [
                "location": "eastus",
                "dnsPrefix": "dot",
                "resourceGroupName": .string(id),
                "kubernetesVersion": p["version"].rendered?.string.map(Rendered.string),
                "defaultNodePool": claim.one(pool),
                "identity": claim.one(["type": "SystemAssigned"]),
                "networkProfile": claim.one(["networkPlugin": "none"]),
            ], spec: ["writeConnectionSecretToRef": claim.connectionSecret("\(id)-cluster")])
        Cilium(
            claim: claim,
            set: [("aksbyocni.enabled", "true"), ("nodeinit.enabled", "true")] + Cilium.authentication(claim.mode)
        ).composed
    }
}
