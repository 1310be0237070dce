import FunctionSDK

/// `SQLClaim` / `SQL`: a PostgreSQL server with its databases and schemas, and the ESO objects that
/// pull its root password, push its connection data and pull that into another cluster (§7).
struct SQLClaim {
    let claim: Claim
    var id: String { claim.id }
    var p: Reader { claim.parameters }
    var s: Reader { p["secrets"] }
    var databases: [String] { p["databases"].strings ?? [] }
    var esoAPIVersion: Rendered { .string(claim.input.externalSecretsAPIVersion) }
    var pullNamespace: String { s["pullToClusterNamespace"].string ?? "default" }
    var region: String {
        p["region"].string ?? ["aws": "us-east-1", "google": "us-east1"][claim.provider] ?? "eastus"
    }

    @ResourcesBuilder
    var resources: [Composed] {
        switch claim.provider {
        case "aws": AWSDatabase(sql: self).resources
        case "google": GoogleDatabase(sql: self).resources
        default: AzureDatabase(sql: self).resources
        }
        ProviderConfig(key: "sql-config", apiVersion: "postgresql.sql.crossplane.io/v1alpha1", name: .string(id), spec: [
            "credentials": ["source": "PostgreSQLConnectionSecret",
                            "connectionSecretRef": ["name": .string(id), "namespace": .string(claim.namespace)]],
            "sslMode": "require",
        ])
        ProviderConfig(key: "kubernetes", apiVersion: "kubernetes.crossplane.io/v1alpha1", name: "\(id)-sql",
                       spec: ["credentials": ["source": "InjectedIdentity"]])
        for (i, db) in databases.enumerated() {
            Composed(key: "\(id)-\(db)", origin: "spec.parameters.databases[\(i)]", object: [
                "apiVersion": "postgresql.sql.crossplane.io/v1alpha1", "kind": "Database",
                "metadata": metadata(name: "\(id)-\(db)", externalName: db),
                "spec": ["providerConfigRef": ["name": .string(id)], "forProvider": .emptyObject],
            ])
        }
        for (i, schema) in (p["schemas"].list ?? []).enumerated() {
            atlasSchema(Reader(schema)).composed.origin("spec.parameters.schemas[\(i)].database")
        }
        if let store = s["storeName"].string {
            if let key = s["pullRootPasswordKey"].string {
                KubernetesObject(key: "\(id)-secret-pull", name: "\(id)-secret-pull",
                                 manifest: externalSecret(name: "\(id)-password", namespace: claim.namespace, store: store, remoteKey: key),
                                 providerConfig: "\(id)-sql").composed.origin("spec.parameters.secrets.pullRootPasswordKey")
            }
            if s["pushToStore"].isTrue {
                KubernetesObject(key: "\(id)-secret-push-store", name: "\(id)-secret-push-store",
                                 manifest: pushSecret(store: store), providerConfig: "\(id)-sql")
                    .composed.origin("spec.parameters.secrets.pushToStore")
            }
            if let cluster = s["pullToCluster"].string {
                KubernetesObject(key: "\(id)-secret-pull-cluster", name: "\(id)-secret-pull-cluster",
                                 manifest: externalSecret(name: id, namespace: pullNamespace, store: store, remoteKey: id),
                                 providerConfig: cluster).composed.origin("spec.parameters.secrets.pullToCluster")
            }
        }
        if s["daprComponents"].isTrue, let cluster = s["pullToCluster"].string {
            for (i, db) in databases.enumerated() {
                KubernetesObject(key: "\(id)-dapr-component-\(db)", name: "\(id)-dapr-component-\(db)", manifest: [
                    "apiVersion": "dapr.io/v1alpha1", "kind": "Component",
                    "metadata": ["name": "\(id)-\(db)", "namespace": .string(pullNamespace)],
                    "spec": ["type": "state.postgresql", "version": "v1",
                             "metadata": [["name": "connectionString", "secretKeyRef": ["name": .string(id), "key": "conn-\(db)"]]]],
                ], providerConfig: cluster).composed.origin("the Dapr component of spec.parameters.databases[\(i)]")
            }
        }
    }

    func atlasSchema(_ schema: Reader) -> KubernetesObject {
        let d = schema["database"].string ?? ""
        func fromSecret(_ key: String) -> Rendered { ["secretKeyRef": ["name": .string(id), "key": .string(key)]] }
        return KubernetesObject(key: "\(id)-schema-\(d)", name: "\(id)-schema-\(d)", manifest: [
            "apiVersion": "db.atlasgo.io/v1alpha1", "kind": "AtlasSchema",
            "metadata": ["name": "\(id)-\(d)", "namespace": .string(claim.namespace)],
            "spec": [
                "credentials": ["scheme": "postgres", "hostFrom": fromSecret("endpoint"), "userFrom": fromSecret("username"),
                                "passwordFrom": fromSecret("password"), "port": 5432, "database": .string(d),
                                "parameters": ["sslmode": "disable"]],
                "schema": ["sql": schema["sql"].rendered],
            ],
        ], providerConfig: "\(id)-sql")
    }

