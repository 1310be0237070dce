import FunctionSDK

/// What every template knows about the XR it renders for (see README.md beside this file).
struct Claim {
    var mode: Mode = .v1
    var kind: String
    var name: String
    /// `{id}`: `spec.id` in v1 mode, `metadata.name` in v2 mode; the base of every composed name.
    var id: String
    var provider: String
    /// `{ns}`: the claim's namespace (where v1 connection Secrets go); in v2 mode the XR's own namespace.
    var namespace: String
    var input: FunctionInput
    /// `spec.parameters`.
    var parameters: Reader
    var observed: [String: ObservedResource]

    static let group = "devopstoolkitseries.com/v1alpha1"
    /// The namespaced v2 `Cluster` (dot-kubernetes v2).
    static let groupV2Cluster = "devopstoolkit.ai/v2"
    /// The namespaced v2 `SQL` (dot-sql v2).
    static let groupV2SQL = "devopstoolkit.live/v1beta1"

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

    func api(_ a: API) -> String { a.version(mode) }

    /// A field v1 wrote as a one-element list and v2 as the object itself.
    func one(_ item: Rendered) -> Rendered { mode == .v1 ? [item] : item }

    /// `writeConnectionSecretToRef` for a Secret named `name`: v2 Secrets live in the XR's namespace,
    /// which the reference no longer names.
    func connectionSecret(_ name: Rendered) -> Rendered {
        mode == .v1 ? ["name": name, "namespace": .string(namespace)] : ["name": name]
    }
}
