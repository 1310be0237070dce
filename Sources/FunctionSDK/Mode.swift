/// Which generation of Crossplane a composite comes from, for templates that serve both.
/// v1: cluster-scoped XRs (with claims) composing cluster-scoped resources. v2: namespaced XRs
/// composing namespaced resources: the providers' `.m.` API groups, `providerConfigRef`s that
/// name their kind, and Usages that order deletion.
public enum Mode: Sendable {
    case v1, v2
}

/// One apiVersion as each mode writes it. Crossplane 2 providers serve their namespaced kinds
/// from a `.m.` group (provider-kubernetes' namespaced Object restarts at v1alpha1).
public struct API: Sendable {
    /// The cluster-scoped apiVersion (Crossplane 1 style).
    public let v1: String
    /// The namespaced apiVersion (Crossplane 2).
    public let v2: String

    /// An apiVersion in both modes.
    public init(v1: String, v2: String) {
        self.v1 = v1
        self.v2 = v2
    }

    /// The apiVersion in `mode`.
    public func version(_ mode: Mode) -> String { mode == .v1 ? v1 : v2 }

    /// provider-helm's Release.
    public static let helm = API(v1: "helm.crossplane.io/v1beta1", v2: "helm.m.crossplane.io/v1beta1")
    /// provider-kubernetes' ProviderConfig.
    public static let kubernetesProviderConfig = API(
        v1: "kubernetes.crossplane.io/v1alpha1", v2: "kubernetes.m.crossplane.io/v1alpha1")
    /// provider-kubernetes' Object.
    public static let kubernetesObject = API(
        v1: "kubernetes.crossplane.io/v1alpha2", v2: "kubernetes.m.crossplane.io/v1alpha1")
}
