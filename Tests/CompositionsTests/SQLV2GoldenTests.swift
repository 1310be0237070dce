import Compositions
import Foundation
import FunctionSDK
import SwiftProtobuf
import Testing

/// The namespaced Crossplane v2 `SQL` (`devopstoolkit.live/v1beta1`): a flat spec, namespaced kinds,
/// the ESO objects and Atlas schemas composed directly, and Usages that order deletion.
@Suite("v2 SQL renders (golden)")
struct SQLV2GoldenTests {
    static func xr(name: String = "my-db", namespace: String? = "a-team", provider: String = "aws", spec: String)
        -> String
    {
        let ns = namespace.map { #","namespace":"\#($0)""# } ?? ""
        let selector =
            #""crossplane":{"compositionSelector":{"matchLabels":{"provider":"\#(provider)","db":"postgresql"}}}"#
        let body = spec.dropFirst() // the spec's own fields after its opening brace
        return
            #"{"apiVersion":"devopstoolkit.live/v1beta1","kind":"SQL","metadata":{"name":"\#(name)"\#(ns)},"spec":{\#(selector)\#(body == "}" ? "" : ",")\#(body)}"#
    }

    /// The demo database: two databases, a schema, and the whole secrets flow into the Cluster `cluster`.
    static let demoSpec =
        #"{"version":"16.3","size":"medium","databases":["db-01","db-02"],"schemas":[{"database":"db-01","sql":"create table videos (\n  id varchar(50) not null,\n  description text,\n  primary key (id)\n);\n"}],"secrets":{"storeName":"aws","pullRootPasswordKey":"db-root","pushToStore":true,"pullToCluster":"cluster"}}"#

    static let usages = [
        "my-db-db-01-usage", "my-db-db-02-usage", "my-db-schema-db-01-usage", "my-db-secret-pull-usage",
        "my-db-secret-push-store-usage", "my-db-sql-config-usage", "my-db-sql-secret-usage",
    ]

    @Test(
        "the demo: 31 resources from the first call; ProviderConfigs and Usages Ready at once; no results, conditions or connection details"
    )
    func demo() throws {
        let r = try Fixture(xr: Self.xr(spec: Self.demoSpec)).run()
        #expect(r.desired.resources.count == 31)
        #expect(r.results.isEmpty && r.conditions.isEmpty)
        #expect(
            r.desired.resources.filter { $0.value.ready == .true }.map(\.key).sorted()
                == (["sql-config", "my-db-provider-config-kubernetes"] + Self.usages).sorted())
        #expect(r.desired.composite.connectionDetails.isEmpty)
        #expect(try Golden.json(r.desired.composite.resource)[path: ["status"]] == nil)
        try Golden.check("sql-v2-demo-aws", r)
    }

    @Test(
        "status.address from the observed server; the schema, ExternalSecret and PushSecret Ready from their own condition"
    )
    func observed() throws {
        var f = Fixture(xr: Self.xr(spec: Self.demoSpec)).with(ready: ["my-db-schema-db-01", "my-db-secret-push-store"])
        f.observed["rdsinstance"] = (
            #"{"metadata":{"name":"my-db"},"status":{"atProvider":{"address":"my-db.abc.us-east-1.rds.amazonaws.com"}}}"#,
            ["password": "not-a-real-password"]
        )
        let r = try f.run()
        #expect(
            try Golden.json(r.desired.composite.resource)[path: ["status"]] == [
                "address": "my-db.abc.us-east-1.rds.amazonaws.com"
            ])
        #expect(
            r.desired.resources["my-db-schema-db-01"]?.ready == .true
                && r.desired.resources["my-db-secret-push-store"]?.ready == .true)
        #expect(r.desired.resources["my-db-secret-pull"]?.ready == .false)
        #expect(r.desired.composite.connectionDetails.isEmpty)
    }

    @Test(
        "three databases, schemas, every secret option and Dapr components, per provider",
        arguments: ["aws", "google", "azure"])
    func full(provider: String) throws {
        let spec =
            #"{"version":"9.6","size":"large","region":"europe-west1","databases":["orders","users","audit"],"schemas":[{"database":"orders","sql":"create table orders (id int);"},{"database":"users","sql":"create table users (id int);"}],"secrets":{"storeName":"vault","pullRootPasswordKey":"db-root","pushToStore":true,"pullToCluster":"cluster","pullToClusterNamespace":"production","daprComponents":true}}"#
        let r = try Fixture(xr: Self.xr(provider: provider, spec: spec)).run()
        #expect(r.results.isEmpty)
        #expect(r.desired.resources["my-db-dapr-component-audit"] != nil)
        try Golden.check("sql-v2-full-\(provider)", r)
    }

    @Test("the PushSecret template parses as JSON with no databases and with three", arguments: [0, 3])
    func pushSecretJSON(count: Int) throws {
        let dbs = ["orders", "users", "audit"].prefix(count).map { "\"\($0)\"" }.joined(separator: ",")
        let spec = #"{"version":"15","databases":[\#(dbs)],"secrets":{"storeName":"aws","pushToStore":true}}"#
        let r = try Fixture(xr: Self.xr(spec: spec)).run()
        let push = try Golden.json(try #require(r.desired.resources["my-db-secret-push-store"]).resource)
        #expect(push[path: ["kind"]] == "PushSecret" && push[path: ["metadata", "namespace"]] == nil)
        let template = try #require(push[path: ["spec", "template", "data", "endpoint"]]?.string)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(template.utf8)) as? [String: String])
        #expect(
            parsed.keys.sorted()
                == (["endpoint", "password", "port", "username"]
                + ["orders", "users", "audit"].prefix(count).map { "conn-\($0)" }).sorted())
        #expect(template.hasSuffix("}\n"))
    }

    @Test(
        "Usages: one per database and schema; the root-password ExternalSecret is `of`, the server `by`; none for the cross-cluster objects"
    )
    func usages() throws {
        let r = try Fixture(xr: Self.xr(spec: Self.demoSpec)).run()
        let pull = try Golden.json(try #require(r.desired.resources["my-db-secret-pull-usage"]).resource)
        #expect(
            pull[path: ["spec", "of"]] == [
                "apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret",
                "resourceRef": ["name": "my-db-password"],
            ])
        #expect(
            pull[path: ["spec", "by"]] == [
                "apiVersion": "rds.aws.m.upbound.io/v1beta1", "kind": "Instance", "resourceRef": ["name": "my-db"],
            ])
        let plain = try Fixture(xr: Self.xr(provider: "azure", spec: #"{"version":"15"}"#)).run()
        #expect(plain.desired.resources.keys.filter { $0.hasSuffix("-usage") } == ["my-db-sql-config-usage"])
    }
}
