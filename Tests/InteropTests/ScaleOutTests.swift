import Foundation
import Glibc
import Testing

/// Crossplane core's own client model (Clients/xpclient: one grpc-go ClientConn, round_robin,
/// waitForReady, a resolver that pushes the Service's endpoints only at start and when a connection
/// ends) against replicas of the real binary on 127.0.0.1, .2 and .3. These are the behaviours that
/// decide whether running more replicas does anything in a cluster.
@Suite("scaling out with Crossplane's client", .serialized)
struct ScaleOutTests {
    /// --max-connection-age in the replica runs, in seconds: short, so a run takes seconds.
    static let age = 3.0
    /// How soon after a change of endpoints the client must follow it: 1.2 × the age, plus the
    /// jitter the connection may have drawn (10 %).
    static var followWithinMS: Int { Int((1.2 * age + 0.1 * age) * 1000) }

    struct Run: Decodable {
        struct Endpoint: Decodable {
            var calls: Int
            var first_ms: Int
            var last_ms: Int
            var per_sec: [Int]
        }
        var calls: Int
        var ok: Int
        var codes: [String: Int]
        var dials: [String: Int]
        var endpoints: [String: Endpoint]
        var errors_ms: [Int]
        var last_error: String
        var resolves: Int

        var errors: Int { calls - ok }
        /// Calls answered by `address` in the whole seconds `range` of the run.
        func calls(_ address: String, _ range: Range<Int>) -> Int {
            guard let e = endpoints[address] else { return 0 }
            return range.reduce(0) { $0 + ($1 < e.per_sec.count ? e.per_sec[$1] : 0) }
        }
    }

    /// The client, built once per test run from Debian's grpc-go; and a pass-through request.
    static let tools: (client: URL, body: URL)? = {
        guard Tools.missing(["go"]) == nil, let dir = try? RequestBodies.tempDir() else { return nil }
        let client = dir.appendingPathComponent("xpclient")
        let build = try? Subprocess.run(
            [ServerProcess.clients.appendingPathComponent("goclient/build.sh").path, client.path, "xpclient"],
            timeout: 300)
        guard build?.status == 0, let body = try? RequestBodies.write(try RequestBodies.passThrough(tag: "xp"), in: dir)
        else { return nil }
        return (client, body.raw)
    }()

    func tools() throws -> (client: URL, body: URL) {
        if let why = Tools.missing(["go", "curl"]) { throw Missing(why: why) }
        return try #require(Self.tools, "building Clients/xpclient failed")
    }

    struct Missing: Error, CustomStringConvertible { var why: String; var description: String { why } }

    /// Runs the client; `endpoints` is its schedule of the Service's endpoints ("0s=A;3s=A,B").
    func run(_ endpoints: String, _ args: [String], tlsDir: URL? = nil, timeout: TimeInterval = 90) throws -> Run {
        let t = try tools()
        let tls = tlsDir.map { ["-tls-dir", $0.path] } ?? []
        let r = try Subprocess.run(
            [t.client.path, "-body", t.body.path, "-endpoints", endpoints] + tls + args, timeout: timeout)
        try #require(r.status == 0, Comment(rawValue: r.text))
        print("xpclient \(args.joined(separator: " ")) [\(endpoints)]: \(r.stdout)")
        return try JSONDecoder().decode(Run.self, from: Data(r.stdout.utf8))
    }

    func replicas(_ args: [String] = [], tlsDir: URL? = nil) throws -> [ServerProcess] {
        try ["127.0.0.1", "127.0.0.2", "127.0.0.3"].map { try ServerProcess(args, tlsDir: tlsDir?.path, host: $0) }
    }

    func closedFor(_ server: ServerProcess, _ reason: String) -> Int? {
        server.metric("function_secrets_connections_closed_total{reason=\"\(reason)\"}")
    }

