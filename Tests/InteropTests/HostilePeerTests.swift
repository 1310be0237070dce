import Foundation
import Testing

/// The real binary against hostile peers (Clients/test_hostile.py) and shut down with calls in flight
/// (Clients/test_shutdown.py). The Python side reads the server's memory from /proc and signals it.
@Suite("hostile peers and graceful shutdown")
struct HostilePeerTests {
    @Test(
        "rapid reset, CONTINUATION floods, HPACK bomb, SETTINGS and PING floods, a peer that never reads, zero windows, untrusted sizes, the buffered-bytes budget, slowloris: memory bounded, a good client served"
    )
    func hostilePeers() throws {
        if let why = Tools.pythonClientsMissing { Issue.record(Comment(rawValue: why)); return }
        let server = try ServerProcess(["--idle-timeout", "3s"])
        defer { server.stop() }
        try GRPCClientTests.pytest(
            "test_hostile.py", expecting: 11,
            environment: [
                "FS_ADDRESS": server.address, "FS_PID": String(server.process.processIdentifier),
            ])
        #expect(server.process.isRunning)
    }

    @Test(
        "SIGTERM: GOAWAY(2^31-1) and PING, then GOAWAY(last id); calls in flight finish, new ones are refused, exit 0")
    func gracefulShutdown() throws {
        if let why = Tools.pythonClientsMissing { Issue.record(Comment(rawValue: why)); return }
        let server = try ServerProcess()
        try GRPCClientTests.pytest(
            "test_shutdown.py -k calls_in_flight", expecting: 1,
            environment: [
                "FS_ADDRESS": server.address, "FS_PID": String(server.process.processIdentifier),
            ])
        #expect(server.stop() == 0)
        #expect(server.callsByStatus() == ["0": 2], Comment(rawValue: server.log))
    }

    @Test(
        "max connection age (2 s): the two-step GOAWAY max_age with a call in flight; the call and one opened meanwhile finish; the client reconnects and is served"
    )
    func maxAge() throws {
        if let why = Tools.pythonClientsMissing { Issue.record(Comment(rawValue: why)); return }
        let server = try ServerProcess(["--max-connection-age", "2s"])
        defer { server.stop() }
        try GRPCClientTests.pytest(
            "test_max_age.py -k calls_in_flight", expecting: 1, environment: ["FS_ADDRESS": server.address])
        #expect(
            server.metric("function_secrets_connections_closed_total{reason=\"max_age\"}") == 1,
            Comment(rawValue: server.log))
        #expect(server.metric("function_secrets_connections_closed_total{reason=\"error\"}") == 0)
    }

    @Test("max connection age grace (1 s age, 2 s grace): a call that never completes is cut when the grace ends")
    func maxAgeGrace() throws {
        if let why = Tools.pythonClientsMissing { Issue.record(Comment(rawValue: why)); return }
        let server = try ServerProcess(["--max-connection-age", "1s", "--max-connection-age-grace", "2s"])
        defer { server.stop() }
        try GRPCClientTests.pytest(
            "test_max_age.py -k grace", expecting: 1, environment: ["FS_ADDRESS": server.address])
        #expect(
            server.metric("function_secrets_connections_closed_total{reason=\"max_age\"}") == 1,
            Comment(rawValue: server.log))
    }

    @Test("SIGTERM with a call that never completes: closed when the grace period (--shutdown-grace 1s) ends, exit 0")
    func gracePeriod() throws {
        if let why = Tools.pythonClientsMissing { Issue.record(Comment(rawValue: why)); return }
        let server = try ServerProcess(["--shutdown-grace", "1s"])
        try GRPCClientTests.pytest(
            "test_shutdown.py -k grace", expecting: 1,
            environment: [
                "FS_ADDRESS": server.address, "FS_PID": String(server.process.processIdentifier),
            ])
        #expect(server.stop() == 0)
    }
}
