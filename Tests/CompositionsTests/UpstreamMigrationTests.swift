import Compositions
import Foundation
import FunctionSDK
import SwiftProtobuf
import Testing

/// An XR that moves from upstream's dot-kubernetes v2 pipeline to function-secrets must keep every
/// composed resource: Crossplane matches composed resources by key, so a changed key deletes and
/// recreates (a whole EKS cluster, say). The XRs below are upstream's end-to-end test clusters, and
/// the expectations are the resources upstream's own assertions list for them: every apiVersion,
/// kind and name, and the key wherever the assertion names one.
@Suite("moving from upstream's v2 pipeline keeps every composed resource")
struct UpstreamMigrationTests {
    struct Expected {
        var apiVersion: String
        var kind: String
        var name: String
        var key: String?
    }

    static func ref(_ apiVersion: String, _ kind: String, _ name: String, key: String? = nil) -> Expected {
        Expected(apiVersion: apiVersion, kind: kind, name: name, key: key)
    }

    static let ec2 = "ec2.aws.m.upbound.io/v1beta1", eks = "eks.aws.m.upbound.io/v1beta1",
        iam = "iam.aws.m.upbound.io/v1beta1"
    static let helm = "helm.m.crossplane.io/v1beta1", k8s = "kubernetes.m.crossplane.io/v1alpha1",
        usage = "protection.crossplane.io/v1beta1"

    /// Upstream's aws test cluster (version 1.30, medium, 3 nodes) and the 33 resources asserted for it.
    static let aws: (parameters: String, expected: [Expected]) = (
        #"{"version":"1.30","nodeSize":"medium","minNodeCount":3}"#,
        [
            ref(ec2, "InternetGateway", "a-team-eks", key: "gateway"),
            ref(ec2, "MainRouteTableAssociation", "a-team-eks", key: "mainRouteTableAssociation"),
            ref(ec2, "RouteTableAssociation", "a-team-eks-1a", key: "routeTableAssociation1a"),
            ref(ec2, "RouteTableAssociation", "a-team-eks-1b", key: "routeTableAssociation1b"),
            ref(ec2, "RouteTableAssociation", "a-team-eks-1c", key: "routeTableAssociation1c"),
            ref(ec2, "RouteTable", "a-team-eks", key: "routeTable"),
            ref(ec2, "Route", "a-team-eks", key: "route"),
            ref(ec2, "SecurityGroupRule", "a-team-eks", key: "securityGroupRule"),
            ref(ec2, "SecurityGroup", "a-team-eks", key: "sg-nodepool"),
            ref(ec2, "Subnet", "a-team-eks-1a", key: "subnet-nodepool-1a"),
            ref(ec2, "Subnet", "a-team-eks-1b", key: "subnet-nodepool-1b"),
            ref(ec2, "Subnet", "a-team-eks-1c", key: "subnet-nodepool-1c"),
            ref(ec2, "VPC", "a-team-eks", key: "vpc-nodepool"),
            ref(eks, "Addon", "a-team-eks-ebs", key: "addonEbs"),
            ref(eks, "ClusterAuth", "a-team-eks", key: "clusterAuth"),
            ref(eks, "Cluster", "a-team-eks", key: "ekscluster"),
            ref(eks, "NodeGroup", "a-team-eks", key: "eksnodegroup"),
            ref(helm, "ProviderConfig", "a-team-eks"),
            ref(helm, "ProviderConfig", "a-team-eks-local"),
            ref(iam, "RolePolicyAttachment", "a-team-eks-cni", key: "iamattachment-cni"),
            ref(iam, "RolePolicyAttachment", "a-team-eks-controlplane", key: "iamattachment-controlplane"),
            ref(iam, "RolePolicyAttachment", "a-team-eks-registry", key: "iamattachment-registry"),
            ref(iam, "RolePolicyAttachment", "a-team-eks-service", key: "iamattachment-service"),
            ref(iam, "RolePolicyAttachment", "a-team-eks-worker", key: "iamattachment-worker"),
            ref(iam, "Role", "a-team-eks-controlplane", key: "iamrole-controlplane"),
            ref(iam, "Role", "a-team-eks-nodegroup", key: "iamrole-nodegroup"),
            ref(k8s, "Object", "a-team-eks-ns-dev", key: "a-team-eks-ns-dev"),
            ref(k8s, "Object", "a-team-eks-ns-production", key: "a-team-eks-ns-production"),
            ref(k8s, "ProviderConfig", "a-team-eks"),
            ref(usage, "Usage", "a-team-eks-cluster-auth-helm-usage", key: "a-team-eks-cluster-auth-helm-usage"),
            ref(
                usage, "Usage", "a-team-eks-cluster-auth-kubernetes-usage",
                key: "a-team-eks-cluster-auth-kubernetes-usage"),
            ref(usage, "Usage", "a-team-eks-cluster-helm-usage", key: "a-team-eks-cluster-helm-usage"),
            ref(usage, "Usage", "a-team-eks-cluster-kubernetes-usage", key: "a-team-eks-cluster-kubernetes-usage"),
        ]
    )

