import Compositions
import Foundation
import FunctionSDK
import SwiftProtobuf
import Testing

/// Sets (or with nil removes) a dotted path in a JSON object text.
func edit(_ json: String, _ edits: [(String, Any?)]) -> String {
    var root = try! JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    func apply(_ obj: inout [String: Any], _ path: ArraySlice<Substring>, _ value: Any?) {
        let k = String(path.first!)
        if path.count == 1 {
            obj[k] = value
            return
        }
        var child = obj[k] as? [String: Any] ?? [:]
        apply(&child, path.dropFirst(), value)
        obj[k] = child
    }
    for (path, value) in edits { apply(&root, ArraySlice(path.split(separator: ".")), value) }
    return String(decoding: try! JSONSerialization.data(withJSONObject: root, options: [.sortedKeys]), as: UTF8.self)
}

/// One bad input and the one Fatal result it must get. Named by what it checks; without a name, by
/// the message it expects (which names the field, the rule and the value).
struct BadInput: CustomTestStringConvertible, Sendable {
    var name: String? = nil
    var xr: String
    var input: String?
    var message: String
    var reason = "InvalidParameters"
    var target: FnV1.Target = .compositeAndClaim
    var testDescription: String {
        if let name { return name }
        // The message without its `<Kind> "<name>": ` prefix.
        guard let range = message.range(of: "\": ") else { return message }
        return String(message[range.upperBound...])
    }
}

let clusterPrefix = #"CompositeCluster "cluster-8f5jz": "#
let sqlPrefix = #"SQL "my-db-6gwtv": "#
let ESO = "spec.parameters.apps.externalSecrets"
let clusterXR = Claims.cluster(parameters: Claims.demoClusterParameters)
let sqlXR = Claims.sql(parameters: Claims.demoSQLParameters)
func cluster(_ e: [(String, Any?)], input: String? = Claims.input) -> (String, String?) { (edit(clusterXR, e), input) }
func sql(_ e: [(String, Any?)]) -> String { edit(sqlXR, e) }
let params = "spec.parameters."
let esoParams = "spec.parameters.apps.externalSecrets."
let dnsLabelRule =
    "must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)"
/// A valid DNS subdomain of 243 characters: composed names built from it pass 253.
let longSubdomain = Array(repeating: String(repeating: "a", count: 60), count: 4).joined(separator: ".")
let dnsSubdomainRule = "must be a DNS subdomain (DNS labels joined by '.', at most 253 characters)"

