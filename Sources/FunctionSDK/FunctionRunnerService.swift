import GRPC
import SwiftProtobuf

/// Serves a `CompositionFunction` as `FunctionRunnerService/RunFunction` under both proto packages.
public enum FunctionRunnerService {
    /// The service of Crossplane 1.17 and later.
    public static let v1 = "apiextensions.fn.proto.v1.FunctionRunnerService"
    /// The service of earlier cores, identical on the wire.
    public static let v1beta1 = "apiextensions.fn.proto.v1beta1.FunctionRunnerService"
    /// The HTTP/2 path of a v1 call.
    public static let v1Path = "/\(v1)/RunFunction"
    /// The HTTP/2 path of a v1beta1 call.
    public static let v1beta1Path = "/\(v1beta1)/RunFunction"
    /// The reason of the Fatal result that answers a call in which the function misused the SDK.
    public static let misuseReason = "FunctionMisuse"

    /// Runs one call from serialized request bytes to serialized response bytes: what the gRPC
    /// service does, and what a function's tests and `render` call in process.
    public static func call(_ function: some CompositionFunction, requestBytes: [UInt8]) throws -> [UInt8] {
        let request: FunctionRequest
        do {
            request = try FunctionRequest(bytes: requestBytes)
        } catch {
            throw Status(.internalError, "grpc: failed to unmarshal the received message: \(error)")
        }
        // One render per call: what a function renders is freed when the call is answered.
        return try RenderArena.scope {
            // A misuse wins over the answer and over an error the function threw after it.
            let answer = Result { try function.run(request).serialized() }
            if let misuse = RenderArena.current.pointee.misuse { return try misused(request, misuse) }
            return try answer.get()
        }
    }

    /// Runs one call on generated messages (for tests of a function).
    public static func call(_ function: some CompositionFunction, _ request: FnV1.RunFunctionRequest) throws
        -> FnV1.RunFunctionResponse
    {
        try FnV1.RunFunctionResponse(serializedBytes: call(function, requestBytes: try request.serializedBytes()))
    }

    /// A call the function got wrong in a way only the SDK saw: whatever it composed is dropped,
    /// and one Fatal result says what happened. Every other call goes on as before.
    private static func misused(_ request: FunctionRequest, _ misuse: String) throws -> [UInt8] {
        var response = FunctionResponse.to(request)
        response.fatal("the function misused the Swift SDK: \(misuse)", reason: misuseReason, target: .composite)
        return try response.serialized()
    }

    package static func services(for function: some CompositionFunction) -> [Service] {
        let handler: UnaryHandler = { bytes, _ in try call(function, requestBytes: bytes) }
        return [
            Service(name: v1, methods: ["RunFunction": handler]),
            Service(name: v1beta1, methods: ["RunFunction": handler]),
        ]
    }
}
