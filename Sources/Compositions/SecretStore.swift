import FunctionSDK

/// The ClusterSecretStore Object: exactly one backend block, named after its backend.
struct SecretStore: ComposedConvertible {
    let cluster: ClusterClaim

    var e: Reader { cluster.eso }
    var creds: Reader { cluster.creds }
    var credsName: String? { creds["name"].string }

    /// A SecretRef of the vault, kubernetes or pulumi backend with its defaults: name from creds, namespace from creds or crossplane-system.
    func secretRef(_ r: Reader, defaultKey: String) -> Rendered {
        [
            "name": r["name"].rendered?.string.map(Rendered.string) ?? credsName.map(Rendered.string),
            "key": .string(r["key"].string ?? defaultKey),
            "namespace": .string(r["namespace"].string ?? cluster.credsNamespace),
        ]
    }

    var providerBlock: Rendered {
        switch cluster.backend {
        case "aws":
            return [
                "aws": [
                    "service": "SecretsManager", "region": "us-east-1",
                    "auth": [
                        "secretRef": [
                            "accessKeyIDSecretRef": [
                                "name": credsName.map(Rendered.string),
                                "key": .string(e["awsAccessKeyIDKey"].string ?? "accessKeyID"),
                                "namespace": .string(cluster.credsNamespace),
                            ],
                            "secretAccessKeySecretRef": [
                                "name": credsName.map(Rendered.string),
                                "key": .string(e["awsSecretAccessKeyKey"].string ?? "secretAccessKey"),
                                "namespace": .string(cluster.credsNamespace),
                            ],
                        ]
                    ],
                ]
            ]
        case "google":
            return [
                "gcpsm": [
                    "auth": [
                        "secretRef": [
                            "secretAccessKeySecretRef": [
                                "name": credsName.map(Rendered.string), "key": e["googleCredentialsKey"].rendered,
                                "namespace": .string(cluster.credsNamespace),
                            ]
                        ]
                    ]
                ]
            ]
        case "azure":
            return ["azurekv": ["authType": "ManagedIdentity", "vaultUrl": e["azureVaultUrl"].rendered]]
        case "vault":
            let v = e["vault"]
            let auth: Rendered =
                v["auth", "kubernetes"].isObject
                ? [
                    "kubernetes": [
                        "mountPath": .string(v["auth", "kubernetes", "mountPath"].string ?? "kubernetes"),
                        "role": v["auth", "kubernetes", "role"].rendered,
                    ]
                ]
                : ["tokenSecretRef": secretRef(v["auth", "tokenSecretRef"], defaultKey: "token")]
            return [
                "vault": [
                    "server": v["server"].rendered, "path": .string(v["path"].string ?? "secret"),
                    "version": .string(v["version"].string ?? "v2"), "auth": auth,
                ]
            ]
        case "kubernetes":
            let k = e["kubernetes"]
            let ca = k["caProvider"]
            return [
                "kubernetes": [
                    "server": [
                        "url": k["url"].rendered,
                        "caProvider": [
                            "type": ca["type"].rendered, "name": ca["name"].rendered,
                            "key": .string(ca["key"].string ?? "ca.crt"),
                            "namespace": .string(ca["namespace"].string ?? cluster.credsNamespace),
                        ],
                    ],
                    "auth": ["token": ["bearerToken": secretRef(k["bearerTokenSecretRef"], defaultKey: "token")]],
                    "remoteNamespace": .string(k["remoteNamespace"].string ?? "default"),
                ]
            ]
        default:
            let u = e["pulumi"]
            return [
                "pulumi": [
                    "organization": u["organization"].rendered, "project": u["project"].rendered,
                    "environment": u["environment"].rendered,
                    "accessToken": [
                        "secretRef": secretRef(u["accessTokenSecretRef"], defaultKey: "PULUMI_ACCESS_TOKEN")
                    ],
                ]
            ]
        }
    }

    var composed: Composed {
        let id = cluster.id
        // The project ID comes from the cloud's default configuration: v2 cloud resources use the
        // cluster-wide ClusterProviderConfig, which (unlike a namespaced ProviderConfig) needs no namespace.
        let projectFrom: (apiVersion: Rendered, kind: Rendered) =
            cluster.v2
            ? ("gcp.m.upbound.io/v1beta1", "ClusterProviderConfig") : ("gcp.upbound.io/v1beta1", "ProviderConfig")
        let references: [Rendered] =
            cluster.backend == "google"
            ? [
                [
                    "patchesFrom": [
                        "apiVersion": projectFrom.apiVersion, "kind": projectFrom.kind, "name": "default",
                        "fieldPath": "spec.projectID",
                    ],
                    "toFieldPath": "spec.provider.gcpsm.projectID",
                ]
            ]
            : []
        return KubernetesObject(
            mode: cluster.claim.mode, key: ResourceKey(cluster.storeKey), name: .string(cluster.storeKey),
            externalName: cluster.backend,
            manifest: [
                "apiVersion": .string(cluster.claim.input.externalSecretsAPIVersion),
                "kind": "ClusterSecretStore",
                "metadata": ["name": .string(cluster.backend)],
                "spec": ["provider": providerBlock],
            ],
            providerConfig: id, references: references
        ).composed.origin("the ClusterSecretStore").group(Gating.esoObjects)
    }
}
