import Compositions
import Foundation
import FunctionSDK
import SwiftProtobuf
import Testing

/// The namespaced Crossplane v2 `Cluster` (`devopstoolkit.ai/v2`): names from `metadata.name`,
/// namespaced `.m.` kinds, typed ProviderConfig references, and Usages.
@Suite("v2 Cluster renders (golden)")
struct ClusterV2GoldenTests {
    static func xr(
        name: String = "cluster", namespace: String? = "a-team", provider: String = "aws", parameters: String
    ) -> String {
        let ns = namespace.map { #","namespace":"\#($0)""# } ?? ""
        return
            #"{"apiVersion":"devopstoolkit.ai/v2","kind":"Cluster","metadata":{"name":"\#(name)"\#(ns)},"spec":{"crossplane":{"compositionSelector":{"matchLabels":{"provider":"\#(provider)","cluster":"eks"}}},"parameters":\#(parameters)}}"#
    }

    /// The blog's demo cluster as a v2 XR (the same parameters as the v1 demo claim).
    static let demo = Fixture(
        xr: xr(parameters: Claims.demoClusterParameters), input: Claims.input(#""provider":"aws""#))

    static let infrastructure = [
        "ekscluster", "clusterAuth", "eksnodegroup", "iamrole-controlplane", "iamrole-nodegroup",
        "iamattachment-controlplane", "iamattachment-service", "iamattachment-worker", "iamattachment-cni",
        "iamattachment-registry", "vpc-nodepool", "sg-nodepool", "securityGroupRule", "subnet-nodepool-1a",
        "subnet-nodepool-1b", "subnet-nodepool-1c", "gateway", "routeTable", "route", "mainRouteTableAssociation",
        "routeTableAssociation1a", "routeTableAssociation1b", "routeTableAssociation1c", "addonEbs",
    ]
    static let held = [
        "cluster-app-secret-store", "cluster-secret-push-secret", "cluster-app-secret-store-usage",
        "cluster-secret-push-secret-usage",
    ]
    static let readyAtOnce = [
        "cluster-config-helm", "cluster-config-helm-local", "cluster-config-kubernetes",
        "cluster-cluster-auth-helm-usage", "cluster-cluster-auth-kubernetes-usage", "cluster-cluster-helm-usage",
        "cluster-cluster-kubernetes-usage", "cluster-app-openfunction-usage", "cluster-app-external-secrets-usage",
        "cluster-creds-usage",
    ]
    static let demoKeys =
        infrastructure + readyAtOnce + held
        + [
            "cluster-app-openfunction", "cluster-app-external-secrets", "cluster-ns-dev", "cluster-ns-production",
            "cluster-ns-crossplane-system", "cluster-creds",
        ]

    @Test(
        "first call: 40 resources; the store, the ExternalSecret and their Usages wait for ESO; status names the cluster"
    )
    func demoFirstCall() throws {
        let r = try Self.demo.run()
        #expect(r.desired.resources.count == 40)
        #expect(Set(r.desired.resources.keys) == Set(Self.demoKeys).subtracting(Self.held))
        #expect(r.desired.resources.filter { $0.value.ready == .true }.map(\.key).sorted() == Self.readyAtOnce.sorted())
        #expect(r.results.isEmpty)
        #expect(r.conditions.count == 1 && r.conditions[0].target == .composite)
        #expect(r.conditions.first?.reason == "WaitingForExternalSecretsOperator")
        #expect(
            r.conditions.first?.message
                == "Waiting for Release cluster-app-external-secrets to become Ready before composing cluster-app-secret-store, cluster-secret-push-secret."
        )
        #expect(r.desired.composite.connectionDetails.isEmpty)
        try Golden.check("cluster-v2-demo-aws-first-call", r)
    }

    @Test("once ESO and the namespace are Ready: 44 resources, the condition says Composed")
    func demoESOReady() throws {
        let r = try Self.demo.with(ready: ["cluster-app-external-secrets", "cluster-ns-production"]).run()
        #expect(r.desired.resources.count == 44)
        #expect(Set(r.desired.resources.keys) == Set(Self.demoKeys))
        #expect(r.conditions.first?.reason == "Composed")
        try Golden.check("cluster-v2-demo-aws-eso-ready", r)
    }

    @Test("ESO Ready but the namespace not yet: the store and its Usage come, the ExternalSecret and its Usage wait")
    func waitingForNamespace() throws {
        let r = try Self.demo.with(ready: ["cluster-app-external-secrets"]).run()
        #expect(
            r.desired.resources["cluster-app-secret-store"] != nil
                && r.desired.resources["cluster-app-secret-store-usage"] != nil)
        #expect(
            r.desired.resources["cluster-secret-push-secret"] == nil
                && r.desired.resources["cluster-secret-push-secret-usage"] == nil)
        #expect(r.conditions.first?.reason == "WaitingForNamespace")
        #expect(
            r.conditions.first?.message
                == "Waiting for Object cluster-ns-production to become Ready before composing cluster-secret-push-secret."
        )
    }

    @Test("an ExternalSecret that already exists stays, and so does its Usage, even while ESO is not Ready")
    func existingStaysWithItsUsage() throws {
        var f = Self.demo
        f.observed["cluster-secret-push-secret"] = (#"{"metadata":{"name":"cluster-secret-push-secret"}}"#, [:])
        let r = try f.run()
        #expect(
            r.desired.resources["cluster-secret-push-secret"] != nil
                && r.desired.resources["cluster-secret-push-secret-usage"] != nil)
        #expect(
            r.desired.resources["cluster-app-secret-store"] == nil
                && r.desired.resources["cluster-app-secret-store-usage"] == nil)
    }

    @Test("every app, creds, the store and three secrets, per provider", arguments: ["aws", "google", "azure"])
    func full(provider: String) throws {
        var f = Fixture(
            xr: Self.xr(provider: provider, parameters: Claims.fullClusterParameters()),
            input: Claims.input(#""provider":"\#(provider)""#)
        )
        .with(ready: ["cluster-app-external-secrets", "cluster-ns-dev", "cluster-ns-production"])
        if provider == "google" {
            f.observed["cluster-cluster"] = (
                #"{"metadata":{"name":"cluster"},"status":{"atProvider":{"clusterIpv4Cidr":"10.52.0.0/14"},"conditions":[{"type":"Ready","status":"False","reason":"Creating"}]}}"#,
                ["kubeconfig": "gke-kubeconfig"]
            )
        }
        let r = try f.run()
        #expect(r.desired.composite.connectionDetails.isEmpty)
        try Golden.check("cluster-v2-full-\(provider)", r)
    }

    @Test("the google demo without the cluster's CIDR: Cilium's ipv4NativeRoutingCIDR has no value yet")
    func googleFirstCall() throws {
        let f = Fixture(
            xr: Self.xr(provider: "google", parameters: Claims.demoGoogleParameters),
            input: Claims.input(#""provider":"google""#))
        try Golden.check("cluster-v2-demo-google-first-call", try f.run())
    }

    @Test("status: clusterName always; the Ready reasons of the cluster and node pool once observed")
    func status() throws {
        var f = Self.demo
        f.observed["ekscluster"] = (
            #"{"metadata":{"name":"cluster"},"status":{"conditions":[{"type":"Synced","status":"True","reason":"ReconcileSuccess"},{"type":"Ready","status":"True","reason":"Available"}]}}"#,
            [:]
        )
        f.observed["eksnodegroup"] = (
            #"{"metadata":{"name":"cluster"},"status":{"conditions":[{"type":"Ready","status":"False","reason":"Creating"}]}}"#,
            [:]
        )
        f.observed["clusterAuth"] = (#"{"metadata":{"name":"cluster"}}"#, ["kubeconfig": "apiVersion: v1\n"])
        let r = try f.run()
        let status = try Golden.json(r.desired.composite.resource)[path: ["status"]]
        #expect(status == ["clusterName": "cluster", "controlPlaneStatus": "Available", "nodePoolStatus": "Creating"])
        #expect(r.desired.composite.connectionDetails.isEmpty)
    }

    @Test("upstream parameters this function does not render: one Warning each, in order, and nothing else changes")
    func notRendered() throws {
        let parameters =
            #"{"nodeSize":"small","gpu":{"enabled":true},"apps":{"argocd":{"enabled":true},"nvidia":{"enabled":"yes"},"vllm":{"enabled":true},"keda":{"enabled":false},"envoyGateway":{"enabled":true},"prometheus":{"enabled":true}}}"#
        let plain = try Fixture(
            xr: Self.xr(provider: "google", parameters: #"{"nodeSize":"small"}"#),
            input: Claims.input(#""provider":"google""#)
        ).run()
        let r = try Fixture(
            xr: Self.xr(provider: "google", parameters: parameters), input: Claims.input(#""provider":"google""#)
        ).run()
        #expect(
            r.results.map(\.message)
                == ["gpu", "apps.argocd", "apps.vllm", "apps.envoyGateway", "apps.prometheus"].map {
                    "spec.parameters.\($0) is not rendered by function-secrets: compose it in another pipeline step"
                })
        #expect(
            r.results.allSatisfy {
                $0.severity == .warning && $0.reason == "ParameterNotRendered" && $0.target == .composite
            })
        #expect(r.desired.resources == plain.desired.resources)
    }

    @Test("an explicit input still wins over the v2 ESO defaults")
    func explicitInput() throws {
        let f = Fixture(
            xr: Self.xr(parameters: Claims.demoClusterParameters),
            input: Claims.input(
                #""provider":"aws","externalSecrets":{"apiVersion":"external-secrets.io/v1beta1","chartVersion":"0.10.4"}"#
            ))
        let r = try f.with(ready: ["cluster-app-external-secrets", "cluster-ns-production"]).run()
        let store = try Golden.json(r.desired.resources["cluster-app-secret-store"]!.resource)
        #expect(store[path: ["spec", "forProvider", "manifest", "apiVersion"]] == "external-secrets.io/v1beta1")
        let eso = try Golden.json(r.desired.resources["cluster-app-external-secrets"]!.resource)
        #expect(eso[path: ["spec", "forProvider", "chart", "version"]] == "0.10.4")
    }

    @Test("the same demo as a v1 claim still renders exactly as before (v1 goldens unchanged)")
    func v1Unchanged() throws {
        try Golden.check("cluster-demo-aws-first-call", try ClusterClaimGoldenTests.demo.run())
    }
}
