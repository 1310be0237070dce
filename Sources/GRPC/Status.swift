/// A gRPC status: what a handler throws to fail a call, and what goes into `grpc-status` and
/// `grpc-message`. Messages must never carry secret values.
public struct Status: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String

    public init(_ code: StatusCode, _ message: String = "") {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code) (\(code.rawValue)): \(message)" }
}
