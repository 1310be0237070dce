import GRPC
import SwiftProtobuf

/// Serves a `CompositionFunction` as `FunctionRunnerService/RunFunction` under both proto packages.
public enum FunctionRunnerService {
    public static let v1 = "apiextensions.fn.proto.v1.FunctionRunnerService"
    public static let v1beta1 = "apiextensions.fn.proto.v1beta1.FunctionRunnerService"
    public static let v1Path = "/\(v1)/RunFunction"
    public static let v1beta1Path = "/\(v1beta1)/RunFunction"

    /// Decodes, runs and encodes one call. Shared by the gRPC services and `render`.
    public static func call(_ function: some CompositionFunction, requestBytes: [UInt8]) throws -> [UInt8] {
        let request: RequestView
        do {
            request = try RequestView(bytes: requestBytes)
        } catch {
            throw Status(.internalError, "grpc: failed to unmarshal the received message: \(error)")
        }
        // One render per call: what a function renders is freed when the call is answered, whether
        // or not it entered a scope of its own.
        return try RenderArena.scope { try function.respond(to: request) }
    }

    public static func services(for function: some CompositionFunction) -> [Service] {
        let handler: UnaryHandler = { bytes, _ in try call(function, requestBytes: bytes) }
        return [
            Service(name: v1, methods: ["RunFunction": handler]),
            Service(name: v1beta1, methods: ["RunFunction": handler]),
        ]
    }
}