    @Test("one call at a time for 10,000 calls: one connection, although grpc-go pings after every answer")
    func oneConnection() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let r = try run("0s=\(server.address)", ["-n", "10000"])
        #expect(r.ok == 10000, Comment(rawValue: r.last_error))
        #expect(r.dials == [server.address: 1])
        #expect(server.metric("function_secrets_connections_opened_total") == 1, Comment(rawValue: server.log))
        #expect(closedFor(server, "too_many_pings") == 0 && closedFor(server, "glitch_budget") == 0)
    }

    @Test(
        "client keepalive 10 s / 2 s with pings permitted without calls, a call every 12 s for 25 s: one connection, no error"
    )
    func clientKeepalive() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let r = try run(
            "0s=\(server.address)", ["-d", "25s", "-interval", "12s", "-keepalive", "10s", "-keepalive-timeout", "2s"])
        #expect(r.calls == 3 && r.ok == 3, Comment(rawValue: r.last_error))
        #expect(r.dials == [server.address: 1])
        #expect(server.metric("function_secrets_connections_opened_total") == 1)
        #expect(closedFor(server, "too_many_pings") == 0)
    }

    /// Two replicas join the Service 3 s into the run; each must get calls soon, then its share.
    /// With `certs`, the replicas serve mTLS and the client presents Crossplane's client certificate.
    func scaleUp(certs: URL?) throws {
        let servers = try replicas(
            ["--max-connection-age", "\(Int(Self.age))s"], tlsDir: certs?.appendingPathComponent("server"))
        defer { for s in servers { s.stop() } }
        let a = servers.map(\.address)
        let r = try run(
            "0s=\(a[0]);3s=\(a[0]),\(a[1]),\(a[2])", ["-d", "12s"], tlsDir: certs?.appendingPathComponent("client"))
        #expect(r.errors == 0, Comment(rawValue: r.last_error))
        for joined in a[1...] {
            let first = try #require(r.endpoints[joined], "\(joined) got no call").first_ms
            #expect(first - 3000 <= Self.followWithinMS, "\(joined) first called \(first - 3000) ms after it joined")
        }
        // Once all three are known, round robin gives each its third (a quarter at least).
        let settled = (3000 + Self.followWithinMS + 999) / 1000..<11
        let total = a.reduce(0) { $0 + r.calls($1, settled) }
        for address in a {
            #expect(
                r.calls(address, settled) * 4 >= total, "\(address): \(r.calls(address, settled)) of \(total) calls")
        }
        #expect((closedFor(servers[0], "max_age") ?? 0) >= 2)
    }

    @Test(
        "scale-up: two replicas join mid-run; with a 3 s max age each gets calls within 1.2x the age, then a fair share; no call fails"
    )
    func scaleUpPlain() throws { try scaleUp(certs: nil) }

    @Test("scale-up over mTLS, as Crossplane calls in a cluster: the same")
    func scaleUpMTLS() throws {
        try scaleUp(certs: try #require(TLSTests.certs, "mkcerts.sh failed (is openssl installed?)"))
    }

    @Test(
        "scale-down: a replica leaves the Service mid-run; with a 3 s max age its last call comes within 1.2x the age; no call fails"
    )
    func scaleDown() throws {
        let servers = try replicas(["--max-connection-age", "\(Int(Self.age))s"])
        defer { for s in servers { s.stop() } }
        let a = servers.map(\.address)
        let r = try run("0s=\(a[0]),\(a[1]),\(a[2]);3s=\(a[0]),\(a[2])", ["-d", "10s"])
        #expect(r.errors == 0, Comment(rawValue: r.last_error))
        let left = try #require(r.endpoints[a[1]])
        #expect(left.last_ms - 3000 <= Self.followWithinMS, "last call \(left.last_ms - 3000) ms after it left")
        for stays in [a[0], a[2]] {
            #expect(r.calls(stays, 8..<10) > 0, "\(stays) stopped getting calls")
        }
    }

    @Test("a replica killed with SIGKILL mid-run: calls go on on the others; only calls in flight on it may fail")
    func replicaKilled() throws {
        let servers = try replicas()
        defer { for s in servers { s.stop() } }
        let a = servers.map(\.address)
        let victim = servers[1].process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + 3) { kill(victim, SIGKILL) }
        let r = try run("0s=\(a[0]),\(a[1]),\(a[2])", ["-d", "8s", "-c", "3"])
        print("replica killed: \(r.errors) of \(r.calls) calls failed (\(r.codes)), at ms \(r.errors_ms)")
        #expect(r.errors <= 3, Comment(rawValue: "\(r.errors) failed: \(r.last_error)"))
        #expect(try #require(r.endpoints[a[1]]).last_ms < 4000)
        for survivor in [a[0], a[2]] {
            #expect(r.calls(survivor, 5..<8) > 0, "\(survivor) stopped getting calls")
        }
    }
}
