import FunctionSDK

/// The VPC routing both AWS compositions share: internet gateway, route table, default route, main
/// route table association and one association per subnet zone.
enum AWSNetwork {
    /// `subnetLabels(zone)` gives the labels a route table association selects its subnet by; `ec2`
    /// is the API version of the mode.
    @ResourcesBuilder
    static func routing(ec2: String, id: String, region: String, zones: [String], subnetLabels: (String) -> Rendered)
        -> [Composed]
    {
        ManagedResource(
            key: "gateway", apiVersion: ec2, kind: "InternetGateway", name: .string(id),
            forProvider: ["region": .string(region), "vpcIdSelector": .matchControllerRef])
        ManagedResource(
            key: "routeTable", apiVersion: ec2, kind: "RouteTable", name: .string(id),
            forProvider: ["region": .string(region), "vpcIdSelector": .matchControllerRef])
        ManagedResource(
            key: "route", apiVersion: ec2, kind: "Route", name: .string(id),
            forProvider: [
                "region": .string(region), "destinationCidrBlock": "0.0.0.0/0",
                "gatewayIdSelector": .matchControllerRef, "routeTableIdSelector": .matchControllerRef,
            ])
        ManagedResource(
            key: "mainRouteTableAssociation", apiVersion: ec2, kind: "MainRouteTableAssociation", name: .string(id),
            forProvider: [
                "region": .string(region), "routeTableIdSelector": .matchControllerRef,
                "vpcIdSelector": .matchControllerRef,
            ])
        for suffix in ["1a", "1b", "1c"] {
            ManagedResource(
                key: "routeTableAssociation\(suffix)", apiVersion: ec2, kind: "RouteTableAssociation",
                name: "\(id)-\(suffix)",
                forProvider: [
                    "region": .string(region), "routeTableIdSelector": .matchControllerRef,
                    "subnetIdSelector": [
                        "matchControllerRef": true, "matchLabels": subnetLabels(zones[Int(suffix.utf8.last! - 0x61)]),
                    ],
                ])
        }
    }
}
