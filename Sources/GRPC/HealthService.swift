/// `grpc.health.v1.Health/Check` (grpc/grpc doc/health-checking.md), for probes and grpc-health-probe.
/// The messages are tiny, so they are read and written by hand: HealthCheckRequest{1: service},
/// HealthCheckResponse{1: status}, status SERVING = 1.
public enum HealthService {
    public static let name = "grpc.health.v1.Health"

    public static var service: Service {
        Service(name: name, methods: ["Check": { request, _ in try check(request) }])
    }

    /// The empty service name asks about the server as a whole; any other name is not tracked.
    static func check(_ request: [UInt8]) throws -> [UInt8] {
        var i = 0
        var service = ""
        while i < request.count {
            let key = request[i]
            i += 1
            guard key == 0x0a, i < request.count, request[i] < 0x80 else {
                throw Status(.internalError, "grpc: failed to unmarshal the received message")
            }
            let n = Int(request[i])
            i += 1
            guard i + n <= request.count else {
                throw Status(.internalError, "grpc: failed to unmarshal the received message")
            }
            service = String(decoding: request[i..<(i + n)], as: UTF8.self)
            i += n
        }
        guard service.isEmpty else { throw Status(.notFound, "unknown service") }
        return [0x08, 0x01]
    }
}
