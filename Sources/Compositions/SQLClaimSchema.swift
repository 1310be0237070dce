import FunctionSDK

/// The SQL fields in the order they are checked (and reported), and the checks of the secrets flow's
/// dependencies (what needs a store, what needs a cluster to pull into).
enum SQLClaimSchema {
    static let parameters: [SchemaField] = [
        SchemaField("version", .string(format: .postgresVersion), required: true),
        SchemaField("size", .string(oneOf: ClusterClaimSchema.sizes)),
        SchemaField("region", .string()),
        SchemaField("databases", .array(.string(format: .dnsSubdomain))),
        SchemaField(
            "schemas",
            .array(
                .object([
                    SchemaField("database", .string(format: .dnsLabel), required: true),
                    SchemaField("sql", .string(), required: true),
                ]))),
        SchemaField(
            "secrets",
            .object([
                SchemaField("storeName", .string(format: .dnsSubdomain)),
                SchemaField("pullRootPasswordKey", .string()),
                SchemaField("pushToStore", .boolean),
                SchemaField("pullToCluster", .string(format: .dnsSubdomain)),
                SchemaField("pullToClusterNamespace", .string(format: .dnsLabel)),
                SchemaField("daprComponents", .boolean),
            ])),
        SchemaField("dynatraceDashboard", .unchecked),
    ]

    /// `fields` is where the fields are: `spec.parameters.` (v1) or `spec.` (the flat v2 spec).
    static func checkParameters(
        _ parameters: JSON.Object, fields: String = "spec.parameters.", into checker: inout FieldChecker
    ) {
        for f in Self.parameters { checker.check(parameters[f.name], at: "\(fields)\(f.name)", f) }
    }

    static func checkDependencies(_ p: Reader, fields: String = "spec.parameters.", into problems: inout [String]) {
        let s = p["secrets"]
        let path = "\(fields)secrets"
        func missing(_ field: String, needs other: String) {
            problems.append("\(path).\(field) is set but \(path).\(other) is missing")
        }
        let hasStore = s["storeName"].string != nil
        if s["pullToCluster"].string != nil && !hasStore { missing("pullToCluster", needs: "storeName") }
        if s["pushToStore"].isTrue && !hasStore { missing("pushToStore", needs: "storeName") }
        if s["pullRootPasswordKey"].string != nil && !hasStore { missing("pullRootPasswordKey", needs: "storeName") }
        if s["daprComponents"].isTrue && s["pullToCluster"].string == nil {
            missing("daprComponents", needs: "pullToCluster")
        }
    }
}
