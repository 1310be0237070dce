import FunctionSDK

/// The cloud providers' and provider-sql's API groups this function composes, in both modes.
extension API {
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
    static let postgreSQL = API(
        v1: "postgresql.sql.crossplane.io/v1alpha1", v2: "postgresql.sql.m.crossplane.io/v1alpha1")
}
