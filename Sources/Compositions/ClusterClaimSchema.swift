import FunctionSDK

/// The CompositeCluster fields in the order they are checked (and reported), and the checks of what
/// the chosen ClusterSecretStore backend needs.
enum ClusterClaimSchema {
    static let sizes = ["small", "medium", "large"]
    static let backends = ["aws", "google", "azure", "vault", "kubernetes", "pulumi"]

    static let enabled = Schema.object([SchemaField("enabled", .boolean)])

    /// `spec.parameters`, the reference table.
    static let parameters: [SchemaField] = [
        SchemaField("version", .string()),
        SchemaField("nodeSize", .string(oneOf: sizes), required: true),
        SchemaField("minNodeCount", .integer(minimum: 1)),
        SchemaField("namespaces", .array(.string(format: .dnsLabel))),
        SchemaField(
            "apps",
            .object([
                SchemaField("crossplane", enabled),
                SchemaField("openfunction", enabled),
                SchemaField("dapr", enabled),
                SchemaField("traefik", enabled),
                SchemaField("dynatrace", .unchecked),
                SchemaField(
                    "externalSecrets",
                    .object([
                        SchemaField("enabled", .boolean),
                        SchemaField("store", .boolean),
                        SchemaField("googleCredentialsKey", .string()),
                        SchemaField("awsAccessKeyIDKey", .string()),
                        SchemaField("awsSecretAccessKeyKey", .string()),
                        SchemaField("azureVaultUrl", .string()),
                        SchemaField(
                            "secrets",
                            .array(
                                .object([
                                    SchemaField("fromSecret", .string(), required: true),
                                    SchemaField("toSecret", .string(format: .dnsSubdomain), required: true),
                                    SchemaField("toNamespace", .string(format: .dnsLabel), required: true),
                                    SchemaField("type", .string()),
                                ]))),
                    ])),
            ])),
        SchemaField(
            "creds",
            .object([
                SchemaField("name", .string(format: .dnsSubdomain), required: true),
                SchemaField("namespace", .string(format: .dnsLabel)),
                SchemaField("keys", .array(.string(format: .secretKey), nonEmpty: true), required: true),
            ])),
    ]

    /// The v2 `Cluster`'s parameters: the same table, except that an absent `nodeSize` means small.
    /// Upstream's parameters this function does not render (gpu, argocd, ...) are not checked.
    static let parametersV2: [SchemaField] = parameters.map {
        $0.name == "nodeSize" ? SchemaField("nodeSize", .string(oneOf: sizes)) : $0
    }

    static let secretRef = Schema.object([
        SchemaField("name", .string()), SchemaField("namespace", .string()), SchemaField("key", .string()),
    ])

    /// `spec.parameters.apps.externalSecrets`, this project's additions (checked after the reference table).
    static let additions: [SchemaField] = [
        SchemaField("storeProvider", .string(oneOf: backends)),
        SchemaField(
            "vault",
            .object([
                SchemaField("server", .string()),
                SchemaField("path", .string()),
                SchemaField("version", .string(oneOf: ["v1", "v2"])),
                SchemaField(
                    "auth",
                    .object([
                        SchemaField(
                            "kubernetes",
                            .object([SchemaField("role", .string()), SchemaField("mountPath", .string())])),
                        SchemaField("tokenSecretRef", secretRef),
                    ])),
            ])),
        SchemaField(
            "kubernetes",
            .object([
                SchemaField("url", .string()),
                SchemaField(
                    "caProvider",
                    .object([
                        SchemaField("type", .string(oneOf: ["Secret", "ConfigMap"])),
                        SchemaField("name", .string()),
                        SchemaField("namespace", .string()),
                        SchemaField("key", .string()),
                    ])),
                SchemaField("bearerTokenSecretRef", secretRef),
                SchemaField("remoteNamespace", .string()),
            ])),
        SchemaField(
            "pulumi",
            .object([
                SchemaField("organization", .string()),
                SchemaField("project", .string()),
                SchemaField("environment", .string()),
                SchemaField("accessTokenSecretRef", secretRef),
            ])),
    ]

    static let esoPath = "spec.parameters.apps.externalSecrets"

    /// Field checks of the parameters (the caller has checked that `parameters` is an object).
    static func checkParameters(_ parameters: JSON.Object, mode: Mode = .v1, into checker: inout FieldChecker) {
        for f in mode == .v1 ? Self.parameters : Self.parametersV2 {
            checker.check(parameters[f.name], at: "spec.parameters.\(f.name)", f)
        }
        if let eso = JSON.object(parameters)[path: ["apps", "externalSecrets"]]?.object {
            for f in additions { checker.check(eso[f.name], at: "\(esoPath).\(f.name)", f) }
        }
    }

