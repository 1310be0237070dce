import Compositions
import Foundation
import FunctionSDK
import SwiftProtobuf
import Testing

@Suite("ClusterClaim renders (golden)")
struct ClusterClaimGoldenTests {
    static let demo = Fixture(
        xr: Claims.cluster(parameters: Claims.demoClusterParameters), input: Claims.input(#""provider":"aws""#))

    static let demoKeys = [
        "ekscluster", "clusterAuth", "eksnodegroup", "iamrole-controlplane", "iamrole-nodegroup",
        "iamattachment-controlplane", "iamattachment-service", "iamattachment-worker", "iamattachment-cni",
        "iamattachment-registry", "vpc-nodepool", "sg-nodepool", "securityGroupRule", "subnet-nodepool-1a",
        "subnet-nodepool-1b", "subnet-nodepool-1c", "gateway", "routeTable", "route", "mainRouteTableAssociation",
        "routeTableAssociation1a", "routeTableAssociation1b", "routeTableAssociation1c", "addonEbs", "helm",
        "kubernetes",
        "a-team-cluster-app-openfunction", "a-team-cluster-app-external-secrets", "a-team-cluster-secret-store",
        "a-team-cluster-secret-push-secret", "a-team-cluster-ns-dev", "a-team-cluster-ns-production",
        "a-team-cluster-ns-crossplane-system", "a-team-cluster-creds",
    ]

    @Test("§13.1 first call: 32 resources, the store and the ExternalSecret wait for ESO")
    func demoFirstCall() throws {
        let r = try Self.demo.run()
        #expect(r.desired.resources.count == 32)
        #expect(
            Set(r.desired.resources.keys)
                == Set(Self.demoKeys).subtracting(["a-team-cluster-secret-store", "a-team-cluster-secret-push-secret"]))
        #expect(r.desired.resources.filter { $0.value.ready == .true }.map(\.key).sorted() == ["helm", "kubernetes"])
        #expect(r.conditions.first?.reason == "WaitingForExternalSecretsOperator")
        #expect(
            r.conditions.first?.message
                == "Waiting for Release a-team-cluster-app-external-secrets to become Ready before composing a-team-cluster-secret-store, a-team-cluster-secret-push-secret."
        )
        try Golden.check("cluster-demo-aws-first-call", r)
    }

