import Foundation
import Testing

/// `function-secrets render`, run as a user runs it, on the files in examples/.
@Suite("render")
struct RenderTests {
    static let examples = ServerProcess.packageRoot.appendingPathComponent("examples")
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    func render(_ args: [String]) throws -> Subprocess.Output {
        try Subprocess.run([ServerProcess.binary.path, "render"] + args, cwd: ServerProcess.packageRoot, timeout: 30)
    }

    func checkGolden(_ name: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try? String(contentsOf: url, encoding: .utf8)
        #expect(
            expected == actual,
            "render output differs from Golden/\(name) (UPDATE_GOLDEN=1 swift test --filter RenderTests)",
            sourceLocation: sourceLocation)
    }

    @Test(
        "the blog's aws ClusterClaim with its Composition: the XR with its status, then 32 composed resources (golden)")
    func clusterClaim() throws {
        let r = try render([
            "examples/claims/cluster-aws.yaml", "--composition", "examples/compositions/cluster-aws.yaml",
        ])
        #expect(r.status == 0, Comment(rawValue: r.stderr))
        #expect(r.stdout.components(separatedBy: "---\n").count - 1 == 33)
        #expect(r.stdout.contains("reason: WaitingForExternalSecretsOperator"))
        try checkGolden("render-cluster-aws.yaml", r.stdout)
    }

    @Test("--observed-resources: ESO Ready brings the store and the ExternalSecret, and the XR status")
    func observed() throws {
        let r = try render([
            "examples/claims/cluster-aws.yaml", "--composition", "examples/compositions/cluster-aws.yaml",
            "--observed-resources", "examples/observed/cluster-aws-eso-ready.yaml",
        ])
        #expect(r.status == 0, Comment(rawValue: r.stderr))
        #expect(r.stdout.components(separatedBy: "---\n").count - 1 == 35)
        #expect(r.stdout.contains("crossplane.io/composition-resource-name: a-team-cluster-secret-store"))
        #expect(r.stdout.contains("controlPlaneStatus: Available"))
        #expect(r.stdout.contains("clusterName: a-team-cluster"))
        #expect(r.stdout.contains("reason: Composed"))
        try checkGolden("render-cluster-aws-eso-ready.yaml", r.stdout)
    }

    @Test("the SQLClaim example (golden), with the function's context")
    func sqlClaim() throws {
        let r = try render([
            "examples/claims/sql-aws.yaml", "--composition", "examples/compositions/aws-postgresql.yaml", "-c",
            "--context-values", #"apiextensions.crossplane.io/environment={"team":"a"}"#,
        ])
        #expect(r.status == 0, Comment(rawValue: r.stderr))
        #expect(r.stdout.contains("kind: Context"))
        try checkGolden("render-sql-aws.yaml", r.stdout)
    }

    @Test(
        "every example claim renders with its Composition",
        arguments: [
            ("cluster-aws", "cluster-aws"), ("cluster-google", "cluster-google"),
            ("cluster-azure-vault", "cluster-azure"),
            ("sql-aws", "aws-postgresql"), ("sql-google", "google-postgresql"), ("sql-azure", "azure-postgresql"),
        ])
    func examples(claim: String, composition: String) throws {
        let r = try render([
            "examples/claims/\(claim).yaml", "--composition", "examples/compositions/\(composition).yaml",
        ])
        #expect(r.status == 0 && r.stderr.isEmpty, Comment(rawValue: r.stderr))
        #expect(r.stdout.hasPrefix("---\n"))
    }

    @Test(
        "Crossplane v2: the namespaced demo Cluster, first call and with ESO Ready (golden); every resource in the XR's namespace"
    )
    func clusterV2() throws {
        let first = try render([
            "examples/xrs/cluster-v2-aws.yaml", "--composition", "examples/compositions/cluster-aws-v2.yaml",
        ])
        #expect(first.status == 0, Comment(rawValue: first.stderr))
        #expect(first.stdout.components(separatedBy: "---\n").count - 1 == 41)
        #expect(first.stdout.components(separatedBy: "\n  namespace: a-team\n").count - 1 == 41)
        try checkGolden("render-cluster-v2-aws.yaml", first.stdout)
        let ready = try render([
            "examples/xrs/cluster-v2-aws.yaml", "--composition", "examples/compositions/cluster-aws-v2.yaml",
            "--observed-resources", "examples/observed/cluster-v2-aws-eso-ready.yaml",
        ])
        #expect(ready.status == 0, Comment(rawValue: ready.stderr))
        #expect(ready.stdout.components(separatedBy: "---\n").count - 1 == 45)
        #expect(ready.stdout.contains("crossplane.io/composition-resource-name: cluster-secret-push-secret-usage"))
        #expect(
            ready.stdout.contains("controlPlaneStatus: Available") && ready.stdout.contains("nodePoolStatus: Creating"))
        try checkGolden("render-cluster-v2-aws-eso-ready.yaml", ready.stdout)
    }

    @Test(
        "Crossplane v2: the namespaced demo SQL (golden): 31 resources in the XR's namespace, ESO objects composed directly"
    )
    func sqlV2() throws {
        let r = try render([
            "examples/xrs/sql-v2-aws.yaml", "--composition", "examples/compositions/aws-postgresql-v2.yaml",
        ])
        #expect(r.status == 0, Comment(rawValue: r.stderr))
        #expect(r.stdout.components(separatedBy: "---\n").count - 1 == 32)
        #expect(r.stdout.contains("kind: PushSecret") && r.stdout.contains("kind: AtlasSchema"))
        try checkGolden("render-sql-v2-aws.yaml", r.stdout)
    }

    @Test(
        "every v2 example XR renders with its Composition, with its Usages and no Warning; a Secret beside the XR in its file is passed over",
        arguments: [
            ("cluster-v2-aws", "cluster-aws-v2"), ("cluster-v2-google", "cluster-google-v2"),
            ("cluster-v2-azure", "cluster-azure-v2"), ("sql-v2-aws", "aws-postgresql-v2"),
            ("sql-v2-google", "google-postgresql-v2"), ("sql-v2-azure", "azure-postgresql-v2"),
        ])
    func examplesV2(xr: String, composition: String) throws {
        let r = try render([
            "examples/xrs/\(xr).yaml", "--composition", "examples/compositions/\(composition).yaml", "-r",
        ])
        #expect(r.status == 0 && r.stderr.isEmpty, Comment(rawValue: r.stderr))
        #expect(r.stdout.contains("apiVersion: protection.crossplane.io/v1beta1"))
        #expect(!r.stdout.contains("kind: Result"), "no Warning expected for these examples")
    }

    @Test("a Composition for another kind is refused")
    func wrongComposition() throws {
        let r = try render(["examples/claims/sql-aws.yaml", "--composition", "examples/compositions/cluster-aws.yaml"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("composes CompositeCluster, not SQL"), Comment(rawValue: r.stderr))
    }

    @Test("a Fatal result: non-zero exit and the message, nothing on stdout")
    func fatal() throws {
        let dir = try RequestBodies.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let claim = try String(
            contentsOf: Self.examples.appendingPathComponent("claims/cluster-aws.yaml"), encoding: .utf8
        )
        .replacingOccurrences(of: "nodeSize: medium", with: "nodeSize: huge")
        let file = dir.appendingPathComponent("bad.yaml")
        try claim.write(to: file, atomically: true, encoding: .utf8)
        let r = try render([file.path])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(
            r.stderr.contains(
                #"cannot render composite resource: pipeline step "secrets" returned a fatal result: CompositeCluster "cluster-8qjsk": spec.parameters.nodeSize must be one of small, medium, large, got "huge""#
            ),
            Comment(rawValue: r.stderr))
    }

    @Test("malformed YAML: the file and the line")
    func badYAML() throws {
        let dir = try RequestBodies.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("broken.yaml")
        try
            "apiVersion: devopstoolkitseries.com/v1alpha1\nkind: ClusterClaim\nspec:\n  id: [unclosed\n  parameters: {}\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try render([file.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(file.path): line "), Comment(rawValue: r.stderr))
    }
}
