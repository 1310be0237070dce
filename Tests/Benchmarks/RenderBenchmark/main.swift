import CAllocCounter
import CLinuxShims
import Compositions
import Foundation
import FunctionSDK
import SwiftProtobuf

// In-process render benchmark: the whole RunFunction handler (decode, validate, render, encode)
// on serialized requests, no sockets. Each iteration uses a different spec.id (or, for the v2
// Cluster, metadata.name; 1,000 of them), so nothing could be cached between calls.
//
//   swift run -c release RenderBenchmark [iterations] [case name filter, e.g. pass-through]

let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 10_000 : 10_000
let only = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : ""

func request(kind: String, id: String, parameters: String, observed: [String: String] = [:]) throws -> [UInt8] {
    var r = FnV1.RunFunctionRequest()
    r.meta.tag = "bench"
    r.observed.composite.resource = try Google_Protobuf_Struct(
        jsonString:
            #"{"apiVersion":"devopstoolkitseries.com/v1alpha1","kind":"\#(kind)","metadata":{"name":"\#(id)-x7k2p"},"spec":{"id":"\#(id)","claimRef":{"namespace":"a-team"},"compositionSelector":{"matchLabels":{"provider":"aws"}},"parameters":\#(parameters)}}"#
    )
    for (k, v) in observed {
        var res = FnV1.Resource()
        res.resource = try Google_Protobuf_Struct(jsonString: v)
        r.observed.resources[k] = res
    }
    r.input = try Google_Protobuf_Struct(
        jsonString: #"{"apiVersion":"secrets.fn.crossplane.io/v1beta1","kind":"Input"}"#)
    r.context = Google_Protobuf_Struct()
    return try r.serializedBytes()
}

let clusterParameters =
    #"{"nodeSize":"medium","minNodeCount":3,"namespaces":["dev","production","crossplane-system"],"apps":{"openfunction":{"enabled":true},"externalSecrets":{"enabled":true,"store":true,"awsAccessKeyIDKey":"accessKeyID","awsSecretAccessKeyKey":"secretAccessKey","secrets":[{"fromSecret":"registry-auth","toSecret":"push-secret","toNamespace":"production"}]}},"creds":{"name":"aws-creds","namespace":"crossplane-system","keys":["creds","accessKeyID","secretAccessKey"]}}"#
let sqlParameters =
    #"{"version":"14.10","size":"medium","databases":["my-db"],"secrets":{"storeName":"aws","pullRootPasswordKey":"db-password","pushToStore":true,"pullToCluster":"a-team-cluster","pullToClusterNamespace":"production"}}"#
let ready =
    #"{"metadata":{"name":"x","managedFields":[{"manager":"crossplane","operation":"Apply"}]},"status":{"conditions":[{"type":"Synced","status":"True","reason":"ReconcileSuccess"},{"type":"Ready","status":"True","reason":"Available"}]}}"#
let steadyKeys = [
    "ekscluster", "clusterAuth", "eksnodegroup", "iamrole-controlplane", "iamrole-nodegroup",
    "iamattachment-controlplane",
    "iamattachment-service", "iamattachment-worker", "iamattachment-cni", "iamattachment-registry", "vpc-nodepool",
    "sg-nodepool",
    "securityGroupRule", "subnet-nodepool-1a", "subnet-nodepool-1b", "subnet-nodepool-1c", "gateway", "routeTable",
    "route",
    "mainRouteTableAssociation", "routeTableAssociation1a", "routeTableAssociation1b", "routeTableAssociation1c",
    "addonEbs",
    "helm", "kubernetes", "ID-app-openfunction", "ID-app-external-secrets", "ID-secret-store", "ID-secret-push-secret",
    "ID-ns-dev", "ID-ns-production", "ID-ns-crossplane-system", "ID-creds",
]

/// An XR we do not render, with 24 desired buckets (~9 KB) to validate and echo: bench.py's pass-through request.
func passThroughRequest() throws -> [UInt8] {
    var r = FnV1.RunFunctionRequest()
    r.meta.tag = "bench"
    r.observed.composite.resource = try Google_Protobuf_Struct(
        jsonString: #"{"apiVersion":"platform.example.org/v1alpha1","kind":"XWebApp","metadata":{"name":"web"}}"#)
    for i in 0..<24 {
        var res = FnV1.Resource()
        res.resource = try Google_Protobuf_Struct(
            jsonString:
                #"{"apiVersion":"s3.aws.upbound.io/v1beta1","kind":"Bucket","metadata":{"name":"web-assets-\#(i)","labels":{"team":"web","tier":"static"},"annotations":{"crossplane.io/external-name":"acme-web-assets-\#(i)-eu-west-1"}},"spec":{"forProvider":{"region":"eu-west-1","tags":{"team":"web","cost-center":"cc-1234"}}}}"#
        )
        r.desired.resources["bucket-\(i < 10 ? "0" : "")\(i)"] = res
    }
    r.context = try Google_Protobuf_Struct(
        jsonString: #"{"apiextensions.crossplane.io/environment":{"region":"eu-west-1"}}"#)
    return try r.serializedBytes()
}

struct Case {
    var name: String
    var requests: [[UInt8]]
}

/// The same demos as Crossplane v2 namespaced XRs: metadata.name is the id; the SQL's spec is flat.
func requestV2(kind: String = "Cluster", name: String, parameters: String) throws -> [UInt8] {
    var r = FnV1.RunFunctionRequest()
    r.meta.tag = "bench"
    let group = kind == "SQL" ? "devopstoolkit.live/v1beta1" : "devopstoolkit.ai/v2"
    let fields = kind == "SQL" ? String(parameters.dropFirst().dropLast()) : #""parameters":\#(parameters)"#
    r.observed.composite.resource = try Google_Protobuf_Struct(
        jsonString:
            #"{"apiVersion":"\#(group)","kind":"\#(kind)","metadata":{"name":"\#(name)","namespace":"a-team"},"spec":{"crossplane":{"compositionSelector":{"matchLabels":{"provider":"aws"}}},\#(fields)}}"#
    )
    r.input = try Google_Protobuf_Struct(
        jsonString: #"{"apiVersion":"secrets.fn.crossplane.io/v1beta1","kind":"Input"}"#)
    r.context = Google_Protobuf_Struct()
    return try r.serializedBytes()
}

let ids = (0..<1000).map { "team-\($0)-cluster" }
let cases = try [
    Case(
        name: "ClusterClaim aws, first call",
        requests: ids.map { try request(kind: "CompositeCluster", id: $0, parameters: clusterParameters) }),
    Case(
        name: "v2 Cluster aws, first call", requests: ids.map { try requestV2(name: $0, parameters: clusterParameters) }
    ),
    Case(
        name: "ClusterClaim aws, steady (34 observed)",
        requests: ids.prefix(200).map { id in
            try request(
                kind: "CompositeCluster", id: id, parameters: clusterParameters,
                observed: Dictionary(
                    uniqueKeysWithValues: steadyKeys.map { ($0.replacingOccurrences(of: "ID", with: id), ready) }))
        }),
    Case(name: "pass-through XWebApp (24 desired, validated and echoed)", requests: [passThroughRequest()]),
    Case(
        name: "SQLClaim aws",
        requests: ids.map {
            try request(
                kind: "SQL", id: $0.replacingOccurrences(of: "-cluster", with: "-db"), parameters: sqlParameters)
        }),
    Case(
        name: "v2 SQL aws",
        requests: ids.map {
            try requestV2(
                kind: "SQL", name: $0.replacingOccurrences(of: "-cluster", with: "-db"),
                parameters: sqlParameters.replacingOccurrences(of: "a-team-cluster", with: "cluster"))
        }),
]

let function = SecretsFunction()
print("RenderBenchmark: \(iterations) renders per case, 1,000 distinct spec.id values")
print(
    "case | request bytes | response bytes | median us | p99 us | renders/s (one core) | allocations per render | KiB allocated per render"
)
for c in cases where only.isEmpty || c.name.contains(only) {
    for r in c.requests.prefix(100) { _ = try FunctionRunnerService.call(function, requestBytes: r) } // warm-up
    var times: [UInt64] = []
    times.reserveCapacity(iterations)
    var responseBytes = 0
    let allocationsBefore = cac_allocations()
    let bytesBefore = cac_allocated_bytes()
    let start = cls_now_ns()
    for i in 0..<iterations {
        let req = c.requests[i % c.requests.count]
        let t0 = cls_now_ns()
        let out = try FunctionRunnerService.call(function, requestBytes: req)
        times.append(cls_now_ns() - t0)
        responseBytes = out.count
    }
    let total = Double(cls_now_ns() - start) / 1e9
    let allocations = Double(cac_allocations() - allocationsBefore) / Double(iterations)
    let allocatedKB = Double(cac_allocated_bytes() - bytesBefore) / Double(iterations) / 1024
    times.sort()
    let median = Double(times[times.count / 2]) / 1000
    let p99 = Double(times[times.count * 99 / 100]) / 1000
    print(
        "\(c.name) | \(c.requests[0].count) | \(responseBytes) | \(String(format: "%.1f", median)) | \(String(format: "%.1f", p99)) | \(String(format: "%.0f", Double(iterations) / total)) | \(String(format: "%.0f", allocations)) | \(String(format: "%.0f", allocatedKB))"
    )
}
