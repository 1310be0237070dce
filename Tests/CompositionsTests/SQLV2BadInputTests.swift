import Compositions
import Foundation
import FunctionSDK
import SwiftProtobuf
import Testing

let sqlV2XR = SQLV2GoldenTests.xr(spec: SQLV2GoldenTests.demoSpec)
let SV2 = #"SQL "my-db": "#

/// Bad v2 SQL input, each named by what it checks; paths have no `parameters` level.
let badSQLV2Inputs: [BadInput] = [
    BadInput(
        name: "a v2 SQL without metadata.namespace is refused",
        xr: SQLV2GoldenTests.xr(namespace: nil, spec: SQLV2GoldenTests.demoSpec),
        message: SV2 + "metadata.namespace is required", reason: "UnsupportedComposite", target: .composite),
    BadInput(
        name: "no input provider and no selector label", xr: edit(sqlV2XR, [("spec.crossplane", nil)]),
        message: SV2
            + "cannot determine the provider: the function input sets no provider and spec.crossplane.compositionSelector.matchLabels.provider is not set",
        target: .composite),
    BadInput(
        name: "no version", xr: edit(sqlV2XR, [("spec.version", nil)]), message: SV2 + "spec.version is required",
        target: .composite),
    BadInput(
        name: "a version that is no PostgreSQL version", xr: edit(sqlV2XR, [("spec.version", "latest")]),
        message: SV2 + #"spec.version must be a PostgreSQL version such as "15" or "14.10", got "latest""#,
        target: .composite),
    BadInput(
        name: "a size outside small, medium, large", xr: edit(sqlV2XR, [("spec.size", "xl")]),
        message: SV2 + #"spec.size must be one of small, medium, large, got "xl""#, target: .composite),
    BadInput(
        name: "a database name that is no DNS subdomain",
        xr: edit(sqlV2XR, [("spec.databases", ["my_db"]), ("spec.schemas", nil)]),
        message: SV2
            + #"spec.databases[0] must be a DNS subdomain (DNS labels joined by '.', at most 253 characters), got "my_db""#,
        target: .composite),
    BadInput(
        name: "a schema without sql", xr: edit(sqlV2XR, [("spec.schemas", [["database": "db-01"]])]),
        message: SV2 + "spec.schemas[0].sql is required", target: .composite),
    BadInput(
        name: "pullToCluster without storeName", xr: edit(sqlV2XR, [("spec.secrets", ["pullToCluster": "cluster"])]),
        message: SV2 + "spec.secrets.pullToCluster is set but spec.secrets.storeName is missing", target: .composite),
    BadInput(
        name: "daprComponents without pullToCluster",
        xr: edit(sqlV2XR, [("spec.secrets", ["storeName": "aws", "daprComponents": true])]),
        message: SV2 + "spec.secrets.daprComponents is set but spec.secrets.pullToCluster is missing",
        target: .composite),
    BadInput(
        name: "a database whose key is another database's Usage key",
        xr: edit(sqlV2XR, [("spec.databases", ["a", "a-usage"]), ("spec.schemas", nil)]),
        message: SV2
            + #"composed resource name "my-db-a-usage" is produced by both spec.databases[1] and the Usage of spec.databases[0]"#,
        reason: "ResourceNameCollision", target: .composite),
    BadInput(
        name: "a database named like the root-password pull: its Usages collide too",
        xr: edit(sqlV2XR, [("spec.databases", ["secret-pull"]), ("spec.schemas", nil)]),
        message: SV2
            + #"composed resource name "my-db-secret-pull" is produced by both spec.databases[0] and spec.secrets.pullRootPasswordKey; composed resource name "my-db-secret-pull-usage" is produced by both the Usage of spec.databases[0] and the my-db-secret-pull-usage resource"#,
        reason: "ResourceNameCollision", target: .composite),
]

@Suite("v2 SQL bad input: one Fatal result naming the field and the value, nothing else changed")
struct SQLV2BadInputTests {
    @Test(arguments: badSQLV2Inputs)
    func rejected(_ c: BadInput) throws {
        try BadInputTests().refused(c)
    }

    @Test("an absent or empty size is small")
    func sizeDefault() throws {
        for xr in [edit(sqlV2XR, [("spec.size", nil)]), edit(sqlV2XR, [("spec.size", "")])] {
            let r = try Fixture(xr: xr).run()
            #expect(r.results.isEmpty)
            let rds = try Golden.json(r.desired.resources["rdsinstance"]!.resource)
            #expect(rds[path: ["spec", "forProvider", "instanceClass"]] == "db.m5.large")
        }
    }
}
