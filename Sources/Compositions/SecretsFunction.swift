import FunctionSDK

/// function-secrets: renders ClusterClaims and SQLClaims, and the v2 Cluster and SQL (README.md
/// beside this file). Validation runs in stages; a problem gives exactly one Fatal result and leaves
/// everything else as it came.
public struct SecretsFunction: CompositionFunction {
    public init() {}

    public func run(_ request: FunctionRequest) throws -> FunctionResponse {
        switch try render(request) {
        case .fatal(let fatal, let ttl):
            var response = FunctionResponse.to(request, ttl: ttl)
            response.add(fatal)
            return response
        case .rendered(let response):
            return response
        }
    }

    enum Outcome {
        case fatal(FnV1.Result, ttl: Duration?)
        case rendered(FunctionResponse)
    }

    static func result(_ message: String, reason: String, target: FnV1.Target, severity: FnV1.Severity = .fatal) -> FnV1.Result {
        var r = FnV1.Result()
        r.severity = severity
        r.message = message
        r.reason = reason
        r.target = target
        return r
    }

    func render(_ request: FunctionRequest) throws -> Outcome {
        // A1: the function input.
        let inputAsGiven: FunctionInput
        switch FunctionInput.parse(try request.input()) {
        case .failure(let problem):
            return .fatal(
                Self.result("function input: \(problem.message)", reason: "InvalidFunctionInput", target: .composite),
                ttl: FunctionResponse.defaultTTL)
        case .success(let i):
            inputAsGiven = i
        }
        let ttl = inputAsGiven.ttl

        // A2: a composite of a kind we compose.
        guard let observedXR = try request.observedComposite() else {
            return .fatal(
                Self.result(
                    "the request has no observed composite resource", reason: "UnsupportedComposite", target: .composite
                ), ttl: ttl)
        }
        // Read in place first: an XR of another kind (the pass-through case) is never decoded.
        let apiVersion = observedXR[path: "apiVersion"]?.string ?? "", kind = observedXR[path: "kind"]?.string ?? ""
        let name = observedXR[path: "metadata", "name"]?.string ?? ""
        let mode: Mode
        if apiVersion == Claim.group, kind == "CompositeCluster" || kind == "SQL" {
            mode = .v1
        } else if (apiVersion == Claim.groupV2Cluster && kind == "Cluster")
            || (apiVersion == Claim.groupV2SQL && kind == "SQL")
        {
            mode = .v2
        } else {
            return .fatal(
                Self.result(
                    "unsupported composite resource \(apiVersion) \(kind) \(CanonicalJSON.quoted(name)): this function composes \(Claim.group) CompositeCluster and SQL, \(Claim.groupV2Cluster) Cluster and \(Claim.groupV2SQL) SQL",
                    reason: "UnsupportedComposite", target: .composite), ttl: ttl)
        }
        let input = inputAsGiven.forMode(mode)
        let xrObject = observedXR.object
        let xr = JSON.object(xrObject)
        let prefix = "\(kind) \(CanonicalJSON.quoted(name)): "
        // A v2 XR has no claim: every result is about the composite alone.
        let target: FnV1.Target = mode == .v1 ? .compositeAndClaim : .composite
        func invalid(_ problems: [String], reason: String = "InvalidParameters") -> Outcome {
            .fatal(Self.result(prefix + problems.joined(separator: "; "), reason: reason, target: target), ttl: ttl)
        }
        let xrNamespace = xr[path: ["metadata", "namespace"]]?.string ?? ""
        if mode == .v2 && xrNamespace.isEmpty {
            return invalid(["metadata.namespace is required"], reason: "UnsupportedComposite")
        }

        // A3: the provider. Crossplane v2 keeps the composition selector under spec.crossplane.
        let selector =
            mode == .v1
            ? ["spec", "compositionSelector", "matchLabels", "provider"]
            : ["spec", "crossplane", "compositionSelector", "matchLabels", "provider"]
        let provider: String
        if let p = input.provider {
            provider = p
        } else if let label = xr[path: selector], !label.isNull {
            guard let s = label.string, FunctionInput.providers.contains(s) else {
                return invalid([
                    "\(selector.joined(separator: ".")) must be one of aws, google, azure, got \(CanonicalJSON.encode(label))"
                ])
            }
            provider = s
        } else {
            return invalid([
                "cannot determine the provider: the function input sets no provider and \(selector.joined(separator: ".")) is not set"
            ])
        }

        // B: the name every composed name starts from, every field, then the dependencies.
        var checker = FieldChecker()
        let spec = xr["spec"]
        let id: String
        if mode == .v1 {
            checker.check(spec?["id"], at: "spec.id", SchemaField("id", .string(format: .dnsLabel), required: true))
            id = spec?["id"]?.string ?? ""
        } else {
            checker.check(
                xr[path: ["metadata", "name"]], at: "metadata.name",
                SchemaField("name", .string(format: .dnsLabel), required: true))
            id = xr[path: ["metadata", "name"]]?.string ?? ""
        }
        // The v2 SQL's spec is flat: its fields are where v1 had spec.parameters.
        let flat = mode == .v2 && kind == "SQL"
        let parameters = flat ? .object(spec?.object ?? JSON.Object()) : spec?["parameters"]
        let fields = flat ? "spec." : "spec.parameters."
        switch parameters {
        case nil, .null?:
            checker.problems.append("spec.parameters is required")
        case .object(let p)?:
            if kind == "SQL" {
                SQLClaimSchema.checkParameters(p, fields: fields, into: &checker)
            } else {
                ClusterClaimSchema.checkParameters(p, mode: mode, into: &checker)
            }
            if kind == "SQL" {
                SQLClaimSchema.checkDependencies(Reader(parameters), fields: fields, into: &checker.problems)
            } else {
                ClusterClaimSchema.checkDependencies(
                    Reader(parameters), provider: provider, input: input, into: &checker.problems)
            }
        case let other?:
            checker.problems.append("spec.parameters must be an object, got \(CanonicalJSON.encode(other))")
        }
        if !checker.problems.isEmpty { return invalid(checker.problems) }

        let claim = Claim(
            mode: mode, kind: kind, name: name, id: id, provider: provider,
            namespace: mode == .v1 ? Claim.namespace(of: xrObject) : xrNamespace, input: input,
            parameters: Reader(parameters), observed: try request.observedResources())
        let resources: [Composed]
        var response = FunctionResponse.to(request, ttl: ttl)
        if kind == "SQL" {
            let sql = SQLClaim(claim: claim)
            resources = sql.resources
            for (k, v) in sql.status.entries { response.setCompositeStatus(k, v) }
            for (k, v) in sql.connectionDetails { response.setConnectionDetail(k, v) }
        } else {
            let cluster = ClusterClaim(claim: claim)
            resources = cluster.resources
            for (k, v) in cluster.status.entries { response.setCompositeStatus(k, v) }
            for (k, v) in cluster.connectionDetails { response.setConnectionDetail(k, v) }
            var condition = Gating.condition(for: cluster, resources: resources)
            condition.target = target
            response.add(condition)
            for w in cluster.warnings {
                response.add(Self.result(w, reason: "ParameterNotRendered", target: .composite, severity: .warning))
            }
        }

        // C: collisions and name lengths.
        let collisions = Self.collisions(resources)
        if !collisions.isEmpty { return invalid(collisions, reason: "ResourceNameCollision") }

        response.reserveCapacity(resources.count)
        var heldBack: [ResourceKey] = []
        for i in resources.indices {
            if resources[i].firstUnmetGate(observed: claim.observed) != nil {
                heldBack.append(resources[i].key)
                continue
            }
            // A Usage of a gated object comes and goes with its object (listed before it).
            if let f = resources[i].follows, heldBack.contains(f) { continue }
            let ready: FnV1.Ready =
                resources[i].readyAtOnce || (!claim.observed.isEmpty && claim.ready(resources[i].keyString))
                ? .true : .false
            response.compose(resources[i], ready: ready)
        }
        return .rendered(response)
    }

