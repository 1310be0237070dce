import FunctionSDK

/// RDS and its network (compositions `aws-postgresql` and `aws-postgresql-v2`).
struct AWSDatabase {
    let sql: SQLClaim

    @ResourcesBuilder
    var resources: [Composed] {
        let id = sql.id, region = sql.region
        let r: Rendered = .string(region)
        let rds = sql.claim.api(.rds), v2 = sql.v2
        ManagedResource(
            key: "vpc", apiVersion: sql.claim.api(.ec2), kind: "VPC", name: .string(id),
            forProvider: [
                "region": r, "cidrBlock": "11.0.0.0/16", "enableDnsSupport": true, "enableDnsHostnames": true,
            ])
        for (i, z) in ["a", "b", "c"].enumerated() {
            ManagedResource(
                key: "subnet-\(z)", apiVersion: sql.claim.api(.ec2), kind: "Subnet", name: "\(id)-\(z)",
                labels: ["zone": "\(region)\(z)"],
                forProvider: [
                    "region": r, "availabilityZone": "\(region)\(z)",
                    "cidrBlock": "11.0.\(i).0/24", "vpcIdSelector": .matchControllerRef,
                ])
        }
        ManagedResource(
            key: "subnetgroup", apiVersion: rds, kind: "SubnetGroup", name: .string(id),
            forProvider: [
                "region": r, "description": "I'm too lazy to write a good description",
                "subnetIdSelector": .matchControllerRef,
            ])
        AWSNetwork.routing(
            ec2: sql.claim.api(.ec2), id: id, region: region, zones: ["\(region)a", "\(region)b", "\(region)c"]
        ) { ["zone": .string($0)] }
        ManagedResource(
            key: "securityGroup", apiVersion: sql.claim.api(.ec2), kind: "SecurityGroup", name: .string(id),
            forProvider: [
                "region": r, "description": "I am too lazy to write descriptions", "vpcIdSelector": .matchControllerRef,
            ])
        ManagedResource(
            key: "securityGroupRule", apiVersion: sql.claim.api(.ec2), kind: "SecurityGroupRule", name: .string(id),
            forProvider: [
                "region": r, "description": "I am too lazy to write descriptions", "type": "ingress", "fromPort": 5432,
                "toPort": 5432,
                "protocol": "tcp", "cidrBlocks": ["0.0.0.0/0"], "securityGroupIdSelector": .matchControllerRef,
            ])
        // No dbName: RDS accepts only letters, digits and underscores there, while database names are
        // DNS subdomains; every database is created by its provider-sql Database instead.
        ManagedResource(
            key: "rdsinstance", apiVersion: rds, kind: "Instance", name: .string(id),
            forProvider: [
                "storageEncrypted": v2 ? true : nil, "identifier": v2 ? .string(id) : nil,
                "region": r, "engine": "postgres", "engineVersion": sql.p["version"].rendered,
                "instanceClass": .string(
                    sql.claim.size(
                        sql.p["size"].string ?? "small", small: "db.m5.large", medium: "db.m5.2xlarge",
                        large: "db.m5.8xlarge")),
                "username": "masteruser", "allocatedStorage": 200, "publiclyAccessible": true,
                "skipFinalSnapshot": true,
                "passwordSecretRef": sql.passwordSecretRef,
                "dbSubnetGroupNameSelector": .matchControllerRef, "vpcSecurityGroupIdSelector": .matchControllerRef,
            ])
        sql.connectionSecret(
            user: (rds, "Instance", "spec.forProvider.username"),
            endpoint: (rds, "Instance", "status.atProvider.address"))
    }
}

/// Cloud SQL (compositions `google-postgresql` and `google-postgresql-v2`).
struct GoogleDatabase {
    let sql: SQLClaim

    /// The server's key: upstream v2 calls it `databaseinstance`.
    static func key(_ mode: Mode) -> String { mode == .v1 ? "sql" : "databaseinstance" }

    /// Cloud SQL names major versions only (`16.3` is `POSTGRES_16`; `9.6` keeps its minor).
    static func databaseVersion(_ version: String) -> String {
        let parts = version.split(separator: ".")
        guard let major = parts.first.flatMap({ Int($0) }) else { return "POSTGRES_\(version)" }
        if major < 10 && parts.count > 1 { return "POSTGRES_\(major)_\(parts[1])" }
        return "POSTGRES_\(major)"
    }

    @ResourcesBuilder
    var resources: [Composed] {
        let id = sql.id
        let gcp = sql.claim.api(.cloudSQL), one = sql.claim.one
        ManagedResource(
            key: ResourceKey(Self.key(sql.claim.mode)), apiVersion: gcp, kind: "DatabaseInstance", name: .string(id),
            forProvider: [
                "region": .string(sql.region),
                "databaseVersion": .string(Self.databaseVersion(sql.p["version"].string ?? "")),
                "deletionProtection": false,
                "rootPasswordSecretRef": sql.passwordSecretRef,
                "settings": one([
                    "tier": .string(
                        sql.claim.size(
                            sql.p["size"].string ?? "small", small: "db-custom-1-3840", medium: "db-custom-16-61440",
                            large: "db-custom-64-245760")),
                    "availabilityType": "REGIONAL",
                    "backupConfiguration": one(["enabled": true, "binaryLogEnabled": false]),
                    "ipConfiguration": one([
                        "ipv4Enabled": true, "authorizedNetworks": [["name": "all", "value": "0.0.0.0/0"]],
                    ]),
                ]),
            ])
        ManagedResource(
            key: "user", apiVersion: gcp, kind: "User", name: .string(id),
            forProvider: ["passwordSecretRef": sql.passwordSecretRef, "instanceSelector": .matchControllerRef])
        sql.connectionSecret(
            user: (gcp, "User", "metadata.name"),
            endpoint: (gcp, "DatabaseInstance", "status.atProvider.publicIpAddress"))
    }
}

/// Azure Database for PostgreSQL (compositions `azure-postgresql` and `azure-postgresql-v2`). The
/// Server writes the connection Secret `{id}` itself, so there is no `sql-secret`.
struct AzureDatabase {
    let sql: SQLClaim

    @ResourcesBuilder
    var resources: [Composed] {
        let id = sql.id
        let postgres = sql.claim.api(.azurePostgreSQL)
        ManagedResource(
            key: "resourcegroup", apiVersion: sql.claim.api(.azure), kind: "ResourceGroup", name: .string(id),
            forProvider: ["location": .string(sql.region)])
        ManagedResource(
            key: "server", apiVersion: postgres, kind: "Server", name: .string(id),
            forProvider: [
                "location": .string(sql.region), "version": sql.p["version"].rendered,
                "skuName": .string(
                    sql.claim.size(
                        sql.p["size"].string ?? "small", small: "B_Gen5_1", medium: "GP_Gen5_2", large: "GP_Gen5_8")),
                "storageMb": 5120, "autoGrowEnabled": true, "sslEnforcementEnabled": false,
                "sslMinimalTlsVersionEnforced": "TLSEnforcementDisabled", "administratorLogin": "postgres",
                "administratorLoginPasswordSecretRef": sql.passwordSecretRef, "publicNetworkAccessEnabled": true,
                "resourceGroupNameSelector": .matchControllerRef,
            ], spec: ["writeConnectionSecretToRef": sql.claim.connectionSecret(.string(id))])
        ManagedResource(
            key: "firewall-rule", apiVersion: postgres, kind: "FirewallRule", name: .string(id),
            forProvider: [
                "startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255",
                "resourceGroupNameSelector": .matchControllerRef, "serverNameSelector": .matchControllerRef,
            ])
    }
}