    @Test("§13.1 steady state: 34 resources Ready, XR status and connection details")
    func demoSteady() throws {
        var f = Self.demo.with(ready: Self.demoKeys)
        f.observed["ekscluster"] = (
            #"{"metadata":{"name":"a-team-cluster"},"status":{"conditions":[{"type":"Synced","status":"True","reason":"ReconcileSuccess"},{"type":"Ready","status":"True","reason":"Available"}]}}"#,
            [:]
        )
        f.observed["clusterAuth"] = (
            #"{"metadata":{"name":"a-team-cluster"},"status":{"conditions":[{"type":"Ready","status":"True","reason":"Available"}]}}"#,
            ["kubeconfig": "apiVersion: v1\nkind: Config\n", "other": "not copied"]
        )
        let r = try f.run()
        #expect(r.desired.resources.count == 34)
        #expect(r.desired.resources.values.allSatisfy { $0.ready == .true })
        #expect(r.conditions.first?.reason == "Composed")
        #expect(
            r.desired.composite.connectionDetails == [
                "kubeconfig": Data("apiVersion: v1\nkind: Config\n".utf8),
                "value": Data("apiVersion: v1\nkind: Config\n".utf8),
            ])
        try Golden.check("cluster-demo-aws-steady", r)
    }

    @Test("the blog's google claim, first call")
    func demoGoogle() throws {
        let f = Fixture(
            xr: Claims.cluster(provider: "google", parameters: Claims.demoGoogleParameters),
            input: Claims.input(#""provider":"google""#))
        try Golden.check("cluster-demo-google-first-call", try f.run())
    }

    @Test("every app, creds, the store and three secrets, per provider", arguments: ["aws", "google", "azure"])
    func full(provider: String) throws {
        var f = Fixture(xr: Claims.cluster(provider: provider, parameters: Claims.fullClusterParameters()))
            .with(ready: [
                "a-team-cluster-app-external-secrets", "a-team-cluster-ns-dev", "a-team-cluster-ns-production",
            ])
        if provider == "google" {
            f.observed["gkecluster"] = (
                #"{"metadata":{"name":"a-team-cluster"},"status":{"atProvider":{"clusterIpv4Cidr":"10.52.0.0/14"},"conditions":[{"type":"Ready","status":"False","reason":"Creating"}]}}"#,
                ["kubeconfig": "gke-kubeconfig"]
            )
        }
        let r = try f.run()
        #expect(r.conditions.first?.reason == "Composed")
        #expect(r.desired.resources["a-team-cluster-secret-registry-auth"] != nil)
        try Golden.check("cluster-full-\(provider)", r)
    }

    @Test("ordering: ESO Ready but the ExternalSecret's namespace is not: WaitingForNamespace")
    func waitingForNamespace() throws {
        let r = try Self.demo.with(ready: ["a-team-cluster-app-external-secrets"]).run()
        #expect(r.desired.resources["a-team-cluster-secret-store"] != nil)
        #expect(r.desired.resources["a-team-cluster-secret-push-secret"] == nil)
        #expect(r.conditions.first?.reason == "WaitingForNamespace")
        #expect(
            r.conditions.first?.message
                == "Waiting for Object a-team-cluster-ns-production to become Ready before composing a-team-cluster-secret-push-secret."
        )
        try Golden.check("cluster-demo-aws-waiting-for-namespace", r)
    }

    @Test("ordering: a store already observed is never dropped, even while ESO is unready")
    func storeAlreadyObserved() throws {
        var f = Self.demo.with(ready: ["a-team-cluster-app-external-secrets"], reason: "Unavailable", status: "False")
        f.observed["a-team-cluster-secret-store"] = (#"{"metadata":{"name":"a-team-cluster-secret-store"}}"#, [:])
        let r = try f.run()
        #expect(r.desired.resources["a-team-cluster-secret-store"]?.ready == .false)
        #expect(r.desired.resources["a-team-cluster-secret-push-secret"] == nil)
        #expect(
            r.conditions.first?.message
                == "Waiting for Release a-team-cluster-app-external-secrets to become Ready before composing a-team-cluster-secret-push-secret."
        )
        try Golden.check("cluster-demo-aws-store-observed", r)
    }

    @Test("waitForCRDs false renders everything at once, as the reference compositions did")
    func noWait() throws {
        let f = Fixture(
            xr: Claims.cluster(parameters: Claims.demoClusterParameters), input: Claims.input(#""waitForCRDs":false"#))
        let r = try f.run()
        #expect(r.desired.resources.count == 34)
        #expect(r.conditions.first?.reason == "Composed")
    }

    @Test(
        "store backends beyond the cloud's own",
        arguments: [
            (
                "vault-kubernetes-auth",
                #""storeProvider":"vault","vault":{"server":"https://vault.acme.org","auth":{"kubernetes":{"role":"eso"}}},"#,
                ""
            ),
            (
                "vault-token",
                #""storeProvider":"vault","vault":{"server":"https://vault.acme.org","path":"kv","version":"v1","auth":{"tokenSecretRef":{"key":"vault-token"}}},"#,
                ""
            ),
            (
                "kubernetes",
                #""storeProvider":"kubernetes","kubernetes":{"url":"https://seed.example:6443","caProvider":{"type":"ConfigMap","name":"seed-ca"},"remoteNamespace":"shared"},"#,
                ""
            ),
            (
                "pulumi",
                #""storeProvider":"pulumi","pulumi":{"organization":"acme","project":"platform","environment":"prod"},"#,
                #","externalSecrets":{"chartVersion":"0.10.4"}"#
            ),
        ])
    func backends(name: String, eso: String, inputExtra: String) throws {
        let f = Fixture(
            xr: Claims.cluster(parameters: Claims.fullClusterParameters(extraESO: eso)),
            input: Claims.input(#""waitForCRDs":false\#(inputExtra)"#))
        let r = try f.run()
        #expect(r.results.isEmpty, "\(r.results)")
        try Golden.check("cluster-store-\(name)", r)
    }
}
