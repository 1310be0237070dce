import Foundation
import FunctionSDK
import SwiftProtobuf
import Testing

/// The typed request and the response builder, as a function author calls them.
@Suite("FunctionRequest and FunctionResponse")
struct FunctionRequestResponseTests {
    static func structValue(_ json: String) throws -> Google_Protobuf_Struct {
        try Google_Protobuf_Struct(jsonString: json)
    }

    /// Answers with what `body` does to a response started from the request.
    struct Builds: CompositionFunction {
        let body: @Sendable (FunctionRequest, inout FunctionResponse) throws -> Void
        func run(_ request: FunctionRequest) throws -> FunctionResponse {
            var response = FunctionResponse.to(request)
            try body(request, &response)
            return response
        }
    }

    struct Input: Decodable {
        struct App: Decodable { var name: String }
        var greeting: String
        var replicas: Int?
        var apps: [App] = []
    }

    @Test(
        "input(as:) decodes into a Decodable, and a mismatch names the field",
        arguments: [
            (#"{"greeting":"hi","replicas":2,"apps":[{"name":"a"}]}"#, nil),
            (#"{"replicas":2,"apps":[]}"#, "greeting is required"),
            (#"{"greeting":"hi","replicas":"two","apps":[]}"#, "replicas must be an integer"),
            (#"{"greeting":"hi","apps":[{"name":"a"},{"name":3}]}"#, "apps[1].name must be a string"),
            (#"{"greeting":null,"apps":[]}"#, "greeting must be a string, got null"),
        ])
    func decodableInput(_ json: String, _ problem: String?) throws {
        var m = FnV1.RunFunctionRequest()
        m.input = try Self.structValue(json)
        let request = try FunctionRequest(m)
        if let problem {
            #expect(throws: InputError.self) { try request.input(as: Input.self) }
            do { _ = try request.input(as: Input.self) } catch let e as InputError { #expect(e.description == problem) }
        } else {
            let input = try #require(try request.input(as: Input.self))
            #expect(input.greeting == "hi" && input.replicas == 2 && input.apps.map(\.name) == ["a"])
        }
        #expect(try FunctionRequest(FnV1.RunFunctionRequest()).input(as: Input.self) == nil)
    }

    @Test("context, required resources (both fields), credentials and capabilities are read as sent")
    func requestParts() throws {
        var m = FnV1.RunFunctionRequest()
        m.meta.tag = "t"
        m.meta.capabilities = [.capabilities, .requiredResources, .conditions]
        m.context = try Self.structValue(#"{"apiextensions.crossplane.io/environment":{"region":"eu"}}"#)
        var db = FnV1.Resource()
        db.resource = try Self.structValue(#"{"kind":"Secret","metadata":{"name":"db"}}"#)
        db.connectionDetails = ["password": Data("s3cret".utf8)]
        var dbs = FnV1.Resources()
        dbs.items = [db]
        m.requiredResources["db"] = dbs
        var old = FnV1.Resources()
        old.items = [db, db]
        m.extraResources["old"] = old
        var creds = FnV1.Credentials()
        creds.credentialData.data = ["token": Data([0, 1, 2])]
        m.credentials["aws"] = creds
        var earlier = FnV1.Resource()
        earlier.resource = try Self.structValue(#"{"kind":"Bucket"}"#)
        m.desired.resources["bucket"] = earlier
        let request = try FunctionRequest(m)

        #expect(try request.tag() == "t")
        #expect(try request.capabilities() == [.capabilities, .requiredResources, .conditions])
        #expect(try request.context()?["apiextensions.crossplane.io/environment"]?["region"] == "eu")
        let required = try request.requiredResources()
        #expect(required["db"]?.count == 1 && required["old"]?.count == 2)
        #expect(required["db"]?.first?[path: "metadata", "name"] == "db")
        #expect(required["db"]?.first?.connectionDetails["password"] == Array("s3cret".utf8))
        #expect(try request.credentials() == ["aws": ["token": [0, 1, 2]]])
        #expect(try request.desiredResources()["bucket"]?[path: "kind"] == "Bucket")
        #expect(try request.observedComposite() == nil)
    }

    @Test("results, conditions (a later one of a type replaces it), context keys, requirements and no TTL")
    func responseParts() throws {
        var m = FnV1.RunFunctionRequest()
        m.context = try Self.structValue(#"{"kept":1,"changed":"old"}"#)
        let f = Builds { _, r in
            r.ttl = nil
            r.warning("careful", reason: "Careful", target: .compositeAndClaim)
            r.normal("fine")
            r.setCondition("Synced", status: .conditionFalse, reason: "Waiting")
            r.setCondition("Synced", status: .conditionTrue, reason: "Done", message: "all good", target: .composite)
            r.setContext("changed", "new")
            r.setContext("added", ["a": 1])
            r.require("db", apiVersion: "v1", kind: "Secret", matchName: "db", namespace: "apps")
            r.require("all", apiVersion: "v1", kind: "ConfigMap", matchLabels: ["app": "x"])
        }
        let out = try FunctionRunnerService.call(f, m)
        #expect(!out.meta.hasTtl)
        #expect(out.results.map(\.severity) == [.warning, .normal])
        #expect(out.results.first?.target == .compositeAndClaim && out.results.first?.reason == "Careful")
        #expect(!out.results[1].hasReason && !out.results[1].hasTarget)
        #expect(out.conditions.count == 1)
        #expect(out.conditions.first?.status == .conditionTrue && out.conditions.first?.message == "all good")
        let context = out.context.fields
        #expect(context["kept"]?.numberValue == 1 && context["changed"]?.stringValue == "new")
        #expect(context["added"]?.structValue.fields["a"]?.numberValue == 1)
        #expect(out.requirements.resources["db"]?.matchName == "db")
        #expect(out.requirements.resources["db"]?.namespace == "apps")
        #expect(out.requirements.resources["all"]?.matchLabels.labels == ["app": "x"])
    }

    @Test("composite status and connection details start a desired composite from the observed one's identity")
    func compositeParts() throws {
        var m = FnV1.RunFunctionRequest()
        m.observed.composite.resource = try Self.structValue(
            #"{"apiVersion":"example.org/v1","kind":"XApp","metadata":{"name":"app","namespace":"team"},"spec":{"x":1}}"#)
        let f = Builds { _, r in
            r.setCompositeStatus("url", "https://app")
            r.setConnectionDetail("password", Array("pw".utf8))
            r.compose("config", ["apiVersion": "v1", "kind": "ConfigMap"], ready: .true)
        }
        let out = try FunctionRunnerService.call(f, m)
        let xr = out.desired.composite.resource.fields
        #expect(xr["apiVersion"]?.stringValue == "example.org/v1" && xr["kind"]?.stringValue == "XApp")
        #expect(xr["metadata"]?.structValue.fields["namespace"]?.stringValue == "team")
        #expect(xr["spec"] == nil)
        #expect(xr["status"]?.structValue.fields["url"]?.stringValue == "https://app")
        #expect(out.desired.composite.connectionDetails["password"] == Data("pw".utf8))
        #expect(out.desired.resources["config"]?.ready == .true)
        #expect(out.meta.ttl.seconds == 60)
    }

    @Test("a gated resource waits for its gate's observed resource to be Ready, and stays once composed")
    func gates() throws {
        func composed(observed: [String: String]) throws -> Set<String> {
            var m = FnV1.RunFunctionRequest()
            for (key, status) in observed {
                var r = FnV1.Resource()
                r.resource = try Self.structValue(#"{"status":{"conditions":[{"type":"Ready","status":"\#(status)"}]}}"#)
                m.observed.resources[key] = r
            }
            let f = Builds { request, r in
                let observed = try request.observedResources()
                let resources: [Composed] = [
                    Composed(key: "db", object: ["kind": "Database"]),
                    Composed(key: "schema", object: ["kind": "Schema"]).gated(by: Gates(Gate(key: "db"))),
                ]
                for c in resources where c.firstUnmetGate(observed: observed) == nil { r.compose(c) }
            }
            return Set(try FunctionRunnerService.call(f, m).desired.resources.keys)
        }
        #expect(try composed(observed: [:]) == ["db"])
        #expect(try composed(observed: ["db": "False"]) == ["db"])
        #expect(try composed(observed: ["db": "True"]) == ["db", "schema"])
        #expect(try composed(observed: ["db": "False", "schema": "True"]) == ["db", "schema"])
    }
}