    /// Stage C: a key produced twice, and a name over 253 characters (Kubernetes' limit), in the
    /// order of their first origin. Each key's first and second producer, found in one pass.
    static func collisions(_ resources: [Composed]) -> [String] {
        // Keys hash and compare as their bytes in the render memory: no String is made.
        var firstProducer: [ResourceKey: Int] = [:]
        firstProducer.reserveCapacity(resources.count)
        var isFirst = [Bool](repeating: false, count: resources.count)
        var second = [Int](repeating: -1, count: resources.count)
        for i in resources.indices {
            let key = resources[i].key
            if let j = firstProducer[key] {
                if second[j] < 0 { second[j] = i }
            } else {
                firstProducer[key] = i
                isFirst[i] = true
            }
        }
        var problems: [String] = []
        var longNames: [String] = []
        for i in resources.indices where isFirst[i] {
            if second[i] >= 0 {
                problems.append(
                    "composed resource name \(CanonicalJSON.quoted(resources[i].keyString)) is produced by both \(resources[i].origin) and \(resources[second[i]].origin)"
                )
            }
            guard resources[i].nameLength > 253 else { continue }
            let name = resources[i].name
            if !longNames.contains(name) {
                longNames.append(name)
                problems.append(
                    "composed resource name \(CanonicalJSON.quoted(name)) from \(resources[i].origin) is longer than 253 characters"
                )
            }
        }
        return problems
    }
}
