import FunctionSDK

/// EKS and its network, IAM roles and add-on (§6.6, composition `cluster-aws`).
struct AWSCluster {
    let claim: Claim
    static let region = "us-east-1"
    static let eks = "eks.aws.upbound.io/v1beta1"
    static let iam = "iam.aws.upbound.io/v1beta1"

    /// The eight-line trust policy of §6.6, joined by `\n` with no trailing newline.
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

    func role(_ r: String) -> Rendered { ["matchControllerRef": true, "matchLabels": ["role": "\(claim.id)-\(r)"]] }

    @ResourcesBuilder
    var resources: [Composed] {
        let id = claim.id
        let p = claim.parameters
        let region: Rendered = .string(Self.region)
        let m = p["minNodeCount"].integer ?? 1

        ManagedResource(key: "ekscluster", apiVersion: Self.eks, kind: "Cluster", name: .string(id), forProvider: [
            "region": region,
            "version": .string(p["version"].string ?? "1.29"),
            "roleArnSelector": role("controlplane"),
            "vpcConfig": [["endpointPrivateAccess": true, "endpointPublicAccess": true, "subnetIdSelector": matchControllerRef]],
        ])
        ManagedResource(key: "clusterAuth", apiVersion: Self.eks, kind: "ClusterAuth", name: .string(id),
                        forProvider: ["region": region, "clusterNameSelector": matchControllerRef],
                        spec: ["writeConnectionSecretToRef": ["name": "\(id)-cluster", "namespace": .string(claim.namespace)]])
        ManagedResource(key: "eksnodegroup", apiVersion: Self.eks, kind: "NodeGroup", name: .string(id), forProvider: [
            "region": region,
            "clusterNameSelector": matchControllerRef,
            "instanceTypes": [.string(claim.size(p["nodeSize"].string ?? "", small: "t3.small", medium: "t3.medium", large: "t3.large"))],
            "nodeRoleArnSelector": role("nodegroup"),
            "scalingConfig": [["minSize": Rendered(m), "desiredSize": Rendered(m), "maxSize": Rendered(max(10, m))]],
            "subnetIdSelector": matchControllerRef,
        ])
        for (r, policy) in [("controlplane", Self.controlPlaneTrustPolicy), ("nodegroup", Self.nodeGroupTrustPolicy)] {
            ManagedResource(key: "iamrole-\(r)", apiVersion: Self.iam, kind: "Role", name: "\(id)-\(r)",
                            labels: ["role": "\(id)-\(r)"],
                            forProvider: ["assumeRolePolicy": .string(policy)])
        }
        for (name, policy, r) in [
            ("controlplane", "AmazonEKSClusterPolicy", "controlplane"), ("service", "AmazonEKSServicePolicy", "controlplane"),
            ("worker", "AmazonEKSWorkerNodePolicy", "nodegroup"), ("cni", "AmazonEKS_CNI_Policy", "nodegroup"),
            ("registry", "AmazonEC2ContainerRegistryReadOnly", "nodegroup"),
        ] {
            ManagedResource(key: "iamattachment-\(name)", apiVersion: Self.iam, kind: "RolePolicyAttachment", name: "\(id)-\(name)",
                            forProvider: ["policyArn": "arn:aws:iam::aws:policy/\(policy)", "roleSelector": role(r)])
        }
        ManagedResource(key: "vpc-nodepool", apiVersion: AWSNetwork.ec2, kind: "VPC", name: .string(id),
                        forProvider: ["region": region, "cidrBlock": "10.0.0.0/16", "enableDnsSupport": true])
        ManagedResource(key: "sg-nodepool", apiVersion: AWSNetwork.ec2, kind: "SecurityGroup", name: .string(id), forProvider: [
            "region": region, "name": .string(id), "description": "Cluster communication with worker nodes", "vpcIdSelector": matchControllerRef,
        ])
        ManagedResource(key: "securityGroupRule", apiVersion: AWSNetwork.ec2, kind: "SecurityGroupRule", name: .string(id), forProvider: [
            "region": region, "type": "egress", "fromPort": 0, "toPort": 0, "protocol": "-1", "cidrBlocks": ["0.0.0.0/0"],
            "description": "I am too lazy to write descriptions", "securityGroupIdSelector": matchControllerRef,
        ])
        for (i, suffix) in ["1a", "1b", "1c"].enumerated() {
            let zone = "us-east-\(suffix)"
            ManagedResource(key: "subnet-nodepool-\(suffix)", apiVersion: AWSNetwork.ec2, kind: "Subnet", name: "\(id)-\(suffix)",
                            labels: ["access": "public", "zone": .string(zone)],
                            forProvider: ["region": region, "availabilityZone": .string(zone), "cidrBlock": "10.0.\(i).0/24",
                                          "mapPublicIpOnLaunch": true, "tags": ["kubernetes.io/role/elb": "1"], "vpcIdSelector": matchControllerRef])
        }
        AWSNetwork.routing(id: id, region: Self.region, zones: ["us-east-1a", "us-east-1b", "us-east-1c"]) {
            ["access": "public", "zone": .string($0)]
        }
        ManagedResource(key: "addonEbs", apiVersion: Self.eks, kind: "Addon", name: "\(id)-ebs",
                        forProvider: ["region": region, "addonName": "aws-ebs-csi-driver", "clusterNameSelector": matchControllerRef])
    }
}
