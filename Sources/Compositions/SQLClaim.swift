import FunctionSDK

/// `SQLClaim` / `SQL` (v1) and the namespaced `SQL` of `devopstoolkit.live/v1beta1` (v2): a
/// PostgreSQL server with its databases and schemas, and the ESO objects that pull its root password,
/// push its connection data and pull that into another cluster. In v2 the schemas and the
/// management-cluster ESO objects are composed directly in the XR's namespace (no provider-kubernetes
/// wrapper), and Usages order the deletion so that every deletion can finish.
struct SQLClaim {
    let claim: Claim
    var id: String { claim.id }
    /// `spec.parameters` in v1; the flat `spec` in v2.
    var p: Reader { claim.parameters }
    var v2: Bool { claim.mode == .v2 }
    /// Where the fields are, for messages: v2 has no `parameters` level.
    var fields: String { v2 ? "spec." : "spec.parameters." }
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
        ProviderConfig(
            key: "sql-config", apiVersion: claim.api(.postgreSQL), name: .string(id),
            externalName: v2 ? "default" : nil,
            spec: [
                "credentials": [
                    "source": "PostgreSQLConnectionSecret",
                    "connectionSecretRef": claim.connectionSecret(.string(id)),
                ],
                "sslMode": "require",
            ])
        ProviderConfig(
            key: v2 ? "\(id)-provider-config-kubernetes" : "kubernetes",
            apiVersion: claim.api(.kubernetesProviderConfig),
            name: "\(id)-sql", spec: ["credentials": ["source": "InjectedIdentity"]])
        for (i, db) in databases.enumerated() {
            Composed(
                key: "\(id)-\(db)", origin: "\(fields)databases[\(i)]",
                object: [
                    "apiVersion": .string(claim.api(.postgreSQL)), "kind": "Database",
                    "metadata": .metadata(name: "\(id)-\(db)", externalName: db),
                    "spec": ["providerConfigRef": .providerConfigRef(id, claim.mode), "forProvider": .emptyObject],
                ])
        }
        for (i, schema) in (p["schemas"].list ?? []).enumerated() {
            atlasSchema(Reader(schema)).origin("\(fields)schemas[\(i)].database")
        }
        if let store = s["storeName"].string {
            if let key = s["pullRootPasswordKey"].string {
                managementClusterObject(
                    key: "\(id)-secret-pull",
                    externalSecret(
                        name: "\(id)-password", namespace: v2 ? nil : claim.namespace, store: store, remoteKey: key)
                )
                .origin("\(fields)secrets.pullRootPasswordKey")
            }
            if s["pushToStore"].isTrue {
                managementClusterObject(key: "\(id)-secret-push-store", pushSecret(store: store)).origin(
                    "\(fields)secrets.pushToStore")
            }
            if let cluster = s["pullToCluster"].string {
                KubernetesObject(
                    mode: claim.mode, key: "\(id)-secret-pull-cluster", name: "\(id)-secret-pull-cluster",
                    manifest: externalSecret(name: id, namespace: pullNamespace, store: store, remoteKey: id),
                    providerConfig: cluster
                ).composed.origin("\(fields)secrets.pullToCluster")
            }
        }
        if s["daprComponents"].isTrue, let cluster = s["pullToCluster"].string {
            for (i, db) in databases.enumerated() {
                KubernetesObject(
                    mode: claim.mode, key: "\(id)-dapr-component-\(db)", name: "\(id)-dapr-component-\(db)",
                    manifest: [
                        "apiVersion": "dapr.io/v1alpha1", "kind": "Component",
                        "metadata": ["name": "\(id)-\(db)", "namespace": .string(pullNamespace)],
                        "spec": [
                            "type": "state.postgresql", "version": "v1",
                            "metadata": [
                                [
                                    "name": "connectionString",
                                    "secretKeyRef": ["name": .string(id), "key": "conn-\(db)"],
                                ]
                            ],
                        ],
                    ], providerConfig: cluster
                ).composed.origin("the Dapr component of \(fields)databases[\(i)]")
            }
        }
        if v2 { usages }
    }

    /// An object for the management cluster: v1 wraps it in a provider-kubernetes Object through
    /// `{id}-sql`; v2 composes it directly in the XR's namespace (where it then needs no namespace).
    func managementClusterObject(key: String, _ manifest: Rendered) -> Composed {
        if v2 {
            return Composed(key: ResourceKey(key), object: manifest)
        }
        return KubernetesObject(key: ResourceKey(key), name: .string(key), manifest: manifest, providerConfig: "\(id)-sql")
            .composed
    }

    func atlasSchema(_ schema: Reader) -> Composed {
        let d = schema["database"].string ?? ""
        func fromSecret(_ key: String) -> Rendered { ["secretKeyRef": ["name": .string(id), "key": .string(key)]] }
        return managementClusterObject(
            key: "\(id)-schema-\(d)",
            [
                "apiVersion": "db.atlasgo.io/v1alpha1", "kind": "AtlasSchema",
                "metadata": ["name": "\(id)-\(d)", "namespace": v2 ? nil : .string(claim.namespace)],
                "spec": [
                    "credentials": [
                        "scheme": "postgres", "hostFrom": fromSecret("endpoint"), "userFrom": fromSecret("username"),
                        "passwordFrom": fromSecret("password"), "port": 5432, "database": .string(d),
                        "parameters": ["sslmode": v2 ? "require" : "disable"],
                    ],
                    "schema": ["sql": schema["sql"].rendered],
                ],
            ])
    }

    /// An ExternalSecret that extracts a whole JSON value from the store into a Secret it owns.
    /// `namespace` nil: composed directly in the XR's namespace (v2).
    func externalSecret(name: String, namespace: String?, store: String, remoteKey: String) -> Rendered {
        [
            "apiVersion": esoAPIVersion, "kind": "ExternalSecret",
            "metadata": ["name": .string(name), "namespace": namespace.map(Rendered.string)],
            "spec": [
                "refreshInterval": "1h",
                "secretStoreRef": ["kind": "ClusterSecretStore", "name": .string(store)],
                "target": ["name": .string(name), "creationPolicy": "Owner", "deletionPolicy": "Retain"],
                "dataFrom": [
                    [
                        "extract": [
                            "key": .string(remoteKey), "conversionStrategy": "Default",
                            "decodingStrategy": "None", "metadataPolicy": "None",
                        ]
                    ]
                ],
            ],
        ]
    }

    /// The connection Secret pushed as one JSON document under the remote key `{id}`.
    func pushSecret(store: String) -> Rendered {
        [
            "apiVersion": "external-secrets.io/v1alpha1", "kind": "PushSecret",
            "metadata": ["name": .string(id), "namespace": v2 ? nil : .string(claim.namespace)],
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

    /// That JSON document as an ESO template, line by line: the four fields and a `conn-<db>` connection
    /// string per database, valid JSON with or without databases.
    static func connectionRendered(databases: [String]) -> String {
        var lines = [
            "{",
            "  \"endpoint\": \"{{ .endpoint }}\",",
            "  \"port\": \"{{ .port }}\",",
            "  \"username\": \"{{ .username }}\",",
            "  \"password\": \"{{ .password }}\"" + (databases.isEmpty ? "" : ","),
        ]
        for (i, db) in databases.enumerated() {
            lines.append(
                "  \"conn-\(db)\": \"host={{ .endpoint }} user={{ .username }} password={{ .password }} port={{ .port }} connect_timeout=10 database=\(db)\""
                    + (i == databases.count - 1 ? "" : ","))
        }
        lines.append("}")
        return lines.map { $0 + "\n" }.joined()
    }

    /// Where a field of a managed resource of the server is read from: its apiVersion, kind and path.
    typealias ServerField = (apiVersion: String, kind: String, fieldPath: String)

    /// The `sql-secret` Object (aws, google): assembles Secret `{id}` from the server's user name
    /// (`user`), the password Secret and the server's address (`endpoint`), and (v1) publishes its
    /// four keys as the XR's connection details.
    func connectionSecret(user: ServerField, endpoint: ServerField) -> KubernetesObject {
        // v1 read the server in crossplane-system; v2 resources live in the XR's namespace.
        let serverNamespace = v2 ? claim.namespace : "crossplane-system"
        func read(_ f: ServerField, to: String) -> Rendered {
            .patchFrom(
                apiVersion: f.apiVersion, kind: f.kind, name: id, namespace: serverNamespace, fieldPath: f.fieldPath,
                to: to)
        }
        let details: [Rendered] =
            v2
            ? []
            : ["username", "password", "endpoint", "port"].map {
                [
                    "apiVersion": "v1", "kind": "Secret", "name": .string(id), "namespace": .string(claim.namespace),
                    "fieldPath": "data.\($0)", "toConnectionSecretKey": .string($0),
                ]
            }
        return KubernetesObject(
            mode: claim.mode, key: "sql-secret", name: "\(id)-secret",
            manifest: [
                "apiVersion": "v1", "kind": "Secret",
                "metadata": ["name": .string(id), "namespace": .string(claim.namespace)],
                "data": ["port": "NTQzMg=="],
            ],
            providerConfig: "\(id)-sql",
            references: [
                read(user, to: "stringData.username"),
                .patchFrom(
                    apiVersion: "v1", kind: "Secret", name: "\(id)-password", namespace: claim.namespace,
                    fieldPath: "data.password", to: "data.password"),
                read(endpoint, to: "stringData.endpoint"),
            ],
            spec: [
                "connectionDetails": .list(details),
                "writeConnectionSecretToRef": v2
                    ? nil : ["name": "\(id)-secret-connection", "namespace": .string(claim.namespace)],
            ])
    }

    /// The root password Secret `{id}-password` (key `password`); v2 selectors name no namespace.
    var passwordSecretRef: Rendered {
        v2
            ? ["name": "\(id)-password", "key": "password"]
            : ["name": "\(id)-password", "namespace": .string(claim.namespace), "key": "password"]
    }

    // MARK: Usages (v2)

    /// The database server's apiVersion and kind.
    var server: (apiVersion: String, kind: String) {
        switch claim.provider {
        case "aws": return (claim.api(.rds), "Instance")
        case "google": return (claim.api(.cloudSQL), "DatabaseInstance")
        default: return (claim.api(.azurePostgreSQL), "Server")
        }
    }

    /// Deletion in an order where every deletion can finish: the Databases, schemas and PushSecret
    /// read the server's connection Secret, so each keeps the server; the server needs its password
    /// Secret, which the root-password ExternalSecret owns; `sql-secret` (the connection Secret
    /// itself) stays until provider-sql's ProviderConfig, and so every Database, is gone.
    @ResourcesBuilder
    var usages: [Composed] {
        let kind = server
        let srv = (kind.apiVersion, kind.kind, Rendered.string(id))
        let postgres = claim.api(.postgreSQL)
        for (i, db) in databases.enumerated() {
            Usage(
                key: "\(id)-\(db)-usage", of: srv, by: (postgres, "Database", "\(id)-\(db)"),
                origin: "the Usage of spec.databases[\(i)]")
        }
        for (i, schema) in (p["schemas"].list ?? []).enumerated() {
            let d = Reader(schema)["database"].string ?? ""
            Usage(
                key: "\(id)-schema-\(d)-usage", of: srv, by: ("db.atlasgo.io/v1alpha1", "AtlasSchema", "\(id)-\(d)"),
                origin: "the Usage of spec.schemas[\(i)].database")
        }
        if s["storeName"].string != nil {
            if s["pullRootPasswordKey"].string != nil {
                Usage(
                    key: "\(id)-secret-pull-usage",
                    of: (claim.input.externalSecretsAPIVersion, "ExternalSecret", "\(id)-password"), by: srv)
            }
            if s["pushToStore"].isTrue {
                Usage(
                    key: "\(id)-secret-push-store-usage", of: srv,
                    by: ("external-secrets.io/v1alpha1", "PushSecret", .string(id)))
            }
        }
        Usage(key: "\(id)-sql-config-usage", of: srv, by: (postgres, "ProviderConfig", .string(id)))
        if claim.provider != "azure" {
            Usage(
                key: "\(id)-sql-secret-usage", of: (claim.api(.kubernetesObject), "Object", "\(id)-secret"),
                by: (postgres, "ProviderConfig", .string(id)))
        }
    }

    // MARK: XR status and connection details

    var statusSource: (key: String, path: [String], connection: String) {
        switch claim.provider {
        case "aws": return ("rdsinstance", ["status", "atProvider", "address"], "sql-secret")
        case "google":
            return (GoogleDatabase.key(claim.mode), ["status", "atProvider", "publicIpAddress"], "sql-secret")
        default: return ("server", ["status", "atProvider", "fqdn"], "server")
        }
    }

    var status: JSON.Object {
        let src = statusSource
        guard let v = claim.observed[src.key]?.value(at: src.path)?.string, !v.isEmpty else { return JSON.Object() }
        return ["address": .string(v)]
    }

    /// None in v2: the Secret `{id}` in the XR's namespace is the connection secret.
    var connectionDetails: [(key: String, value: [UInt8])] {
        guard !v2, let details = claim.observed[statusSource.connection]?.connectionDetails else { return [] }
        return ["username", "password", "endpoint", "port"].compactMap { k in details[k].map { (k, $0) } }
    }
}
