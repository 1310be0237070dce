import Foundation
import Testing

@Suite("operating it: metrics and health")
struct OperationsTests {
    @Test("Prometheus /metrics counts calls by method and status, with a latency histogram and gauges")
    func metrics() throws {
        if let why = Tools.missing(["curl"]) { Issue.record(Comment(rawValue: why)); return }
        let body = try BodyFiles()
        let server = try ServerProcess()
        defer { server.stop() }
        let metrics = try #require(server.metricsAddress, Comment(rawValue: server.log))
        for path in [
            "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction",
            "/apiextensions.fn.proto.v1.FunctionRunnerService/Nope",
            "/made.up.Service/\(UUID().uuidString)",
        ] {
            _ = try Subprocess.run([
                "curl", "-sS", "--max-time", "10", "--http2-prior-knowledge", "--data-binary", "@\(body.framed.path)",
                "-H", "content-type: application/grpc", "-o", "/dev/null", "http://\(server.address)\(path)",
            ])
        }
        let r = try Subprocess.run([
            "curl", "-sS", "--max-time", "10", "-w", "\n%{http_code}", "http://\(metrics)/metrics",
        ])
        #expect(r.stdout.hasSuffix("\n200"), Comment(rawValue: r.text))
        #expect(
            r.stdout.contains(
                #"function_secrets_grpc_requests_total{method="/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction",code="OK"} 1"#
            ),
            Comment(rawValue: r.stdout))
        // Unknown paths share one label, whatever a client sends.
        #expect(
            r.stdout.contains(#"function_secrets_grpc_requests_total{method="unknown",code="UNIMPLEMENTED"} 2"#),
            Comment(rawValue: r.stdout))
        #expect(
            r.stdout.contains(
                #"function_secrets_grpc_request_duration_seconds_count{method="/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction"} 1"#
            ))
        #expect(r.stdout.contains("# TYPE function_secrets_connections gauge"))
        #expect(r.stdout.contains("function_secrets_streams_in_flight 0"))
        let other = try Subprocess.run([
            "curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", "http://\(metrics)/",
        ])
        #expect(other.stdout == "404")
    }

    @Test("--metrics-address \"\" disables the endpoint")
    func metricsOff() throws {
        let server = try ServerProcess(["--metrics-address", ""])
        defer { server.stop() }
        #expect(server.metricsAddress == nil)
    }

    @Test("grpc.health.v1.Health/Check answers SERVING for the server, NOT_FOUND for other services (grpcio)")
    func health() throws {
        if let why = Tools.pythonClientsMissing { Issue.record(Comment(rawValue: why)); return }
        let server = try ServerProcess()
        defer { server.stop() }
        let script = """
            import grpc, sys
            ch = grpc.insecure_channel(sys.argv[1])
            check = ch.unary_unary('/grpc.health.v1.Health/Check')
            assert check(b'', timeout=5) == b'\\x08\\x01'
            try:
                check(b'\\x0a\\x03foo', timeout=5)
                raise SystemExit('expected NOT_FOUND')
            except grpc.RpcError as e:
                assert e.code() == grpc.StatusCode.NOT_FOUND, e
            """
        let r = try Subprocess.run([Tools.python, "-c", script, server.address], timeout: 30)
        #expect(r.status == 0, Comment(rawValue: r.text))
    }
}
