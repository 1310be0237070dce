import Foundation
import Testing

/// The real binary on 127.0.0.1, driven by real clients: grpcio (the gRPC C core), grpc-go (the
/// stack Crossplane core uses), curl and h2load.
@Suite("interop with real clients")
struct GRPCClientTests {
    /// Runs one pytest file of Clients/ against a fresh server; every case must pass.
    func pytest(_ file: String, expecting passed: Int) throws {
        if let why = Tools.pythonClientsMissing { Issue.record(Comment(rawValue: why)); return }
        let server = try ServerProcess()
        defer { server.stop() }
        try Self.pytest(file, expecting: passed, environment: ["FS_ADDRESS": server.address])
    }

    /// Runs the pytest cases and reports each one that failed by its name, with pytest's message;
    /// `passed` is how many cases must have run and passed (so a case that silently disappears fails).
    static func pytest(
        _ file: String, expecting passed: Int, environment: [String: String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        // `file` may carry pytest arguments after the file name ("test_x.py -k name").
        let args = file.split(separator: " ").map(String.init)
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("fs-pytest-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: report) }
        let r = try Subprocess.run(
            [Tools.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml", report.path] + args,
            environment: environment, cwd: ServerProcess.clients, timeout: 300)
        let cases = PytestReport.cases(try String(contentsOf: report, encoding: .utf8))
        for c in cases where c.failure != nil {
            Issue.record(Comment(rawValue: "\(c.name): \(c.failure!)"), sourceLocation: sourceLocation)
        }
        let ok = cases.filter { $0.failure == nil && !$0.skipped }.count
        #expect(
            ok == passed, "\(ok) of \(cases.count) cases passed, \(passed) expected", sourceLocation: sourceLocation)
        #expect(
            r.status == 0 || cases.contains { $0.failure != nil }, Comment(rawValue: r.text),
            sourceLocation: sourceLocation)
    }

    /// 147 h2spec cases and 25 of our own, each as plain HTTP and as gRPC, plus the count check.
    static let conformanceCases = 345

    @Test(
        "HTTP/2 conformance table: every h2spec case and our additions, as HTTP and as gRPC, over h2c (Clients/test_conformance.py)"
    )
    func conformance() throws { try pytest("test_conformance.py", expecting: Self.conformanceCases) }

    @Test("grpcio and raw-frame cases (Clients/test_grpcio.py)")
    func grpcio() throws { try pytest("test_grpcio.py", expecting: 20) }

    @Test(
        "gRPC server reflection: grpcio's reflection client lists and describes the services (Clients/test_reflection.py)"
    )
    func reflection() throws { try pytest("test_reflection.py", expecting: 3) }

    @Test(
        "grpcio sends the blog's demo claims, the v2 demo Cluster over v1 and v1beta1 and the v2 demo SQL, and gets their resource sets (Clients/test_claims.py)"
    )
    func demoClaims() throws { try pytest("test_claims.py", expecting: 7) }

    @Test("grpc-go client: v1, v1beta1 and 2,000 calls at 10 in flight on one connection")
    func grpcGo() throws {
        if let why = Tools.missing(["go"]) { Issue.record(Comment(rawValue: why)); return }
        let dir = try RequestBodies.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let client = dir.appendingPathComponent("goclient")
        let build = try Subprocess.run(
            [ServerProcess.clients.appendingPathComponent("goclient/build.sh").path, client.path], timeout: 300)
        try #require(build.status == 0, Comment(rawValue: build.text))
        let body = try RequestBodies.write(try RequestBodies.passThrough(tag: "go-tag"), in: dir)
        let server = try ServerProcess()
        defer { server.stop() }
        for proto in ["v1", "v1beta1"] {
            let r = try Subprocess.run([
                client.path, "-addr", server.address, "-body", body.raw.path,
                "-path", "/apiextensions.fn.proto.\(proto).FunctionRunnerService/RunFunction",
            ])
            #expect(r.status == 0, Comment(rawValue: r.text))
        }
        let load = try Subprocess.run([
            client.path, "-addr", server.address, "-body", body.raw.path, "-n", "2000", "-c", "10",
        ])
        #expect(load.status == 0, Comment(rawValue: load.text))
        #expect(load.stdout.contains("\"ok\":2000"), Comment(rawValue: load.text))
    }

    @Test("curl --http2-prior-knowledge: a gRPC call, and a plain GET answered with 415")
    func curl() throws {
        if let why = Tools.missing(["curl"]) { Issue.record(Comment(rawValue: why)); return }
        let body = try BodyFiles()
        let dir = body.dir
        let server = try ServerProcess()
        defer { server.stop() }
        let url = "http://\(server.address)/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction"
        let out = dir.appendingPathComponent("response.grpc")
        let r = try Subprocess.run([
            "curl", "-sS", "--max-time", "10", "--http2-prior-knowledge", "--data-binary", "@\(body.framed.path)",
            "-H", "content-type: application/grpc", "-H", "te: trailers", "-o", out.path,
            "-w", "%{http_version} %{response_code} grpc-status=%header{grpc-status}", url,
        ])
        #expect(r.stdout == "2 200 grpc-status=0", Comment(rawValue: r.text))
        let response = try Data(contentsOf: out)
        #expect(response.count > 5 && response[0] == 0)
        let get = try Subprocess.run([
            "curl", "-sS", "--max-time", "10", "--http2-prior-knowledge", "-w", "\n%{response_code}",
            "http://\(server.address)/",
        ])
        #expect(get.stdout.hasSuffix("\n415"), Comment(rawValue: get.text))
        #expect(get.stdout.contains("application/grpc"))
    }

    @Test("h2load: 1 connection x 100 streams for 10 s, every call grpc-status 0")
    func h2load() throws {
        if let why = Tools.missing(["h2load"]) { Issue.record(Comment(rawValue: why)); return }
        let body = try BodyFiles()
        let server = try ServerProcess(["--max-connection-age", "0"]) // h2load does not reconnect after a GOAWAY
        let r = try Subprocess.run(
            [
                "h2load", "-D", "10", "-c", "1", "-m", "100", "-d", body.framed.path,
                "-H", "content-type: application/grpc", "-H", "te: trailers",
                "http://\(server.address)/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction",
            ], timeout: 60)
        #expect(server.stop() == 0)
        #expect(r.status == 0, Comment(rawValue: r.text))
        let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("requests:") }.map(String.init) ?? ""
        let succeeded =
            line.split(separator: ",").first { $0.contains("succeeded") }
            .flatMap { Int($0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) } ?? 0
        #expect(succeeded > 1000, Comment(rawValue: r.text))
        #expect(line.contains(" 0 failed, 0 errored"), Comment(rawValue: r.text))
        // The server's own count: every call it finished had grpc-status 0, and it finished at least
        // as many as h2load saw complete.
        let counts = server.callsByStatus()
        #expect(Set(counts.keys) == ["0"], Comment(rawValue: server.log))
        #expect((counts["0"] ?? 0) >= succeeded)
    }
}

