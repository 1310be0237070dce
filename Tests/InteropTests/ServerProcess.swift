import Foundation
import Testing

/// The real `function-secrets` binary, started on a free loopback port for one test.
final class ServerProcess {
    let process = Process()
    let address: String
    private let logURL: URL

    static var binary: URL {
        // swift test builds the executable next to the test bundle.
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("function-secrets")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/function-secrets")
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients")

    /// Starts with `--insecure` unless `tlsDir` is given (then mTLS from that folder), on `host`
    /// (any address of 127.0.0.0/8 stands for another machine: replicas of one function).
    init(_ extraArgs: [String] = [], tlsDir: String? = nil, host: String = "127.0.0.1") throws {
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("fs-server-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.executableURL = Self.binary
        let security = tlsDir.map { ["--tls-certs-dir", $0] } ?? ["--insecure"]
        process.arguments = security + ["--address", "\(host):0", "--metrics-address", "127.0.0.1:0"] + extraArgs
        process.standardError = try FileHandle(forWritingTo: logURL)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The first log line says where it listens.
        let deadline = Date().addingTimeInterval(10)
        var found: String?
        while found == nil && Date() < deadline && process.isRunning {
            if let line = Self.read(logURL).split(separator: "\n").first(where: { $0.contains("\"msg\":\"serving\"") }),
                let range = line.range(of: #""address":"([^"]+)""#, options: .regularExpression)
            {
                found = String(line[range].dropFirst(11).dropLast())
            } else {
                usleep(5_000)
            }
        }
        guard let a = found else {
            process.terminate()
            throw ServerError(log: Self.read(logURL))
        }
        address = a
    }

    /// Where the metrics endpoint listens, from its log line.
    var metricsAddress: String? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("\"msg\":\"metrics\"") }),
            let range = line.range(of: #""address":"([^"]+)""#, options: .regularExpression)
        else { return nil }
        return String(line[range].dropFirst(11).dropLast())
    }

    /// One value of the Prometheus text at /metrics (a sample line that starts with `name`, labels
    /// included), nil when the endpoint or the line is missing.
    func metric(_ name: String) -> Int? {
        guard let m = metricsAddress,
            let r = try? Subprocess.run(["curl", "-sS", "--max-time", "10", "http://\(m)/metrics"]), r.status == 0,
            let line = r.stdout.split(separator: "\n").first(where: { $0.hasPrefix(name + " ") })
        else { return nil }
        return Int(line.split(separator: " ").last!)
    }

    struct ServerError: Error, CustomStringConvertible {
        var log: String
        var description: String { "the server did not start:\n\(log)" }
    }

    var log: String { Self.read(logURL) }

    static func read(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// SIGTERM, then waits; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(15)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { process.interrupt(); process.waitUntilExit() }
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Counts of finished calls by grpc-status, from the shutdown log line.
    func callsByStatus() -> [String: Int] {
        guard let line = log.split(separator: "\n").last(where: { $0.contains("\"msg\":\"stopped\"") }),
            let data = line.data(using: .utf8),
            let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let text = obj["callsByStatus"] as? String,
            let counts = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Int]
        else { return [:] }
        return counts
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: logURL)
    }
}

/// Interop tests need the clients that Tests/setup.sh installs. Under CI they must be there; on a
/// developer machine without them the tests say what to install instead of failing obscurely.
enum Tools {
    static let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"

    static var pythonClientsMissing: String? {
        let r = try? Subprocess.run([
            python, "-c", "import grpc, grpc_reflection, h2, pytest, crossplane.function.proto.v1.run_function_pb2",
        ])
        return r?.status == 0
            ? nil
            : "Python interop clients missing: run Tests/setup.sh (pip install -r Tests/InteropTests/Clients/requirements.txt)"
    }

    static func missing(_ tools: [String]) -> String? {
        let absent = tools.filter { !Subprocess.available($0) }
        return absent.isEmpty ? nil : "missing \(absent.joined(separator: ", ")): run Tests/setup.sh"
    }
}
