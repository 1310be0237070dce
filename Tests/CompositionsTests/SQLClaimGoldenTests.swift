import Compositions
import Foundation
import FunctionSDK
import SwiftProtobuf
import Testing

@Suite("SQLClaim renders (golden)")
struct SQLClaimGoldenTests {
    @Test("§13.2 the blog's aws SQLClaim: 22 resources from the first call")
    func demoAWS() throws {
        let r = try Fixture(xr: Claims.sql(parameters: Claims.demoSQLParameters)).run()
        #expect(r.desired.resources.count == 22)
        #expect(r.conditions.isEmpty && r.results.isEmpty)
        #expect(
            Set(r.desired.resources.keys) == [
                "vpc", "subnet-a", "subnet-b", "subnet-c", "subnetgroup", "gateway", "routeTable", "route",
                "mainRouteTableAssociation", "routeTableAssociation1a", "routeTableAssociation1b",
                "routeTableAssociation1c", "securityGroup", "securityGroupRule", "rdsinstance", "sql-config",
                "kubernetes", "sql-secret", "my-db-my-db", "my-db-secret-pull", "my-db-secret-push-store",
                "my-db-secret-pull-cluster",
            ])
        try Golden.check("sql-demo-aws", r)
    }

    @Test("the blog's google SQLClaim")
    func demoGoogle() throws {
        let params = Claims.demoSQLParameters.replacingOccurrences(
            of: #""storeName":"aws""#, with: #""storeName":"google""#)
        try Golden.check("sql-demo-google", try Fixture(xr: Claims.sql(provider: "google", parameters: params)).run())
    }

    @Test(
        "three databases, schemas, every secret option and Dapr components, per provider",
        arguments: ["aws", "google", "azure"])
    func full(provider: String) throws {
        var f = Fixture(xr: Claims.sql(provider: provider, parameters: Claims.fullSQLParameters))
        let source = provider == "azure" ? "server" : "sql-secret"
        f.observed[source] = (
            #"{"metadata":{"name":"x"},"status":{"atProvider":{"address":"db.aws.example","publicIpAddress":"34.1.2.3","fqdn":"my-db.postgres.database.azure.com"},"conditions":[{"type":"Ready","status":"True","reason":"Available"}]}}"#,
            [
                "username": "masteruser", "password": "not-a-real-password", "endpoint": "db.example", "port": "5432",
                "extra": "not copied",
            ]
        )
        let statusKey = ["aws": "rdsinstance", "google": "sql", "azure": "server"][provider]!
        if statusKey != source { f.observed[statusKey] = f.observed[source] }
        let r = try f.run()
        #expect(r.desired.composite.connectionDetails.keys.sorted() == ["endpoint", "password", "port", "username"])
        #expect(r.desired.resources["my-db-dapr-component-audit"] != nil)
        try Golden.check("sql-full-\(provider)", r)
    }

    @Test("no databases: the PushSecret template is still valid JSON")
    func noDatabases() throws {
        let params = #"{"version":"15","secrets":{"storeName":"aws","pushToStore":true}}"#
        let r = try Fixture(xr: Claims.sql(parameters: params)).run()
        let push = try #require(r.desired.resources["my-db-secret-push-store"])
        let template = try #require(
            try Golden.json(push.resource)[path: [
                "spec", "forProvider", "manifest", "spec", "template", "data", "endpoint",
            ]]?.string)
        let parsed = try JSONSerialization.jsonObject(with: Data(template.utf8)) as? [String: String]
        #expect(parsed?.keys.sorted() == ["endpoint", "password", "port", "username"])
        #expect(template.hasSuffix("}\n"))
        try Golden.check("sql-no-databases", r)
    }

    @Test("the PushSecret JSON parses with one conn-<db> per database")
    func pushSecretJSON() throws {
        let r = try Fixture(xr: Claims.sql(parameters: Claims.fullSQLParameters)).run()
        let push = try #require(r.desired.resources["my-db-secret-push-store"])
        let template = try #require(
            try Golden.json(push.resource)[path: [
                "spec", "forProvider", "manifest", "spec", "template", "data", "endpoint",
            ]]?.string)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(template.utf8)) as? [String: String])
        #expect(
            parsed.keys.sorted() == [
                "conn-audit", "conn-orders", "conn-users", "endpoint", "password", "port", "username",
            ])
        #expect(
            parsed["conn-users"]
                == "host={{ .endpoint }} user={{ .username }} password={{ .password }} port={{ .port }} connect_timeout=10 database=users"
        )
    }
}
