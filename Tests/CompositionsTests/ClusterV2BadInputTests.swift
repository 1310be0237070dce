import Compositions
import Foundation
import FunctionSDK
import SwiftProtobuf
import Testing

/// The demo v2 Cluster with no input provider: the provider comes from its composition selector.
let clusterV2XR = ClusterV2GoldenTests.xr(parameters: Claims.demoClusterParameters)
let V2 = #"Cluster "cluster": "#

/// Bad v2 Cluster input, each named by what it checks: one Fatal result about the composite alone
/// (a v2 XR has no claim), and the request's desired state and context passed back untouched.
let badV2Inputs: [BadInput] = [
    BadInput(
        name: "a v2 Cluster without metadata.namespace is refused",
        xr: ClusterV2GoldenTests.xr(namespace: nil, parameters: Claims.demoClusterParameters),
        message: V2 + "metadata.namespace is required", reason: "UnsupportedComposite", target: .composite),
    BadInput(
        name: "no input provider and no selector label: the v2 selector path is named",
        xr: edit(clusterV2XR, [("spec.crossplane", nil)]),
        message: V2
            + "cannot determine the provider: the function input sets no provider and spec.crossplane.compositionSelector.matchLabels.provider is not set",
        target: .composite),
    BadInput(
        name: "a selector label that is no provider",
        xr: edit(clusterV2XR, [("spec.crossplane.compositionSelector.matchLabels.provider", "civo")]),
        message: V2
            + #"spec.crossplane.compositionSelector.matchLabels.provider must be one of aws, google, azure, got "civo""#,
        target: .composite),
    BadInput(
        name: "an empty metadata.name",
        xr: edit(clusterV2XR, [("metadata.name", "")]),
        message: #"Cluster "": metadata.name is required"#, target: .composite),
    BadInput(
        name: "metadata.name that is not a DNS label",
        xr: edit(clusterV2XR, [("metadata.name", "a.team")]),
        message:
            #"Cluster "a.team": metadata.name must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got "a.team""#,
        target: .composite),
    BadInput(
        name: "nodeSize outside small, medium, large",
        xr: edit(clusterV2XR, [("spec.parameters.nodeSize", "huge")]),
        message: V2 + #"spec.parameters.nodeSize must be one of small, medium, large, got "huge""#, target: .composite),
    BadInput(
        name: "the aws store without creds",
        xr: edit(clusterV2XR, [("spec.parameters.creds", nil)]),
        message: V2 + "spec.parameters.creds is required when the ClusterSecretStore uses the aws backend",
        target: .composite),
    BadInput(
        name: "no spec.parameters",
        xr: edit(clusterV2XR, [("spec.parameters", nil)]),
        message: V2 + "spec.parameters is required", target: .composite),
    BadInput(
        name: "an ExternalSecret whose key is another one's Usage key",
        xr: edit(
            clusterV2XR,
            [
                (
                    "spec.parameters.apps.externalSecrets.secrets",
                    [
                        ["fromSecret": "a", "toSecret": "x", "toNamespace": "dev"],
                        ["fromSecret": "b", "toSecret": "x-usage", "toNamespace": "dev"],
                    ]
                )
            ]),
        message: V2
            + #"composed resource name "cluster-secret-x-usage" is produced by both spec.parameters.apps.externalSecrets.secrets[1].toSecret and the Usage of spec.parameters.apps.externalSecrets.secrets[0].toSecret"#,
        reason: "ResourceNameCollision", target: .composite),
    BadInput(
        name: "a kind of another version of the API",
        xr: edit(clusterV2XR, [("apiVersion", "devopstoolkit.ai/v1")]),
        message:
            #"unsupported composite resource devopstoolkit.ai/v1 Cluster "cluster": this function composes devopstoolkitseries.com/v1alpha1 CompositeCluster and SQL, devopstoolkit.ai/v2 Cluster and devopstoolkit.live/v1beta1 SQL"#,
        reason: "UnsupportedComposite", target: .composite),
]

@Suite("v2 Cluster bad input: one Fatal result naming the field and the value, nothing else changed")
struct ClusterV2BadInputTests {
    @Test(arguments: badV2Inputs)
    func rejected(_ c: BadInput) throws {
        try BadInputTests().refused(c)
    }

    @Test("an absent or empty nodeSize is small, not a problem")
    func nodeSizeDefault() throws {
        for xr in [
            edit(clusterV2XR, [("spec.parameters.nodeSize", nil)]),
            edit(clusterV2XR, [("spec.parameters.nodeSize", "")]),
        ] {
            let r = try Fixture(xr: xr).run()
            #expect(r.results.isEmpty)
            let group = try Golden.json(r.desired.resources["eksnodegroup"]!.resource)
            #expect(group[path: ["spec", "forProvider", "instanceTypes"]] == ["t3.small"])
        }
    }

    @Test("spec.id is neither read nor checked in v2 mode; a problem in a not-rendered parameter is not checked either")
    func ignoredFields() throws {
        let xr = edit(
            clusterV2XR,
            [("spec.id", "Not_A_Label"), ("spec.parameters.gpu", ["enabled": "maybe", "nodeSize": "huge"])])
        let r = try Fixture(xr: xr).run()
        #expect(r.results.isEmpty)
        #expect(r.desired.resources["ekscluster"] != nil)
    }
}