    /// Upstream's google test cluster (version 1.20.1, medium, 1 node, dev and production).
    static let google: (parameters: String, expected: [Expected]) = (
        #"{"version":"1.20.1","nodeSize":"medium","minNodeCount":1,"namespaces":["dev","production"]}"#,
        [
            ref("container.gcp.m.upbound.io/v1beta1", "Cluster", "a-team-gke"),
            ref("container.gcp.m.upbound.io/v1beta1", "NodePool", "a-team-gke"),
            ref(helm, "ProviderConfig", "a-team-gke"),
            ref(helm, "ProviderConfig", "a-team-gke-local"),
            ref(helm, "Release", "a-team-gke-cilium"),
            ref(k8s, "Object", "a-team-gke-ns-dev"),
            ref(k8s, "Object", "a-team-gke-ns-production"),
            ref(k8s, "ProviderConfig", "a-team-gke"),
            ref(usage, "Usage", "a-team-gke-cilium-usage"),
            ref(usage, "Usage", "a-team-gke-cluster-helm-usage", key: "a-team-gke-cluster-helm-usage"),
            ref(usage, "Usage", "a-team-gke-cluster-kubernetes-usage", key: "a-team-gke-cluster-kubernetes-usage"),
        ]
    )

    /// Upstream's azure test cluster (version 1.26.6, medium, 1 node).
    static let azure: (parameters: String, expected: [Expected]) = (
        #"{"version":"1.26.6","nodeSize":"medium","minNodeCount":1}"#,
        [
            ref("azure.m.upbound.io/v1beta1", "ResourceGroup", "a-team-aks", key: "a-team-aks-resource-group"),
            ref(
                "containerservice.azure.m.upbound.io/v1beta1", "KubernetesCluster", "a-team-aks",
                key: "a-team-aks-cluster"),
            ref(helm, "ProviderConfig", "a-team-aks"),
            ref(helm, "ProviderConfig", "a-team-aks-local"),
            ref(helm, "Release", "a-team-aks-cilium"),
            ref(k8s, "Object", "a-team-aks-ns-dev"),
            ref(k8s, "Object", "a-team-aks-ns-production"),
            ref(k8s, "ProviderConfig", "a-team-aks"),
            ref(usage, "Usage", "a-team-aks-cilium-usage"),
            ref(usage, "Usage", "a-team-aks-cluster-helm-usage"),
            ref(usage, "Usage", "a-team-aks-cluster-kubernetes-usage"),
        ]
    )

    @Test(
        "the same apiVersions, kinds, names and keys as upstream composes",
        arguments: [
            ("aws", "a-team-eks"), ("google", "a-team-gke"), ("azure", "a-team-aks"),
        ])
    func sameResources(provider: String, name: String) throws {
        let (parameters, expected) = provider == "aws" ? Self.aws : provider == "google" ? Self.google : Self.azure
        let xr = ClusterV2GoldenTests.xr(name: name, provider: provider, parameters: parameters)
        let r = try Fixture(xr: xr).run()
        #expect(r.results.isEmpty, Comment(rawValue: r.results.map(\.message).joined()))
        var ours: [String: String] = [:] // "apiVersion kind name" -> key
        for (key, resource) in r.desired.resources {
            let o = try Golden.json(resource.resource)
            let id = [
                o[path: ["apiVersion"]]?.string, o[path: ["kind"]]?.string, o[path: ["metadata", "name"]]?.string,
            ]
            .map { $0 ?? "?" }.joined(separator: " ")
            ours[id] = key
        }
        let theirs = expected.map { "\($0.apiVersion) \($0.kind) \($0.name)" }
        #expect(
            Set(ours.keys) == Set(theirs),
            "ours only: \(Set(ours.keys).subtracting(theirs).sorted()); upstream only: \(Set(theirs).subtracting(ours.keys).sorted())"
        )
        for e in expected {
            guard let key = e.key else { continue }
            #expect(ours["\(e.apiVersion) \(e.kind) \(e.name)"] == key, "\(e.kind) \(e.name)")
        }
    }
}
