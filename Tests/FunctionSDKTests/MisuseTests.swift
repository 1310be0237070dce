import Foundation
import FunctionSDK
import SwiftProtobuf
import Testing

/// Mistakes a function author can make with rendered values. Each one either fails to compile
/// (`CompileTimeMisuseTests`) or answers that one call with a Fatal result naming it; the next
/// call is answered normally.
@Suite("misuse of the SDK: a Fatal result for one call, never a stopped process")
struct MisuseTests {
    /// Holds a rendered value across calls, as a `static let` does in Swift 5 language mode.
    final class Keeper: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Rendered?
        func get() -> Rendered? { lock.withLock { value } }
        func set(_ r: Rendered) { lock.withLock { value = r } }
    }

    /// Keeps the labels it rendered in its first call and, when the input says `reuse`, renders a
    /// ConfigMap with them in a later call.
    struct KeepsLabels: CompositionFunction {
        let keeper = Keeper()

        func run(_ request: FunctionRequest) throws -> FunctionResponse {
            var response = FunctionResponse.to(request)
            let labels: Rendered
            if try request.input()?["reuse"] == .bool(true), let kept = keeper.get() {
                labels = kept
            } else {
                labels = ["team": "a"]
                keeper.set(labels)
            }
            response.compose("config", ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["labels": labels]])
            return response
        }
    }

    static func request(input: JSON.Object? = nil, tag: String = "t") throws -> FnV1.RunFunctionRequest {
        var r = FnV1.RunFunctionRequest()
        r.meta.tag = tag
        if let input { r.input = try Google_Protobuf_Struct(jsonUTF8Data: Data(CanonicalJSON.encode(.object(input)).utf8)) }
        return r
    }

    static func fatalMessages(_ r: FnV1.RunFunctionResponse) -> [String] {
        r.results.filter { $0.severity == .fatal && $0.reason == FunctionRunnerService.misuseReason }.map(\.message)
    }

    @Test("a value kept from an earlier call: that call is Fatal and composes nothing; the next one works")
    func keptValue() throws {
        let f = KeepsLabels()
        let first = try FunctionRunnerService.call(f, try Self.request())
        #expect(first.results.isEmpty)
        #expect(first.desired.resources["config"] != nil)

        let second = try FunctionRunnerService.call(f, try Self.request(input: ["reuse": true], tag: "second"))
        let messages = Self.fatalMessages(second)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("used after the call that made it had ended") == true)
        #expect(second.desired.resources.isEmpty)
        #expect(second.meta.tag == "second")

        let third = try FunctionRunnerService.call(f, try Self.request())
        #expect(third.results.isEmpty)
        #expect(third.desired.resources["config"]?.resource["metadata"] != nil)
    }

    @Test("a value made on another thread: Fatal for the call that reads it")
    func otherThread() throws {
        let f = KeepsLabels()
        // The value is rendered during a call on another thread, then read during a call here.
        let done = DispatchSemaphore(value: 0)
        Thread {
            _ = try? FunctionRunnerService.call(f, try Self.request())
            done.signal()
        }.start()
        done.wait()
        let here = try FunctionRunnerService.call(f, try Self.request(input: ["reuse": true]))
        #expect(Self.fatalMessages(here).count == 1)
    }

    /// Renders one resource whose key interpolates values read from the request.
    struct Interpolates: CompositionFunction {
        func run(_ request: FunctionRequest) throws -> FunctionResponse {
            var response = FunctionResponse.to(request)
            let input = try request.input() ?? JSON.Object()
            let id = input["id"] ?? .null
            let name: Rendered = "cluster-\(Rendered(id).string ?? "")-\(Rendered(["n": id]))-\(input["size"])"
            response.compose("cluster", ["kind": "ConfigMap", "data": ["name": name, "id": "\(input["id"])-\(Rendered(id))"]])
            return response
        }
    }

    @Test("values read from a request interpolate into templates, even ones rendered inside the interpolation")
    func interpolation() throws {
        let r = try FunctionRunnerService.call(Interpolates(), try Self.request(input: ["id": "a-team", "size": 3]))
        #expect(r.results.isEmpty)
        let data = r.desired.resources["cluster"]?.resource["data"]?.structValue
        #expect(data?["name"]?.stringValue == #"cluster-a-team-{"n":"a-team"}-3"#)
        #expect(data?["id"]?.stringValue == "a-team-a-team")
    }

    /// Composes a string where an object belongs, or merges one into an object.
    struct WrongShapes: CompositionFunction {
        let mistake: String
        func run(_ request: FunctionRequest) throws -> FunctionResponse {
            var response = FunctionResponse.to(request)
            response.compose("ok", ["kind": "ConfigMap"])
            if mistake == "string" {
                response.compose("odd", "not an object")
            } else {
                response.compose("merged", .merging(["a": "b"], "not an object"))
            }
            return response
        }
    }

    @Test(
        "a string where an object belongs: Fatal, naming the mistake, and nothing composed",
        arguments: [
            ("string", #"the composed resource "odd" is not an object"#),
            ("merging", "Rendered.merging takes objects, got a string"),
        ])
    func wrongShapes(_ mistake: String, _ message: String) throws {
        let r = try FunctionRunnerService.call(WrongShapes(mistake: mistake), try Self.request())
        let messages = Self.fatalMessages(r)
        #expect(messages.count == 1)
        #expect(messages.first?.contains(message) == true, Comment(rawValue: messages.first ?? ""))
        #expect(r.desired.resources.isEmpty)
    }

    @Test("an error a function throws still fails the call with a gRPC status, not a result")
    func thrownError() throws {
        struct Throws: CompositionFunction {
            struct Oops: Error {}
            func run(_ request: FunctionRequest) throws -> FunctionResponse { throw Oops() }
        }
        #expect(throws: Throws.Oops.self) { try FunctionRunnerService.call(Throws(), try Self.request()) }
    }
}
