import Foundation
import Glibc
import Testing

/// mTLS exactly as Crossplane calls a function in a cluster: certificates in a mounted folder,
/// client certificate required and verified, ALPN h2 required. Certificates are made per test run
/// with the openssl CLI (Clients/mkcerts.sh).
enum TLSContextFiles {
    static let names = ["tls.crt", "tls.key", "ca.crt"]
}

@Suite("TLS and mTLS")
struct TLSTests {
    static let certs: URL? = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fs-certs-\(UUID().uuidString)")
        let r = try? Subprocess.run([ServerProcess.clients.appendingPathComponent("mkcerts.sh").path, dir.path])
        return r?.status == 0 ? dir : nil
    }()

    func certs() throws -> URL {
        try #require(Self.certs, "mkcerts.sh failed (is openssl installed?)")
    }

    func localhost(_ server: ServerProcess) -> String {
        "localhost:" + server.address.split(separator: ":").last!
    }

    /// curl's arguments to present a certificate of `folder` (client, rogue) and trust the test CA.
    func clientTLS(_ certs: URL, _ folder: String = "client") -> [String] {
        [
            "--http2", "--cacert", certs.appendingPathComponent("ca.crt").path,
            "--cert", certs.appendingPathComponent("\(folder)/tls.crt").path, "--key",
            certs.appendingPathComponent("\(folder)/tls.key").path,
        ]
    }

    func curl(_ args: [String], _ url: String, body: URL) throws -> Subprocess.Output {
        try Subprocess.run(
            [
                "curl", "-sS", "--max-time", "10", "--data-binary", "@\(body.path)", "-H",
                "content-type: application/grpc",
                "-H", "te: trailers", "-o", "/dev/null", "-w", "%{http_version} grpc-status=%header{grpc-status}",
            ] + args + [url])
    }

    @Test(
        "curl with a client certificate is served; without one, with one from another CA, over h2c, or without ALPN h2 it is refused; the good client is still served"
    )
    func curlCases() throws {
        let certs = try certs()
        let body = try BodyFiles()
        let server = try ServerProcess(tlsDir: certs.appendingPathComponent("server").path)
        defer { server.stop() }
        #expect(server.log.contains("\"transport\":\"mTLS\""))
        let url = "https://\(localhost(server))/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction"
        let ca = ["--cacert", certs.appendingPathComponent("ca.crt").path]
        func client(_ name: String) -> [String] {
            [
                "--cert", certs.appendingPathComponent("\(name)/tls.crt").path, "--key",
                certs.appendingPathComponent("\(name)/tls.key").path,
            ]
        }
        let good = try curl(["--http2"] + ca + client("client"), url, body: body.framed)
        #expect(good.stdout == "2 grpc-status=0", Comment(rawValue: good.text))
        let noCert = try curl(["--http2"] + ca, url, body: body.framed)
        #expect(noCert.status != 0 && !noCert.stdout.contains("grpc-status=0"), Comment(rawValue: noCert.text))
        let rogue = try curl(["--http2"] + ca + client("rogue"), url, body: body.framed)
        #expect(rogue.status != 0 && !rogue.stdout.contains("grpc-status=0"), Comment(rawValue: rogue.text))
        let plaintext = try curl(
            ["--http2-prior-knowledge"],
            "http://\(server.address)/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction", body: body.framed)
        #expect(plaintext.status != 0, Comment(rawValue: plaintext.text))
        let http11 = try curl(["--http1.1"] + ca + client("client"), url, body: body.framed)
        #expect(http11.status != 0 && http11.stderr.contains("no application protocol"), Comment(rawValue: http11.text))
        let again = try curl(["--http2"] + ca + client("client"), url, body: body.framed)
        #expect(again.stdout == "2 grpc-status=0", Comment(rawValue: again.text))
    }

    @Test("grpcio with a client certificate: v1 and v1beta1", arguments: ["v1", "v1beta1"])
    func grpcio(proto: String) throws {
        if let why = Tools.pythonClientsMissing { Issue.record(Comment(rawValue: why)); return }
        let certs = try certs()
        let server = try ServerProcess(tlsDir: certs.appendingPathComponent("server").path)
        defer { server.stop() }
        let script = """
            import grpc, sys
            from crossplane.function.proto.\(proto) import run_function_pb2 as pb
            d = sys.argv[1]
            creds = grpc.ssl_channel_credentials(open(d + '/ca.crt', 'rb').read(), open(d + '/client/tls.key', 'rb').read(), open(d + '/client/tls.crt', 'rb').read())
            req = pb.RunFunctionRequest()
            req.meta.tag = 'tls'
            req.observed.composite.resource.update({'apiVersion': 'devopstoolkitseries.com/v1alpha1', 'kind': 'SQL', 'metadata': {'name': 'my-db-x'}, 'spec': {'id': 'my-db', 'compositionSelector': {'matchLabels': {'provider': 'aws'}}, 'parameters': {'version': '15'}}})
            with grpc.secure_channel(sys.argv[2], creds) as ch:
                rsp = ch.unary_unary('/apiextensions.fn.proto.\(proto).FunctionRunnerService/RunFunction', request_serializer=lambda m: m.SerializeToString(), response_deserializer=pb.RunFunctionResponse.FromString)(req, timeout=10)
            assert rsp.meta.tag == 'tls' and len(rsp.results) == 0, rsp
            assert 'rdsinstance' in rsp.desired.resources
            """
        let r = try Subprocess.run([Tools.python, "-c", script, certs.path, localhost(server)], timeout: 60)
        #expect(r.status == 0, Comment(rawValue: r.text))
    }

    @Test(
        "HTTP/2 conformance table over mTLS: every h2spec case and our additions, as HTTP and as gRPC (Clients/test_conformance.py)"
    )
    func conformance() throws {
        if let why = Tools.pythonClientsMissing { Issue.record(Comment(rawValue: why)); return }
        let certs = try certs()
        let server = try ServerProcess(tlsDir: certs.appendingPathComponent("server").path)
        defer { server.stop() }
        try GRPCClientTests.pytest(
            "test_conformance.py", expecting: GRPCClientTests.conformanceCases,
            environment: ["FS_ADDRESS": localhost(server), "FS_TLS_DIR": certs.appendingPathComponent("client").path])
    }

    @Test("grpc-go with client certificates under load: 10 in flight for 10 s, every call OK")
    func grpcGoLoad() throws {
        if let why = Tools.missing(["go"]) { Issue.record(Comment(rawValue: why)); return }
        let certs = try certs()
        let dir = try RequestBodies.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let client = dir.appendingPathComponent("goclient")
        let build = try Subprocess.run(
            [ServerProcess.clients.appendingPathComponent("goclient/build.sh").path, client.path], timeout: 300)
        try #require(build.status == 0, Comment(rawValue: build.text))
        let body = try RequestBodies.write(try RequestBodies.passThrough(tag: "mtls"), in: dir)
        let server = try ServerProcess(tlsDir: certs.appendingPathComponent("server").path)
        defer { server.stop() }
        let r = try Subprocess.run(
            [
                client.path, "-addr", localhost(server), "-tls-dir", certs.appendingPathComponent("client").path,
                "-body", body.raw.path, "-c", "10", "-d", "10s",
            ], timeout: 60)
        #expect(r.status == 0, Comment(rawValue: r.text))
        #expect(r.stdout.contains("\"codes\":{\"OK\":"), Comment(rawValue: r.text))
    }

    @Test("a raw TCP client that connects and sends nothing does not delay a good client")
    func stalledHandshake() throws {
        let certs = try certs()
        let body = try BodyFiles()
        let server = try ServerProcess(tlsDir: certs.appendingPathComponent("server").path)
        defer { server.stop() }
        let port = Int(server.address.split(separator: ":").last!)!
        // Five silent connections, held open while the good client calls.
        var silent: [Int32] = []
        for _ in 0..<5 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            #expect(rc == 0)
            silent.append(fd)
        }
        defer { for fd in silent { close(fd) } }
        let start = Date()
        let r = try curl(
            clientTLS(certs),
            "https://\(localhost(server))/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction",
            body: body.framed)
        #expect(r.stdout == "2 grpc-status=0", Comment(rawValue: r.text))
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test("certificates regenerated in place (new CA, new server and client certificates) are used for new connections")
    func reload() throws {
        let certs = try certs()
        let body = try BodyFiles()
        let other = body.dir.appendingPathComponent("other")
        let make = try Subprocess.run([ServerProcess.clients.appendingPathComponent("mkcerts.sh").path, other.path])
        try #require(make.status == 0, Comment(rawValue: make.text))
        // Serve from a copy, so the shared certificates stay as they are.
        let served = body.dir.appendingPathComponent("served")
        try FileManager.default.copyItem(at: certs.appendingPathComponent("server"), to: served)
        let server = try ServerProcess(tlsDir: served.path)
        defer { server.stop() }
        let url = "https://\(localhost(server))/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction"
        #expect(try curl(clientTLS(certs), url, body: body.framed).stdout == "2 grpc-status=0")
        for name in TLSContextFiles.names {
            let target = served.appendingPathComponent(name)
            try FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: other.appendingPathComponent("server/\(name)"), to: target)
        }
        Thread.sleep(forTimeInterval: 1.2)
        let fresh = try curl(clientTLS(other), url, body: body.framed)
        #expect(fresh.stdout == "2 grpc-status=0", Comment(rawValue: fresh.text + server.log))
        let old = try curl(clientTLS(certs), url, body: body.framed)
        #expect(old.status != 0 && !old.stdout.contains("grpc-status=0"), Comment(rawValue: old.text))
        #expect(server.log.contains("TLS certificates reloaded"))
    }

    @Test(
        "start-up errors name the file: missing, key not matching the certificate, expired certificate",
        arguments: [
            ("missing", "cannot read", "tls.crt"), ("mismatch", "does not match the certificate", "tls.key"),
            ("expired", "has expired", "tls.crt"),
        ])
    func startupErrors(folder: String, message: String, file: String) throws {
        let certs = try certs()
        let r = try Subprocess.run(
            [
                ServerProcess.binary.path, "--tls-certs-dir", certs.appendingPathComponent(folder).path,
                "--address", "127.0.0.1:0",
            ], timeout: 10)
        #expect(r.status == 1)
        #expect(r.stderr.contains(message) && r.stderr.contains("\(folder)/\(file)"), Comment(rawValue: r.text))
    }

    @Test(
        "RSA PKCS#8 and EC server keys load too; TLS_SERVER_CERTS_DIR works; --insecure wins",
        arguments: ["pkcs8", "ec"])
    func keyFormats(folder: String) throws {
        let certs = try certs()
        let body = try BodyFiles()
        let server = try ServerProcess(tlsDir: certs.appendingPathComponent(folder).path)
        defer { server.stop() }
        let r = try curl(
            clientTLS(certs),
            "https://\(localhost(server))/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction",
            body: body.framed)
        #expect(r.stdout == "2 grpc-status=0", Comment(rawValue: r.text))
        let insecure = try ServerProcess(["--tls-certs-dir", certs.appendingPathComponent(folder).path])
        defer { insecure.stop() }
        #expect(insecure.log.contains("\"transport\":\"h2c\""))
    }
}