let badInputs: [BadInput] = [
    BadInput(
        xr: clusterXR, input: #"{"apiVersion":"template.fn.crossplane.io/v1beta1","kind":"Input"}"#,
        message:
            #"function input: apiVersion and kind must be secrets.fn.crossplane.io/v1beta1 Input, got "template.fn.crossplane.io/v1beta1" "Input""#,
        reason: "InvalidFunctionInput", target: .composite),
    BadInput(
        xr: clusterXR, input: Claims.input(#""waitForCRD":true"#),
        message: #"function input: unknown field "waitForCRD""#,
        reason: "InvalidFunctionInput", target: .composite),
    BadInput(
        xr: clusterXR, input: Claims.input(#""provider":"civo""#),
        message: #"function input: provider must be one of aws, google, azure, got "civo""#,
        reason: "InvalidFunctionInput", target: .composite),
    BadInput(
        xr: clusterXR, input: Claims.input(#""externalSecrets":{"apiVersion":"external-secrets.io/v1alpha1"}"#),
        message:
            #"function input: externalSecrets.apiVersion must be one of external-secrets.io/v1beta1, external-secrets.io/v1, got "external-secrets.io/v1alpha1""#,
        reason: "InvalidFunctionInput", target: .composite),
    BadInput(
        xr: clusterXR, input: Claims.input(#""externalSecrets":{"chartVersion":""}"#),
        message: "function input: externalSecrets.chartVersion must not be empty", reason: "InvalidFunctionInput",
        target: .composite),
    BadInput(
        xr: clusterXR, input: Claims.input(#""waitForCRDs":"yes""#),
        message: #"function input: waitForCRDs must be a boolean, got "yes""#, reason: "InvalidFunctionInput",
        target: .composite),
    BadInput(
        xr: clusterXR, input: Claims.input(#""ttl":"soon""#),
        message: #"function input: ttl must be a duration such as "60s" or "1m30s", got "soon""#,
        reason: "InvalidFunctionInput", target: .composite),
    BadInput(
        xr: #"{"apiVersion":"example.org/v1","kind":"Widget","metadata":{"name":"w-1"}}"#, input: nil,
        message:
            #"unsupported composite resource example.org/v1 Widget "w-1": this function composes devopstoolkitseries.com/v1alpha1 CompositeCluster and SQL, devopstoolkit.ai/v2 Cluster and devopstoolkit.live/v1beta1 SQL"#,
        reason: "UnsupportedComposite", target: .composite),
    BadInput(
        xr: edit(clusterXR, [("spec.compositionSelector", nil)]), input: nil,
        message: clusterPrefix
            + "cannot determine the provider: the function input sets no provider and spec.compositionSelector.matchLabels.provider is not set"
    ),
    BadInput(
        xr: edit(clusterXR, [("spec.compositionSelector.matchLabels.provider", "civo")]), input: nil,
        message: clusterPrefix
            + #"spec.compositionSelector.matchLabels.provider must be one of aws, google, azure, got "civo""#),
    BadInput(xr: edit(clusterXR, [("spec.id", "")]), message: clusterPrefix + "spec.id is required"),
    BadInput(
        xr: edit(clusterXR, [("spec.id", "A_Team")]),
        message: clusterPrefix + #"spec.id \#(dnsLabelRule), got "A_Team""#),
    BadInput(xr: edit(clusterXR, [("spec.parameters", nil)]), message: clusterPrefix + "spec.parameters is required"),
    BadInput(
        xr: edit(clusterXR, [("spec.parameters.nodeSize", nil)]),
        message: clusterPrefix + "spec.parameters.nodeSize is required"),
    BadInput(
        xr: edit(clusterXR, [("spec.parameters.nodeSize", "huge")]),
        message: clusterPrefix + #"spec.parameters.nodeSize must be one of small, medium, large, got "huge""#),
    BadInput(
        xr: edit(clusterXR, [("spec.parameters.minNodeCount", -2)]),
        message: clusterPrefix + "spec.parameters.minNodeCount must be at least 1, got -2"),
    BadInput(
        xr: edit(clusterXR, [("spec.parameters.minNodeCount", 2.5)]),
        message: clusterPrefix + "spec.parameters.minNodeCount must be an integer, got 2.5"),
    BadInput(
        xr: edit(clusterXR, [("spec.parameters.namespaces", ["dev", "Prod"])]),
        message: clusterPrefix + #"spec.parameters.namespaces[1] \#(dnsLabelRule), got "Prod""#),
    BadInput(
        xr: edit(clusterXR, [("spec.parameters.apps.dapr.enabled", "yes")]),
        message: clusterPrefix + #"spec.parameters.apps.dapr.enabled must be a boolean, got "yes""#),
    BadInput(
        xr: edit(
            clusterXR, [("spec.parameters.apps.externalSecrets.secrets", [["fromSecret": "a", "toSecret": "b"]])]),
        message: clusterPrefix + "\(ESO).secrets[0].toNamespace is required"),
    BadInput(
        xr: edit(
            clusterXR,
            [
                (
                    "spec.parameters.apps.externalSecrets.secrets",
                    [["fromSecret": "a", "toSecret": "Push_Secret", "toNamespace": "x"]]
                )
            ]),
        message: clusterPrefix + #"\#(ESO).secrets[0].toSecret \#(dnsSubdomainRule), got "Push_Secret""#),
    BadInput(
        xr: edit(clusterXR, [("spec.parameters.creds.keys", nil)]),
        message: clusterPrefix + "spec.parameters.creds.keys is required"),
    BadInput(
        xr: edit(clusterXR, [("spec.parameters.creds.keys", [String]())]),
        message: clusterPrefix + "spec.parameters.creds.keys must not be empty"),
    BadInput(
        xr: edit(clusterXR, [("spec.parameters.creds.keys", ["a b"])]),
        message: clusterPrefix
            + #"spec.parameters.creds.keys[0] must be a Secret data key (letters, digits, '-', '_' and '.'), got "a b""#
    ),
    BadInput(
        xr: edit(clusterXR, [("spec.parameters.creds.name", nil)]),
        message: clusterPrefix + "spec.parameters.creds.name is required"),
    BadInput(
        xr: edit(clusterXR, [(esoParams + "storeProvider", "onepassword")]),
        message: clusterPrefix
            + #"\#(ESO).storeProvider must be one of aws, google, azure, vault, kubernetes, pulumi, got "onepassword""#),
    BadInput(
        xr: edit(clusterXR, [("spec.parameters.creds", nil)]),
        message: clusterPrefix + "spec.parameters.creds is required when the ClusterSecretStore uses the aws backend"),
    BadInput(
        xr: edit(clusterXR, [(esoParams + "storeProvider", "google")]),
        message: clusterPrefix
            + "\(ESO).googleCredentialsKey is required when the ClusterSecretStore uses the google backend"),
    BadInput(
        xr: edit(clusterXR, [(esoParams + "storeProvider", "azure")]),
        message: clusterPrefix + "\(ESO).azureVaultUrl is required when the ClusterSecretStore uses the azure backend"),
    BadInput(
        xr: edit(
            clusterXR,
            [(esoParams + "storeProvider", "vault"), (esoParams + "vault", ["auth": ["kubernetes": ["role": "eso"]]])]),
        message: clusterPrefix + "\(ESO).vault.server is required when the ClusterSecretStore uses the vault backend"),
    BadInput(
        xr: edit(
            clusterXR,
            [
                (esoParams + "storeProvider", "vault"),
                (
                    esoParams + "vault",
                    ["server": "https://v", "auth": ["kubernetes": ["role": "eso"], "tokenSecretRef": ["name": "t"]]]
                ),
            ]),
        message: clusterPrefix
            + "exactly one of \(ESO).vault.auth.kubernetes and \(ESO).vault.auth.tokenSecretRef must be set"),
    BadInput(
        xr: edit(
            clusterXR,
            [
                (esoParams + "storeProvider", "vault"),
                (esoParams + "vault", ["server": "https://v", "auth": ["kubernetes": [String: String]()]]),
            ]),
        message: clusterPrefix
            + "\(ESO).vault.auth.kubernetes.role is required when the ClusterSecretStore uses the vault backend"),
    BadInput(
        xr: edit(
            clusterXR,
            [
                ("spec.parameters.creds", nil), (esoParams + "storeProvider", "kubernetes"),
                (esoParams + "kubernetes", ["url": "https://seed", "caProvider": ["type": "Secret", "name": "ca"]]),
            ]),
        message: clusterPrefix
            + "\(ESO).kubernetes.bearerTokenSecretRef.name is required when the ClusterSecretStore uses the kubernetes backend"
    ),
    BadInput(
        xr: edit(
            clusterXR,
            [
                (esoParams + "storeProvider", "kubernetes"),
                (esoParams + "kubernetes", ["caProvider": ["type": "File", "name": "ca"]]),
            ]),
        message: clusterPrefix
            + "\(ESO).kubernetes.caProvider.type must be one of Secret, ConfigMap, got \"File\"; \(ESO).kubernetes.url is required when the ClusterSecretStore uses the kubernetes backend"
    ),
    BadInput(
        xr: edit(
            clusterXR,
            [(esoParams + "storeProvider", "pulumi"), (esoParams + "pulumi", ["project": "p", "environment": "e"])]),
        input: Claims.input(#""externalSecrets":{"chartVersion":"0.10.0"}"#),
        message: clusterPrefix
            + "\(ESO).pulumi.organization is required when the ClusterSecretStore uses the pulumi backend"),
    BadInput(
        xr: edit(
            clusterXR,
            [
                (esoParams + "storeProvider", "pulumi"),
                (esoParams + "pulumi", ["organization": "o", "project": "p", "environment": "e"]),
            ]),
        message: clusterPrefix
            + #"\#(ESO).storeProvider "pulumi" needs External Secrets Operator 0.10.0 or later; set externalSecrets.chartVersion in the function input (now "0.9.11")"#
    ),
    BadInput(
        xr: edit(
            clusterXR,
            [
                (esoParams + "storeProvider", "pulumi"),
                (esoParams + "pulumi", ["organization": "o", "project": "p", "environment": "e"]),
            ]),
        input: Claims.input(#""externalSecrets":{"chartVersion":"0.10.0-rc.1"}"#),
        message: clusterPrefix
            + #"\#(ESO).storeProvider "pulumi" needs External Secrets Operator 0.10.0 or later; set externalSecrets.chartVersion in the function input (now "0.10.0-rc.1")"#
    ),
    BadInput(xr: sql([("spec.parameters.version", nil)]), message: sqlPrefix + "spec.parameters.version is required"),
    BadInput(
        xr: sql([("spec.parameters.size", "xl")]),
        message: sqlPrefix + #"spec.parameters.size must be one of small, medium, large, got "xl""#),
    BadInput(
        xr: sql([("spec.parameters.databases", ["my_db"])]),
        message: sqlPrefix + #"spec.parameters.databases[0] \#(dnsSubdomainRule), got "my_db""#),
    BadInput(
        xr: sql([("spec.parameters.schemas", [["database": "my-db"]])]),
        message: sqlPrefix + "spec.parameters.schemas[0].sql is required"),
    BadInput(
        xr: sql([("spec.parameters.secrets", ["pullToCluster": "a-team-cluster"])]),
        message: sqlPrefix
            + "spec.parameters.secrets.pullToCluster is set but spec.parameters.secrets.storeName is missing"),
    BadInput(
        xr: sql([("spec.parameters.secrets", ["pushToStore": true])]),
        message: sqlPrefix
            + "spec.parameters.secrets.pushToStore is set but spec.parameters.secrets.storeName is missing"),
    BadInput(
        xr: sql([("spec.parameters.secrets", ["pullRootPasswordKey": "k"])]),
        message: sqlPrefix
            + "spec.parameters.secrets.pullRootPasswordKey is set but spec.parameters.secrets.storeName is missing"),
    BadInput(
        xr: sql([("spec.parameters.secrets", ["storeName": "aws", "daprComponents": true])]),
        message: sqlPrefix
            + "spec.parameters.secrets.daprComponents is set but spec.parameters.secrets.pullToCluster is missing"),
    BadInput(
        xr: sql([
            ("spec.parameters.secrets", ["storeName": "Aws", "pullToCluster": "a_b", "pullToClusterNamespace": "Prod"])
        ]),
        message: sqlPrefix
            + #"spec.parameters.secrets.storeName \#(dnsSubdomainRule), got "Aws"; spec.parameters.secrets.pullToCluster \#(dnsSubdomainRule), got "a_b"; spec.parameters.secrets.pullToClusterNamespace \#(dnsLabelRule), got "Prod""#
    ),
    BadInput(
        xr: sql([("spec.parameters.version", "latest")]),
        message: sqlPrefix
            + #"spec.parameters.version must be a PostgreSQL version such as "15" or "14.10", got "latest""#),
    // Collisions of composed resource names.
    BadInput(
        xr: edit(
            clusterXR,
            [
                (
                    esoParams + "secrets",
                    [
                        ["fromSecret": "a", "toSecret": "push-secret", "toNamespace": "x"],
                        ["fromSecret": "b", "toSecret": "push-secret", "toNamespace": "y"],
                    ]
                )
            ]),
        message: clusterPrefix
            + #"composed resource name "a-team-cluster-secret-push-secret" is produced by both \#(ESO).secrets[0].toSecret and \#(ESO).secrets[1].toSecret"#,
        reason: "ResourceNameCollision"),
    BadInput(
        xr: edit(
            clusterXR,
            [
                (
                    esoParams + "secrets",
                    [
                        ["fromSecret": "a", "toSecret": "a", "toNamespace": "x"],
                        ["fromSecret": "b", "toSecret": "b", "toNamespace": "y"],
                        ["fromSecret": "c", "toSecret": "store", "toNamespace": "z"],
                    ]
                )
            ]),
        message: clusterPrefix
            + #"composed resource name "a-team-cluster-secret-store" is produced by both the ClusterSecretStore and \#(ESO).secrets[2].toSecret"#,
        reason: "ResourceNameCollision"),
    BadInput(
        xr: edit(clusterXR, [(params + "namespaces", ["dev", "production", "dev"])]),
        message: clusterPrefix
            + #"composed resource name "a-team-cluster-ns-dev" is produced by both spec.parameters.namespaces[0] and spec.parameters.namespaces[2]"#,
        reason: "ResourceNameCollision"),
    BadInput(
        xr: edit(
            clusterXR, [(esoParams + "secrets", [["fromSecret": "a", "toSecret": longSubdomain, "toNamespace": "x"]])]),
        message: clusterPrefix
            + #"composed resource name "a-team-cluster-secret-\#(longSubdomain)" from \#(ESO).secrets[0].toSecret is longer than 253 characters"#,
        reason: "ResourceNameCollision"),
    BadInput(
        xr: sql([(params + "databases", ["db-01", "db-01"])]),
        message: sqlPrefix
            + #"composed resource name "my-db-db-01" is produced by both spec.parameters.databases[0] and spec.parameters.databases[1]"#,
        reason: "ResourceNameCollision"),
    BadInput(
        xr: sql([(params + "databases", ["secret-pull"])]),
        message: sqlPrefix
            + #"composed resource name "my-db-secret-pull" is produced by both spec.parameters.databases[0] and spec.parameters.secrets.pullRootPasswordKey"#,
        reason: "ResourceNameCollision"),
    BadInput(
        xr: sql([(params + "schemas", [["database": "db-01", "sql": "a"], ["database": "db-01", "sql": "b"]])]),
        message: sqlPrefix
            + #"composed resource name "my-db-schema-db-01" is produced by both spec.parameters.schemas[0].database and spec.parameters.schemas[1].database"#,
        reason: "ResourceNameCollision"),
]

@Suite("bad input: one Fatal result naming the field and the value, nothing else changed")
struct BadInputTests {
    @Test("a v1 claim with this problem is refused with one Fatal result", arguments: badInputs)
    func refused(_ c: BadInput) throws {
        var earlier = FnV1.RunFunctionRequest()
        var foreign = FnV1.Resource()
        foreign.resource = try Google_Protobuf_Struct(
            jsonString: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"from-an-earlier-step"}}"#)
        earlier.desired.resources["earlier"] = foreign
        earlier.context = try Google_Protobuf_Struct(jsonString: #"{"k":"v"}"#)
        let f = Fixture(xr: c.xr, input: c.input, desired: earlier)
        let response = try f.run()
        #expect(response.results.count == 1)
        let r = try #require(response.results.first)
        #expect(r.severity == .fatal)
        #expect(r.message == c.message)
        #expect(r.reason == c.reason)
        #expect(r.target == c.target)
        #expect(response.conditions.isEmpty)
        #expect(response.desired == earlier.desired)
        #expect(response.context == earlier.context)
        #expect(response.meta.tag == "golden")
    }

    @Test("no observed composite")
    func noComposite() throws {
        let bytes: [UInt8] = try FnV1.RunFunctionRequest().serializedBytes()
        let r = try FnV1.RunFunctionResponse(serializedBytes: try FunctionRunnerService.call(SecretsFunction(), requestBytes: bytes))
        #expect(r.results.map(\.message) == ["the request has no observed composite resource"])
        #expect(r.results.first?.reason == "UnsupportedComposite")
    }

    @Test("several stage B problems: one result, the prefix once, problems joined with '; '")
    func several() throws {
        let xr = edit(clusterXR, [("spec.id", "A_Team"), (params + "nodeSize", "huge"), (params + "minNodeCount", 0)])
        let r = try Fixture(xr: xr, input: Claims.input).run()
        #expect(
            r.results.map(\.message) == [
                clusterPrefix
                    + #"spec.id \#(dnsLabelRule), got "A_Team"; spec.parameters.nodeSize must be one of small, medium, large, got "huge"; spec.parameters.minNodeCount must be at least 1, got 0"#
            ])
    }

    @Test(
        "a failed input keeps the default TTL; a valid one sets it",
        arguments: [
            (#""ttl":"soon""#, Int64(60)), (#""ttl":"1m30s""#, 90), (#""ttl":"0.5h""#, 1800),
        ])
    func ttl(inputField: String, seconds: Int64) throws {
        let r = try Fixture(xr: clusterXR, input: Claims.input(inputField)).run()
        #expect(r.meta.ttl.seconds == seconds)
    }

    @Test("ttl 0s leaves meta.ttl unset")
    func zeroTTL() throws {
        let r = try Fixture(xr: clusterXR, input: Claims.input(#""ttl":"0h0s""#)).run()
        #expect(!r.meta.hasTtl)
    }
}
