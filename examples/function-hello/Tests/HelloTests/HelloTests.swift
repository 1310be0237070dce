import FunctionSDK
import Hello
import SwiftProtobuf
import Testing

@Suite("hello")
struct HelloTests {
    static func request(who: String?, input: String? = #"{"greeting":"Hi","replicas":2}"#, readyGreeting: Bool = false)
        throws -> FnV1.RunFunctionRequest
    {
        var r = FnV1.RunFunctionRequest()
        r.meta.tag = "hello"
        let spec = who.map { #"{"who":"\#($0)"}"# } ?? "{}"
        r.observed.composite.resource = try Google_Protobuf_Struct(
            jsonString: #"{"apiVersion":"example.org/v1","kind":"XHello","metadata":{"name":"hi"},"spec":\#(spec)}"#)
        if let input { r.input = try Google_Protobuf_Struct(jsonString: input) }
        if readyGreeting {
            var observed = FnV1.Resource()
            observed.resource = try Google_Protobuf_Struct(
                jsonString: #"{"status":{"conditions":[{"type":"Ready","status":"True"}]}}"#)
            r.observed.resources["greeting"] = observed
        }
        return r
    }

    @Test("composes the ConfigMap Object and the Release, with a condition, a result and the status")
    func composes() throws {
        let r = try FunctionRunnerService.call(Hello(), try Self.request(who: "world"))
        #expect(r.meta.tag == "hello")
        #expect(r.meta.ttl.seconds == 30)
        #expect(Set(r.desired.resources.keys) == ["greeting", "web"])
        let greeting = try #require(r.desired.resources["greeting"]).resource
        #expect(greeting["apiVersion"]?.stringValue == "kubernetes.crossplane.io/v1alpha2")
        let manifest = greeting["spec"]?.structValue["forProvider"]?.structValue["manifest"]?.structValue
        #expect(manifest?["data"]?.structValue["message"]?.stringValue == "Hi, world!")
        let web = try #require(r.desired.resources["web"]).resource
        #expect(web["spec"]?.structValue["forProvider"]?.structValue["values"]?.structValue["replicas"]?.numberValue == 2)
        #expect(r.desired.composite.resource["status"]?.structValue["greeting"]?.stringValue == "Hi, world!")
        #expect(r.conditions.map(\.type) == ["Greeted"])
        #expect(r.conditions.first?.status == .conditionFalse)
        #expect(r.results.map(\.message) == ["said hi to world"])
    }

    @Test("the greeting is Ready once its Object is observed Ready, and the condition turns True")
    func ready() throws {
        let r = try FunctionRunnerService.call(Hello(), try Self.request(who: "world", readyGreeting: true))
        #expect(r.desired.resources["greeting"]?.ready == .true)
        #expect(r.desired.resources["web"]?.ready == .false)
        #expect(r.conditions.first?.status == .conditionTrue)
    }

    @Test("bad input and a missing spec.who: one Fatal result that names the field")
    func badInput() throws {
        let noWho = try FunctionRunnerService.call(Hello(), try Self.request(who: nil))
        #expect(noWho.results.map(\.message) == ["spec.who is required"])
        #expect(noWho.desired.resources.isEmpty)
        let badReplicas = try FunctionRunnerService.call(
            Hello(), try Self.request(who: "world", input: #"{"greeting":"Hi","replicas":"two"}"#))
        #expect(badReplicas.results.map(\.message) == ["function input: replicas must be an integer"])
        #expect(badReplicas.results.first?.severity == .fatal)
    }
}
