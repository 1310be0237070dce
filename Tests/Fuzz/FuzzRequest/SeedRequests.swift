import Foundation
import FunctionSDK
import SwiftProtobuf

// Writes the seed corpus of the request fuzzer (Tests/Fuzz/run.sh): a demo aws ClusterClaim and a
// SQLClaim as Crossplane sends them, and a pass-through XR.
@main
struct SeedRequests {
    static func request(_ composite: String) throws -> [UInt8] {
        var r = FnV1.RunFunctionRequest()
        r.meta.tag = "seed"
        r.observed.composite.resource = try Google_Protobuf_Struct(jsonString: composite)
        r.input = try Google_Protobuf_Struct(
            jsonString: #"{"apiVersion":"secrets.fn.crossplane.io/v1beta1","kind":"Input"}"#)
        return try r.serializedBytes()
    }

    static func main() throws {
        let dir = CommandLine.arguments[1]
        let seeds = [
            "cluster":
                #"{"apiVersion":"devopstoolkitseries.com/v1alpha1","kind":"CompositeCluster","metadata":{"name":"a-team-x7k2p"},"spec":{"id":"a-team","claimRef":{"namespace":"a-team"},"compositionSelector":{"matchLabels":{"provider":"aws"}},"parameters":{"nodeSize":"medium","minNodeCount":3,"namespaces":["dev","production"],"apps":{"openfunction":{"enabled":true},"externalSecrets":{"enabled":true,"store":true,"secrets":[{"fromSecret":"registry-auth","toSecret":"push-secret","toNamespace":"production"}]}},"creds":{"name":"aws-creds","namespace":"crossplane-system","keys":["creds"]}}}}"#,
            "sql":
                #"{"apiVersion":"devopstoolkitseries.com/v1alpha1","kind":"SQL","metadata":{"name":"my-db-x7k2p"},"spec":{"id":"my-db","compositionSelector":{"matchLabels":{"provider":"google"}},"parameters":{"version":"14.10","size":"medium","databases":["a","b"],"secrets":{"storeName":"gcp","pullRootPasswordKey":"db-password","pushToStore":true,"pullToCluster":"c","pullToClusterNamespace":"production"}}}}"#,
            "passthrough":
                #"{"apiVersion":"platform.example.org/v1alpha1","kind":"XWebApp","metadata":{"name":"web"}}"#,
        ]
        for (name, json) in seeds {
            try Data(try request(json)).write(to: URL(fileURLWithPath: "\(dir)/\(name)"))
        }
    }
}
