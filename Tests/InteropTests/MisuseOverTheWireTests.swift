import Foundation
import FunctionSDK
import Testing

/// A function that makes the mistakes of MisuseTests on request, served in process with
/// `FunctionServer` (the SDK's `serve` without signal handling) and called with grpcio.
struct Misbehaving: CompositionFunction {
    /// Holds a rendered value across calls, as a `static let` does in Swift 5 language mode.
    final class Keeper: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Rendered?
        func get() -> Rendered? { lock.withLock { value } }
        func set(_ r: Rendered) { lock.withLock { value = r } }
    }
    let keeper = Keeper()

    func run(_ request: FunctionRequest) throws -> FunctionResponse {
        var response = FunctionResponse.to(request)
        let input = try request.input() ?? JSON.Object()
        var labels: Rendered = ["team": "a"]
        switch input["mistake"]?.string {
        case "reuse-a-kept-value"?:
            labels = keeper.get() ?? labels
        case "a-string-as-object"?:
            response.compose("odd", "not an object")
        default:
            keeper.set(labels)
        }
        let name = try request.observedComposite()?[path: "metadata", "name"]?.string ?? ""
        response.compose(
            "config-\(name)", ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "labels": labels]])
        return response
    }
}

@Suite("misuse over the wire")
struct MisuseOverTheWireTests {
    @Test(
        "each mistake is one Fatal result; the server answers the next call on the same connection (Clients/test_misuse.py)"
    )
    func misuseThenServe() throws {
        if let why = Tools.pythonClientsMissing { Issue.record(Comment(rawValue: why)); return }
        var options = ServeOptions()
        options.insecure = true
        options.address = "127.0.0.1:0"
        options.metricsAddress = "127.0.0.1:0"
        let server = try FunctionServer(Misbehaving(), options: options)
        server.start()
        defer { server.shutdown() }
        try GRPCClientTests.pytest(
            "test_misuse.py", expecting: 1,
            environment: [
                "FS_ADDRESS": "127.0.0.1:\(server.port)", "FS_METRICS": "127.0.0.1:\(server.metricsPort ?? 0)",
            ])
    }
}