    /// Rows 28-37, run only when the store would be rendered.
    static func checkDependencies(_ p: Reader, provider: String, input: FunctionInput, into problems: inout [String]) {
        let e = p["apps", "externalSecrets"]
        guard e["enabled"].isTrue, e["store"].isTrue else { return }
        let backend: String
        if let chosen = e["storeProvider"].string {
            guard backends.contains(chosen) else { return } // the field check reported it
            backend = chosen
        } else {
            backend = provider
        }
        let hasCreds = p["creds"].isObject
        func requiredFor(_ path: String) {
            problems.append("\(path) is required when the ClusterSecretStore uses the \(backend) backend")
        }
        // The cloud backends read the copied credentials; google also needs the key of its JSON.
        if (backend == "aws" || backend == "google") && !hasCreds { requiredFor("spec.parameters.creds") }
        if backend == "google" && e["googleCredentialsKey"].string == nil {
            requiredFor("\(esoPath).googleCredentialsKey")
        }
        if backend == "azure" && e["azureVaultUrl"].string == nil { requiredFor("\(esoPath).azureVaultUrl") }
        if backend == "vault" {
            let v = e["vault"]
            if v["server"].string == nil { requiredFor("\(esoPath).vault.server") }
            let k8s = v["auth", "kubernetes"].isObject, token = v["auth", "tokenSecretRef"].isObject
            if k8s == token {
                problems.append(
                    "exactly one of \(esoPath).vault.auth.kubernetes and \(esoPath).vault.auth.tokenSecretRef must be set"
                )
            }
            if k8s && v["auth", "kubernetes", "role"].string == nil {
                requiredFor("\(esoPath).vault.auth.kubernetes.role")
            }
            if token && v["auth", "tokenSecretRef", "name"].string == nil && !hasCreds {
                requiredFor("\(esoPath).vault.auth.tokenSecretRef.name")
            }
        }
        if backend == "kubernetes" {
            let k = e["kubernetes"]
            if k["bearerTokenSecretRef", "name"].string == nil && !hasCreds {
                requiredFor("\(esoPath).kubernetes.bearerTokenSecretRef.name")
            }
            if k["url"].string == nil { requiredFor("\(esoPath).kubernetes.url") }
            if k["caProvider", "type"].string == nil { requiredFor("\(esoPath).kubernetes.caProvider.type") }
            if k["caProvider", "name"].string == nil { requiredFor("\(esoPath).kubernetes.caProvider.name") }
        }
        if backend == "pulumi" {
            let u = e["pulumi"]
            if u["accessTokenSecretRef", "name"].string == nil && !hasCreds {
                requiredFor("\(esoPath).pulumi.accessTokenSecretRef.name")
            }
            for f in ["organization", "project", "environment"] where u[f].string == nil {
                requiredFor("\(esoPath).pulumi.\(f)")
            }
            if let v = SemanticVersion(input.chartVersion), v < SemanticVersion(major: 0, minor: 10, patch: 0) {
                problems.append(
                    "\(esoPath).storeProvider \"pulumi\" needs External Secrets Operator 0.10.0 or later; set externalSecrets.chartVersion in the function input (now \(CanonicalJSON.quoted(input.chartVersion)))"
                )
            }
        }
    }
}

/// `[v]MAJOR.MINOR.PATCH[-pre][+build]` with SemVer precedence (a pre-release sorts before its release).
struct SemanticVersion: Comparable {
    var major: Int, minor: Int, patch: Int
    var prerelease: [String] = []

    init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    init?(_ text: String) {
        var s = Substring(text)
        if s.first == "v" { s = s.dropFirst() }
        if let plus = s.firstIndex(of: "+") { s = s[..<plus] }
        var pre: [String] = []
        if let dash = s.firstIndex(of: "-") {
            pre = s[s.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if pre.contains(where: \.isEmpty) { return nil }
            s = s[..<dash]
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]),
            parts.allSatisfy({ $0.allSatisfy(\.isNumber) })
        else { return nil }
        self.init(major: a, minor: b, patch: c)
        prerelease = pre
    }

    static func < (l: SemanticVersion, r: SemanticVersion) -> Bool {
        if (l.major, l.minor, l.patch) != (r.major, r.minor, r.patch) {
            return (l.major, l.minor, l.patch) < (r.major, r.minor, r.patch)
        }
        if l.prerelease.isEmpty || r.prerelease.isEmpty { return !l.prerelease.isEmpty && r.prerelease.isEmpty }
        for (a, b) in zip(l.prerelease, r.prerelease) where a != b {
            switch (Int(a), Int(b)) {
            case let (x?, y?): return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a < b
            }
        }
        return l.prerelease.count < r.prerelease.count
    }
}
