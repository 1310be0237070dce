/// Which generation of Crossplane an XR comes from. v1: the cluster-scoped `devopstoolkitseries.com`
/// claims' XRs, composed into cluster-scoped resources. v2: namespaced XRs (`devopstoolkit.ai/v2`
/// `Cluster`, `devopstoolkit.live/v1beta1` `SQL`) composing namespaced resources: the `.m.` API
/// groups, typed `providerConfigRef`s, objects where v1 had one-element lists, Usages that order
/// deletion. The templates are shared; they ask the mode where the two differ.
enum Mode: Sendable {
    case v1, v2
}

/// One apiVersion as each mode writes it. v2 moves every managed resource into the namespaced `.m.`
/// group of its provider family; provider-kubernetes' namespaced Object API restarts at v1alpha1.
struct API: Sendable {
    let v1: String
    let v2: String

    static let eks = API(v1: "eks.aws.upbound.io/v1beta1", v2: "eks.aws.m.upbound.io/v1beta1")
    static let iam = API(v1: "iam.aws.upbound.io/v1beta1", v2: "iam.aws.m.upbound.io/v1beta1")
    static let ec2 = API(v1: "ec2.aws.upbound.io/v1beta1", v2: "ec2.aws.m.upbound.io/v1beta1")
    static let rds = API(v1: "rds.aws.upbound.io/v1beta1", v2: "rds.aws.m.upbound.io/v1beta1")
    static let gkeContainer = API(v1: "container.gcp.upbound.io/v1beta1", v2: "container.gcp.m.upbound.io/v1beta1")
    static let cloudSQL = API(v1: "sql.gcp.upbound.io/v1beta1", v2: "sql.gcp.m.upbound.io/v1beta1")
    static let azure = API(v1: "azure.upbound.io/v1beta1", v2: "azure.m.upbound.io/v1beta1")
    static let aks = API(
        v1: "containerservice.azure.upbound.io/v1beta1", v2: "containerservice.azure.m.upbound.io/v1beta1")
    static let azurePostgreSQL = API(
        v1: "dbforpostgresql.azure.upbound.io/v1beta1", v2: "dbforpostgresql.azure.m.upbound.io/v1beta1")
    static let helm = API(v1: "helm.crossplane.io/v1beta1", v2: "helm.m.crossplane.io/v1beta1")
    static let kubernetesProviderConfig = API(
        v1: "kubernetes.crossplane.io/v1alpha1", v2: "kubernetes.m.crossplane.io/v1alpha1")
    static let kubernetesObject = API(
        v1: "kubernetes.crossplane.io/v1alpha2", v2: "kubernetes.m.crossplane.io/v1alpha1")
    static let postgreSQL = API(
        v1: "postgresql.sql.crossplane.io/v1alpha1", v2: "postgresql.sql.m.crossplane.io/v1alpha1")

    func version(_ mode: Mode) -> String { mode == .v1 ? v1 : v2 }
}
