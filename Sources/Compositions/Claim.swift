import FunctionSDK

/// What every template knows about the XR it renders for (compositions.md §1, §3).
struct Claim {
    var kind: String
    var name: String
    var id: String
    var provider: String
    /// `{ns}`: the claim namespace (§3.3).
    var namespace: String
    var input: FunctionInput
    /// `spec.parameters`.
    var parameters: Reader
    var observed: [String: ObservedResource]

    static let group = "devopstoolkitseries.com/v1alpha1"

    static func namespace(of xr: JSON.Object) -> String {
        let x = JSON.object(xr)
        if let ns = x[path: ["spec", "claimRef", "namespace"]]?.string, !ns.isEmpty { return ns }
        if let ns = x[path: ["metadata", "namespace"]]?.string, !ns.isEmpty { return ns }
        return "crossplane-system"
    }

    /// A size mapped to the provider's machine type.
    func size(_ size: String, small: String, medium: String, large: String) -> String {
        switch size {
        case "medium": return medium
        case "large": return large
        default: return small
        }
    }

    func ready(_ key: String) -> Bool { observed[key]?.isReady == true }
}
