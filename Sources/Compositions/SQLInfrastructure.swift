import FunctionSDK

/// RDS and its network (§7.3, composition `aws-postgresql`).
struct AWSDatabase {
    let sql: SQLClaim
    static let rds = "rds.aws.upbound.io/v1beta1"

    @ResourcesBuilder
    var resources: [Composed] {
        let id = sql.id, region = sql.region
        let r: Rendered = .string(region)
        ManagedResource(key: "vpc", apiVersion: sql.claim.api(.ec2), kind: "VPC", name: .string(id),
                        forProvider: ["region": r, "cidrBlock": "11.0.0.0/16", "enableDnsSupport": true, "enableDnsHostnames": true])
        for (i, z) in ["a", "b", "c"].enumerated() {
            ManagedResource(key: "subnet-\(z)", apiVersion: sql.claim.api(.ec2), kind: "Subnet", name: "\(id)-\(z)",
                            labels: ["zone": "\(region)\(z)"],
                            forProvider: ["region": r, "availabilityZone": "\(region)\(z)",
                                          "cidrBlock": "11.0.\(i).0/24", "vpcIdSelector": matchControllerRef])
        }
        ManagedResource(key: "subnetgroup", apiVersion: Self.rds, kind: "SubnetGroup", name: .string(id),
                        forProvider: ["region": r, "description": "I'm too lazy to write a good description", "subnetIdSelector": matchControllerRef])
        AWSNetwork.routing(ec2: sql.claim.api(.ec2), id: id, region: region, zones: ["\(region)a", "\(region)b", "\(region)c"]) { ["zone": .string($0)] }
        ManagedResource(key: "securityGroup", apiVersion: sql.claim.api(.ec2), kind: "SecurityGroup", name: .string(id),
                        forProvider: ["region": r, "description": "I am too lazy to write descriptions", "vpcIdSelector": matchControllerRef])
        ManagedResource(key: "securityGroupRule", apiVersion: sql.claim.api(.ec2), kind: "SecurityGroupRule", name: .string(id), forProvider: [
            "region": r, "description": "I am too lazy to write descriptions", "type": "ingress", "fromPort": 5432, "toPort": 5432,
            "protocol": "tcp", "cidrBlocks": ["0.0.0.0/0"], "securityGroupIdSelector": matchControllerRef,
        ])
        ManagedResource(key: "rdsinstance", apiVersion: Self.rds, kind: "Instance", name: .string(id), forProvider: [
            "region": r, "engine": "postgres", "engineVersion": sql.p["version"].rendered,
            "instanceClass": .string(sql.claim.size(sql.p["size"].string ?? "small", small: "db.m5.large", medium: "db.m5.2xlarge", large: "db.m5.8xlarge")),
            "username": "masteruser", "allocatedStorage": 200, "publiclyAccessible": true, "skipFinalSnapshot": true,
            "passwordSecretRef": sql.passwordSecretRef,
            "dbSubnetGroupNameSelector": matchControllerRef, "vpcSecurityGroupIdSelector": matchControllerRef,
        ])
        sql.connectionSecret(
            user: patchFrom(apiVersion: Self.rds, kind: "Instance", name: id, namespace: "crossplane-system",
                            fieldPath: "spec.forProvider.username", to: "stringData.username"),
            endpoint: patchFrom(apiVersion: Self.rds, kind: "Instance", name: id, namespace: "crossplane-system",
                                fieldPath: "status.atProvider.address", to: "stringData.endpoint"))
    }
}

/// Cloud SQL (§7.4, composition `google-postgresql`).
struct GoogleDatabase {
    let sql: SQLClaim
    static let gcp = "sql.gcp.upbound.io/v1beta1"

    /// §15.2.2: Cloud SQL names major versions only (`9.6` keeps its minor).
    static func databaseVersion(_ version: String) -> String {
        let parts = version.split(separator: ".")
        guard let major = parts.first.flatMap({ Int($0) }) else { return "POSTGRES_\(version)" }
        if major < 10 && parts.count > 1 { return "POSTGRES_\(major)_\(parts[1])" }
        return "POSTGRES_\(major)"
    }

    @ResourcesBuilder
    var resources: [Composed] {
        let id = sql.id
        ManagedResource(key: "sql", apiVersion: Self.gcp, kind: "DatabaseInstance", name: .string(id), forProvider: [
            "region": .string(sql.region),
            "databaseVersion": .string(Self.databaseVersion(sql.p["version"].string ?? "")),
            "deletionProtection": false,
            "rootPasswordSecretRef": sql.passwordSecretRef,
            "settings": [[
                "tier": .string(sql.claim.size(sql.p["size"].string ?? "small", small: "db-custom-1-3840", medium: "db-custom-16-61440", large: "db-custom-64-245760")),
                "availabilityType": "REGIONAL",
                "backupConfiguration": [["enabled": true, "binaryLogEnabled": false]],
                "ipConfiguration": [["ipv4Enabled": true, "authorizedNetworks": [["name": "all", "value": "0.0.0.0/0"]]]],
            ]],
        ])
        ManagedResource(key: "user", apiVersion: Self.gcp, kind: "User", name: .string(id),
                        forProvider: ["passwordSecretRef": sql.passwordSecretRef, "instanceSelector": matchControllerRef])
        sql.connectionSecret(
            user: patchFrom(apiVersion: Self.gcp, kind: "User", name: id, namespace: "crossplane-system",
                            fieldPath: "metadata.name", to: "stringData.username"),
            endpoint: patchFrom(apiVersion: Self.gcp, kind: "DatabaseInstance", name: id, namespace: "crossplane-system",
                                fieldPath: "status.atProvider.publicIpAddress", to: "stringData.endpoint"))
    }
}

/// Azure Database for PostgreSQL (§7.5, composition `azure-postgresql`). The Server writes the
/// connection Secret `{id}` itself, so there is no `sql-secret`.
struct AzureDatabase {
    let sql: SQLClaim
    static let postgres = "dbforpostgresql.azure.upbound.io/v1beta1"

    @ResourcesBuilder
    var resources: [Composed] {
        let id = sql.id
        ManagedResource(key: "resourcegroup", apiVersion: "azure.upbound.io/v1beta1", kind: "ResourceGroup", name: .string(id),
                        forProvider: ["location": .string(sql.region)])
        ManagedResource(key: "server", apiVersion: Self.postgres, kind: "Server", name: .string(id), forProvider: [
            "location": .string(sql.region), "version": sql.p["version"].rendered,
            "skuName": .string(sql.claim.size(sql.p["size"].string ?? "small", small: "B_Gen5_1", medium: "GP_Gen5_2", large: "GP_Gen5_8")),
            "storageMb": 5120, "autoGrowEnabled": true, "sslEnforcementEnabled": false,
            "sslMinimalTlsVersionEnforced": "TLSEnforcementDisabled", "administratorLogin": "postgres",
            "administratorLoginPasswordSecretRef": sql.passwordSecretRef, "publicNetworkAccessEnabled": true,
            "resourceGroupNameSelector": matchControllerRef,
        ], spec: ["writeConnectionSecretToRef": ["name": .string(id), "namespace": .string(sql.claim.namespace)]])
        ManagedResource(key: "firewall-rule", apiVersion: Self.postgres, kind: "FirewallRule", name: .string(id), forProvider: [
            "startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255",
            "resourceGroupNameSelector": matchControllerRef, "serverNameSelector": matchControllerRef,
        ])
    }
}
