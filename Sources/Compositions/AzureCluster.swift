import FunctionSDK

/// AKS, its resource group and Cilium (§6.8, composition `cluster-azure`).
struct AzureCluster {
    let claim: Claim

    /// §15.2.1: lowercase letters and digits only, starting with a letter, at most 12.
    static func nodePoolName(_ id: String) -> String {
        var s = String(id.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }.map(Character.init))
        if let f = s.unicodeScalars.first, ("0"..."9").contains(f) { s = "p" + s }
        return String(s.prefix(12))
    }

    @ResourcesBuilder
    var resources: [Composed] {
        let id = claim.id
        let p = claim.parameters
        let m = p["minNodeCount"].integer ?? 1
        ManagedResource(key: "resourcegroup", apiVersion: "azure.upbound.io/v1beta1", kind: "ResourceGroup", name: .string(id),
                        forProvider: ["location": "eastus"])
        ManagedResource(key: "aks", apiVersion: "containerservice.azure.upbound.io/v1beta1", kind: "KubernetesCluster", name: .string(id), forProvider: [
            "location": "eastus",
            "dnsPrefix": "dot",
            "resourceGroupName": .string(id),
            "kubernetesVersion": p["version"].rendered?.string.map(Rendered.string),
            "defaultNodePool": [[
                "name": .string(Self.nodePoolName(id)), "enableAutoScaling": true, "minCount": Rendered(m), "maxCount": Rendered(max(10, m)),
                "vmSize": .string(claim.size(p["nodeSize"].string ?? "", small: "Standard_D2_v2", medium: "Standard_D3_v2", large: "Standard_D4_v2")),
            ]],
            "identity": [["type": "SystemAssigned"]],
            "networkProfile": [["networkPlugin": "none"]],
        ], spec: ["writeConnectionSecretToRef": ["name": "\(id)-cluster", "namespace": .string(claim.namespace)]])
        Cilium(claim: claim, set: [
            ("aksbyocni.enabled", "true"), ("nodeinit.enabled", "true"),
            ("authentication.mutual.spire.enabled", "true"), ("authentication.mutual.spire.install.enabled", "true"),
        ]).composed
    }
}