    /// An ExternalSecret that extracts a whole JSON value from the store into a Secret it owns.
    func externalSecret(name: String, namespace: String, store: String, remoteKey: String) -> Rendered {
        [
            "apiVersion": esoAPIVersion, "kind": "ExternalSecret",
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": [
                "refreshInterval": "1h",
                "secretStoreRef": ["kind": "ClusterSecretStore", "name": .string(store)],
                "target": ["name": .string(name), "creationPolicy": "Owner", "deletionPolicy": "Retain"],
                "dataFrom": [["extract": ["key": .string(remoteKey), "conversionStrategy": "Default",
                                          "decodingStrategy": "None", "metadataPolicy": "None"]]],
            ],
        ]
    }

    /// §7.2: the connection Secret pushed as one Rendered document under the remote key `{id}`.
    func pushSecret(store: String) -> Rendered {
        [
            "apiVersion": "external-secrets.io/v1alpha1", "kind": "PushSecret",
            "metadata": ["name": .string(id), "namespace": .string(claim.namespace)],
            "spec": [
                "deletionPolicy": "Delete",
                "refreshInterval": "1h",
                "secretStoreRefs": [["name": .string(store), "kind": "ClusterSecretStore"]],
                "selector": ["secret": ["name": .string(id)]],
                "template": ["data": ["endpoint": .string(Self.connectionRendered(databases: databases))]],
                "data": [["match": ["secretKey": "endpoint", "remoteRef": ["remoteKey": .string(id)]]]],
            ],
        ]
    }

    /// `J` of §7.2, line by line; valid JSON with or without databases.
    static func connectionRendered(databases: [String]) -> String {
        var lines = [
            "{",
            "  \"endpoint\": \"{{ .endpoint }}\",",
            "  \"port\": \"{{ .port }}\",",
            "  \"username\": \"{{ .username }}\",",
            "  \"password\": \"{{ .password }}\"" + (databases.isEmpty ? "" : ","),
        ]
        for (i, db) in databases.enumerated() {
            lines.append("  \"conn-\(db)\": \"host={{ .endpoint }} user={{ .username }} password={{ .password }} port={{ .port }} connect_timeout=10 database=\(db)\""
                         + (i == databases.count - 1 ? "" : ","))
        }
        lines.append("}")
        return lines.map { $0 + "\n" }.joined()
    }

    /// The `sql-secret` Object (aws, google): assembles Secret `{id}` and publishes its four keys.
    func connectionSecret(user: Rendered, endpoint: Rendered) -> KubernetesObject {
        let details: [Rendered] = ["username", "password", "endpoint", "port"].map {
            ["apiVersion": "v1", "kind": "Secret", "name": .string(id), "namespace": .string(claim.namespace),
             "fieldPath": "data.\($0)", "toConnectionSecretKey": .string($0)]
        }
        return KubernetesObject(
            key: "sql-secret", name: "\(id)-secret",
            manifest: ["apiVersion": "v1", "kind": "Secret", "metadata": ["name": .string(id), "namespace": .string(claim.namespace)],
                       "data": ["port": "NTQzMg=="]],
            providerConfig: "\(id)-sql",
            references: [
                user,
                patchFrom(apiVersion: "v1", kind: "Secret", name: "\(id)-password", namespace: claim.namespace,
                          fieldPath: "data.password", to: "data.password"),
                endpoint,
            ],
            spec: ["connectionDetails": .list(details),
                   "writeConnectionSecretToRef": ["name": "\(id)-secret-connection", "namespace": .string(claim.namespace)]])
    }

    var passwordSecretRef: Rendered { ["name": "\(id)-password", "namespace": .string(claim.namespace), "key": "password"] }

    // MARK: §9.2, §9.3

    var statusSource: (key: String, path: [String], connection: String) {
        switch claim.provider {
        case "aws": return ("rdsinstance", ["status", "atProvider", "address"], "sql-secret")
        case "google": return ("sql", ["status", "atProvider", "publicIpAddress"], "sql-secret")
        default: return ("server", ["status", "atProvider", "fqdn"], "server")
        }
    }

    var status: JSON.Object {
        let src = statusSource
        guard let v = claim.observed[src.key]?.value(at: src.path)?.string, !v.isEmpty else { return JSON.Object() }
        return ["address": .string(v)]
    }

    var connectionDetails: [(key: String, value: [UInt8])] {
        guard let details = claim.observed[statusSource.connection]?.connectionDetails else { return [] }
        return ["username", "password", "endpoint", "port"].compactMap { k in details[k].map { (k, $0) } }
    }
}