@Suite("command line")
struct CommandLineTests {
    @Test("no --insecure and no TLS directory: exits 1 saying no credentials were provided")
    func noCredentials() throws {
        let r = try Subprocess.run(
            [ServerProcess.binary.path, "--address", "127.0.0.1:0"],
            environment: ["TLS_SERVER_CERTS_DIR": ""], timeout: 10)
        #expect(r.status == 1)
        #expect(r.stderr.contains("no credentials provided"), Comment(rawValue: r.text))
    }

    @Test("an unknown flag or a bad size: exit 2 with the reason and the usage")
    func badFlags() throws {
        let unknown = try Subprocess.run([ServerProcess.binary.path, "--insecure", "--bogus"], timeout: 10)
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown flag \"--bogus\""))
        let size = try Subprocess.run(
            [ServerProcess.binary.path, "--insecure", "--max-recv-message-size", "four"], timeout: 10)
        #expect(size.status == 2 && size.stderr.contains("--max-recv-message-size must be a whole number of MB"))
        for (flag, value) in [
            ("--shutdown-grace", "5x"), ("--idle-timeout", "-1s"), ("--shutdown-grace", "s"),
            ("--idle-timeout", "1.5h"),
            ("--max-connection-age", "60"), ("--max-connection-age-grace", "2 m"), ("--keepalive-min-time", "-60s"),
        ] {
            let r = try Subprocess.run([ServerProcess.binary.path, "--insecure", flag, value], timeout: 10)
            #expect(
                r.status == 2
                    && r.stderr.contains("\(flag) must be a duration such as 500ms, 5s, 10m or 1h, got \"\(value)\""),
                Comment(rawValue: r.text))
        }
    }

    @Test("--max-recv-message-size 8 serves a 6 MiB request that the default 4 refuses")
    func biggerLimit() throws {
        if let why = Tools.pythonClientsMissing { Issue.record(Comment(rawValue: why)); return }
        let server = try ServerProcess(["--max-recv-message-size", "8"])
        defer { server.stop() }
        let script = """
            import grpc
            from crossplane.function.proto.v1 import run_function_pb2 as v1
            req = v1.RunFunctionRequest()
            req.desired.resources['big'].resource.update({'data': 'x' * (6 << 20)})   # a 6 MiB earlier-step resource
            ch = grpc.insecure_channel('\(server.address)', options=[('grpc.max_receive_message_length', 16<<20), ('grpc.max_send_message_length', 16<<20)])
            call = ch.unary_unary('/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction', request_serializer=lambda m: m.SerializeToString(), response_deserializer=v1.RunFunctionResponse.FromString)
            rsp = call(req, timeout=20)
            assert len(rsp.desired.resources['big'].resource['data']) == 6 << 20
            """
        let r = try Subprocess.run([Tools.python, "-c", script], timeout: 60)
        #expect(r.status == 0, Comment(rawValue: r.text))
    }

    @Test("SIGTERM: exits 0 after logging the call counts")
    func sigterm() throws {
        let server = try ServerProcess()
        #expect(server.stop() == 0)
        #expect(server.log.contains("\"msg\":\"stopped\""))
    }
}

/// The cases of a pytest JUnit XML report: each test's name (module and function, with its
/// parameters) and, when it failed or errored, the first line of pytest's message.
enum PytestReport {
    struct Case {
        var name: String
        var failure: String?
        var skipped = false
    }

    static func cases(_ xml: String) -> [Case] {
        var out: [Case] = []
        for chunk in xml.components(separatedBy: "<testcase ").dropFirst() {
            let element = chunk.components(separatedBy: "</testcase>")[0]
            let name = [attribute("classname", in: element), attribute("name", in: element)].compactMap { $0 }.joined(
                separator: "::")
            var failure: String?
            for tag in ["<failure ", "<error "] {
                guard let r = element.range(of: tag) else { continue }
                let message = attribute("message", in: String(element[r.lowerBound...])) ?? "failed"
                failure = message.components(separatedBy: "&#10;")[0]
                break
            }
            out.append(Case(name: name, failure: failure, skipped: element.contains("<skipped")))
        }
        return out
    }

    private static func attribute(_ key: String, in element: String) -> String? {
        guard let start = element.range(of: " \(key)=\"") ?? element.range(of: "\(key)=\"") else { return nil }
        let rest = element[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(
            of: "&lt;", with: "<"
        )
        .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}
