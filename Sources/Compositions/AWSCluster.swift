import FunctionSDK

/// EKS and its network, IAM roles and add-on (compositions `cluster-aws` and `cluster-aws-v2`). The
/// two modes differ in API groups, in objects where v1 had one-element lists, and in v2 following
/// upstream: no default Kubernetes version, `bootstrapSelfManagedAddons`, a trust policy ending in a
/// newline.
struct AWSCluster {
    let claim: Claim
    static let region = "us-east-1"

    /// The eight-line trust policy, joined by `\n` with no trailing newline (v2 adds one).
    static func assumeRolePolicy(service: String) -> String {
        [
            "{",
            "  \"Version\": \"2012-10-17\",",
            "  \"Statement\": [{",
            "    \"Effect\": \"Allow\",",
            "    \"Principal\": {\"Service\": [\"\(service)\"]},",
            "    \"Action\": [\"sts:AssumeRole\"]",
            "  }]",
            "}",
        ].joined(separator: "\n")
    }

    // Built once: the same two documents on every call.
    static let controlPlaneTrustPolicy = assumeRolePolicy(service: "eks.amazonaws.com")
    static let nodeGroupTrustPolicy = assumeRolePolicy(service: "ec2.amazonaws.com")
    static let controlPlaneTrustPolicyV2 = controlPlaneTrustPolicy + "\n"
    static let nodeGroupTrustPolicyV2 = nodeGroupTrustPolicy + "\n"

    func role(_ r: String) -> Rendered { ["matchControllerRef": true, "matchLabels": ["role": "\(claim.id)-\(r)"]] }

    @ResourcesBuilder
    var resources: [Composed] {
        let id = claim.id
        let p = claim.parameters
        let region: Rendered = .string(Self.region)
        let m = p["minNodeCount"].integer ?? 1
        let v2 = claim.mode == .v2
        let eks = claim.api(.eks), iam = claim.api(.iam), ec2 = claim.api(.ec2)

        ManagedResource(
            key: "ekscluster", apiVersion: eks, kind: "Cluster", name: .string(id),
            forProvider: [
                "region": region,
                "bootstrapSelfManagedAddons": v2 ? true : nil,
                "version": v2 ? p["version"].string.map(Rendered.string) : .string(p["version"].string ?? "1.29"),
                "roleArnSelector": role("controlplane"),
                "vpcConfig": claim.one([
                    "endpointPrivateAccess": true, "endpointPublicAccess": true, "subnetIdSelector": .matchControllerRef,
                ]),
            ])
        ManagedResource(
            key: "clusterAuth", apiVersion: eks, kind: "ClusterAuth", name: .string(id),
            forProvider: ["region": region, "clusterNameSelector": .matchControllerRef],
            spec: ["writeConnectionSecretToRef": claim.connectionSecret("\(id)-cluster")])
        ManagedResource(
            key: "eksnodegroup", apiVersion: eks, kind: "NodeGroup", name: .string(id),
            forProvider: [
                "region": region,
                "clusterNameSelector": .matchControllerRef,
                "instanceTypes": [
                    .string(
                        claim.size(
                            p["nodeSize"].string ?? "", small: "t3.small", medium: "t3.medium", large: "t3.large"))
                ],
                "nodeRoleArnSelector": role("nodegroup"),
                "scalingConfig": claim.one([
                    "minSize": Rendered(m), "desiredSize": Rendered(m), "maxSize": Rendered(max(10, m)),
                ]),
                "subnetIdSelector": .matchControllerRef,
            ])
        for (r, policy) in v2
            ? [("controlplane", Self.controlPlaneTrustPolicyV2), ("nodegroup", Self.nodeGroupTrustPolicyV2)]
            : [("controlplane", Self.controlPlaneTrustPolicy), ("nodegroup", Self.nodeGroupTrustPolicy)]
        {
            ManagedResource(
                key: "iamrole-\(r)", apiVersion: iam, kind: "Role", name: "\(id)-\(r)",
                labels: ["role": "\(id)-\(r)"],
                forProvider: ["assumeRolePolicy": .string(policy)])
        }
        for (name, policy, r) in [
            ("controlplane", "AmazonEKSClusterPolicy", "controlplane"),
            ("service", "AmazonEKSServicePolicy", "controlplane"),
            ("worker", "AmazonEKSWorkerNodePolicy", "nodegroup"), ("cni", "AmazonEKS_CNI_Policy", "nodegroup"),
            ("registry", "AmazonEC2ContainerRegistryReadOnly", "nodegroup"),
        ] {
            ManagedResource(
                key: "iamattachment-\(name)", apiVersion: iam, kind: "RolePolicyAttachment", name: "\(id)-\(name)",
                forProvider: ["policyArn": "arn:aws:iam::aws:policy/\(policy)", "roleSelector": role(r)])
        }
        ManagedResource(
            key: "vpc-nodepool", apiVersion: ec2, kind: "VPC", name: .string(id),
            forProvider: ["region": region, "cidrBlock": "10.0.0.0/16", "enableDnsSupport": true])
        ManagedResource(
            key: "sg-nodepool", apiVersion: ec2, kind: "SecurityGroup", name: .string(id),
            forProvider: [
                "region": region, "name": .string(id), "description": "Cluster communication with worker nodes",
                "vpcIdSelector": .matchControllerRef,
            ])
        ManagedResource(
            key: "securityGroupRule", apiVersion: ec2, kind: "SecurityGroupRule", name: .string(id),
            forProvider: [
                "region": region, "type": "egress", "fromPort": 0, "toPort": 0, "protocol": "-1",
                "cidrBlocks": ["0.0.0.0/0"],
                "description": "I am too lazy to write descriptions", "securityGroupIdSelector": .matchControllerRef,
            ])
        for (i, suffix) in ["1a", "1b", "1c"].enumerated() {
            let zone = "us-east-\(suffix)"
            ManagedResource(
                key: "subnet-nodepool-\(suffix)", apiVersion: ec2, kind: "Subnet", name: "\(id)-\(suffix)",
                labels: ["access": "public", "zone": .string(zone)],
                forProvider: [
                    "region": region, "availabilityZone": .string(zone), "cidrBlock": "10.0.\(i).0/24",
                    "mapPublicIpOnLaunch": true, "tags": ["kubernetes.io/role/elb": "1"],
                    "vpcIdSelector": .matchControllerRef,
                ])
        }
        AWSNetwork.routing(ec2: ec2, id: id, region: Self.region, zones: ["us-east-1a", "us-east-1b", "us-east-1c"]) {
            ["access": "public", "zone": .string($0)]
        }
        ManagedResource(
            key: "addonEbs", apiVersion: eks, kind: "Addon", name: "\(id)-ebs",
            forProvider: [
                "region": region, "addonName": "aws-ebs-csi-driver", "clusterNameSelector": .matchControllerRef,
            ])
    }
}
