import Compositions
import Foundation
import FunctionSDK
import SwiftProtobuf
import Testing

@Suite("building the response around earlier steps' state")
struct ResponseBuildingTests {
    func resource(_ json: String, ready: FnV1.Ready = .unspecified, details: [String: String] = [:]) throws -> FnV1.Resource {
        var r = FnV1.Resource()
        r.resource = try Google_Protobuf_Struct(jsonString: json)
        r.ready = ready
        r.connectionDetails = details.mapValues { Data($0.utf8) }
        return r
    }

    @Test("foreign keys stay byte for byte; owned keys are replaced whole; held-back keys stay as they came")
    func desiredMerge() throws {
        var earlier = FnV1.RunFunctionRequest()
        earlier.desired.resources["foreign"] = try resource(
            #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#, ready: .true, details: ["a": "b"])
        earlier.desired.resources["helm"] = try resource(
            #"{"apiVersion":"old/v1","kind":"Old"}"#, ready: .false, details: ["stale": "yes"])
        earlier.desired.resources["a-team-cluster-secret-store"] = try resource(
            #"{"apiVersion":"kept/v1","kind":"Kept"}"#, ready: .false)
        earlier.context = try Google_Protobuf_Struct(
            jsonString: #"{"apiextensions.crossplane.io/environment":{"a":1}}"#)
        let f = Fixture(
            xr: Claims.cluster(parameters: Claims.demoClusterParameters), input: Claims.input, desired: earlier)
        let r = try f.run()
        #expect(r.desired.resources["foreign"] == earlier.desired.resources["foreign"])
        let helm = try #require(r.desired.resources["helm"])
        #expect(helm.ready == .true && helm.connectionDetails.isEmpty)
        #expect(try Golden.json(helm.resource)["kind"]?.string == "ProviderConfig")
        // The store is held back (ESO not Ready), so the earlier step's entry is left alone.
        #expect(
            r.desired.resources["a-team-cluster-secret-store"]
                == earlier.desired.resources["a-team-cluster-secret-store"])
        #expect(r.context == earlier.context)
    }

    @Test("status fields and connection details merge into the desired composite; others stay")
    func compositeMerge() throws {
        var earlier = FnV1.RunFunctionRequest()
        earlier.desired.composite = try resource(
            #"{"apiVersion":"devopstoolkitseries.com/v1alpha1","kind":"SQL","status":{"other":"kept","address":"old"}}"#,
            details: ["keep": "me", "password": "old"])
        var f = Fixture(xr: Claims.sql(parameters: Claims.demoSQLParameters), desired: earlier)
        f.observed["rdsinstance"] = (#"{"status":{"atProvider":{"address":"db.example"}}}"#, [:])
        f.observed["sql-secret"] = (#"{}"#, ["password": "new", "port": "5432"])
        let r = try f.run()
        let status = try Golden.json(r.desired.composite.resource)["status"]
        #expect(status == ["other": "kept", "address": "db.example"])
        #expect(
            r.desired.composite.connectionDetails == [
                "keep": Data("me".utf8), "password": Data("new".utf8), "port": Data("5432".utf8),
            ])
    }

    @Test("no desired composite: one is started from the observed XR's identity")
    func compositeSkeleton() throws {
        var f = Fixture(xr: Claims.sql(parameters: Claims.demoSQLParameters))
        f.observed["rdsinstance"] = (#"{"status":{"atProvider":{"address":"db.example"}}}"#, [:])
        let r = try f.run()
        #expect(
            try Golden.json(r.desired.composite.resource) == [
                "apiVersion": "devopstoolkitseries.com/v1alpha1", "kind": "SQL", "metadata": ["name": "my-db-6gwtv"],
                "status": ["address": "db.example"],
            ])
    }

    @Test("nothing to write on the composite: it is not created")
    func noCompositeWhenNothingToWrite() throws {
        let r = try Fixture(xr: Claims.sql(parameters: Claims.demoSQLParameters)).run()
        #expect(!r.desired.hasComposite)
    }

    @Test("an XR of a kind we do not compose: Fatal, with desired, context and tag copied through")
    func unsupportedPassesThrough() throws {
        var earlier = FnV1.RunFunctionRequest()
        earlier.desired.resources["bucket"] = try resource(#"{"apiVersion":"s3/v1","kind":"Bucket"}"#, ready: .true)
        earlier.context = try Google_Protobuf_Struct(jsonString: #"{"k":[1,2]}"#)
        let f = Fixture(
            xr: #"{"apiVersion":"platform.example.org/v1alpha1","kind":"XWebApp","metadata":{"name":"web"}}"#,
            desired: earlier, tag: "t-1")
        let r = try f.run()
        #expect(r.results.count == 1 && r.results[0].reason == "UnsupportedComposite")
        #expect(r.desired == earlier.desired && r.context == earlier.context && r.meta.tag == "t-1")
    }

    @Test("the request's desired bytes for foreign entries are copied verbatim (unknown fields kept)")
    func rawCopy() throws {
        var earlier = FnV1.RunFunctionRequest()
        var foreign = try resource(#"{"apiVersion":"v1","kind":"ConfigMap"}"#)
        try foreign.merge(serializedBytes: [0xf8, 0x06, 0x01] as [UInt8]) // field 111, varint 1
        earlier.desired.resources["foreign"] = foreign
        let r = try Fixture(
            xr: Claims.cluster(parameters: Claims.demoClusterParameters), input: Claims.input, desired: earlier
        ).run()
        #expect(r.desired.resources["foreign"]?.unknownFields.data == Data([0xf8, 0x06, 0x01]))
    }
}
