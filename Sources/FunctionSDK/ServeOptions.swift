/// How `serve` serves a function, set from the command line with function-sdk-go's flag names
/// (`--address`, `--insecure`, `--tls-certs-dir`, `--max-recv-message-size`), so a function package
/// runs it as it runs any function. Durations are in nanoseconds.
public struct ServeOptions: Sendable {
    /// Where to listen: `host:port`, `:port` (every interface) or `[v6]:port`.
    public var address = ":9443"
    /// Cleartext HTTP/2 (h2c) instead of mTLS; `crossplane render` runs functions this way.
    public var insecure = false
    /// A directory with tls.crt, tls.key and ca.crt: the server certificate and the CA that client
    /// certificates must chain to (Crossplane mounts it; env `TLS_SERVER_CERTS_DIR`).
    public var tlsCertsDir: String?
    /// Human-readable debug logs instead of JSON lines.
    public var debug = false
    /// The largest request message accepted, in MiB.
    public var maxRecvMessageSizeMB = 4
    /// Prometheus metrics on `http://ADDR/metrics`; "" turns them off.
    public var metricsAddress = ":8080"
    /// How long calls in flight get to finish after SIGTERM or SIGINT.
    public var shutdownGraceNanos: UInt64 = 5_000_000_000
    /// A connection with no call for this long is closed (0: never).
    public var idleTimeoutNanos: UInt64 = 3_600_000_000_000
    /// A connection this old (±10 %) is drained, so that Crossplane re-resolves the Service and
    /// reaches new replicas (0: never).
    public var maxConnectionAgeNanos: UInt64 = 60_000_000_000
    /// Calls still running this long after a max-age GOAWAY are cut (0: never).
    public var maxConnectionAgeGraceNanos: UInt64 = 120_000_000_000
    /// A client PING sooner than this after the previous one, with nothing sent in between, is a
    /// strike; the third gets GOAWAY `too_many_pings`.
    public var keepaliveMinTimeNanos: UInt64 = 60_000_000_000

    /// The defaults of function-sdk-go (and mTLS, so `insecure` or `tlsCertsDir` must be set).
    public init() {}

    /// A flag that cannot be parsed; `description` names the flag and the value.
    public struct UsageError: Error, CustomStringConvertible {
        /// The flag, the value and what was wrong.
        public var description: String
    }

    /// The flags, for `--help`: the program's name goes in the first line, and `more` lists its
    /// other commands under it (`"render XR.yaml [flags]"`).
    public static func usage(program: String, more: [String] = []) -> String {
        let others = more.map { "\n       \(program) \($0)" }.joined()
        return """
            usage: \(program) [serve] [flags]\(others)

            Serves the \(program) Crossplane composition function over gRPC (HTTP/2).

            \(flags)
            """
    }

    /// The flags' help lines.
    public static let flags = """
        flags:
          --address ADDR                 listen address (default ":9443", all interfaces, IPv4 and IPv6)
          --insecure                     serve cleartext HTTP/2 (h2c) without TLS; wins over --tls-certs-dir
          --tls-certs-dir DIR            directory with tls.crt, tls.key and ca.crt for mTLS
                                         (env TLS_SERVER_CERTS_DIR; alias --tls-server-certs-dir)
          --max-recv-message-size MB     largest request message accepted, in MB (default 4)
          --metrics-address ADDR         Prometheus metrics on http://ADDR/metrics (default ":8080"; "" disables)
          --shutdown-grace DURATION      time in-flight calls get to finish after SIGTERM/SIGINT (default 5s)
          --idle-timeout DURATION        GOAWAY a connection with no call for this long (default 1h; 0 never)
          --max-connection-age DURATION  drain a connection this old, ±10% jitter, so that Crossplane re-resolves
                                         the Service and reaches new replicas (default 60s; 0 never)
          --max-connection-age-grace DURATION
                                         calls still running that long after a max-age GOAWAY are cut
                                         (default 120s, Crossplane's reconcile timeout is 2m; 0 never)
          --keepalive-min-time DURATION  a client PING sooner than this after the previous one, with no answer
                                         sent in between, is a strike; the third gets GOAWAY too_many_pings
                                         (default 60s)
          --network tcp                  accepted for compatibility; only tcp is supported
          -d, --debug                    human-readable debug logs instead of JSON
          -h, --help                     show this help
        """

    /// A Go-style duration: a whole number with the unit ms, s, m or h ("500ms", "5s", "1h"); "0" alone.
    package static func duration(_ flag: String, _ text: String) throws -> UInt64 {
        if text == "0" { return 0 }
        let units: [(String, UInt64)] = [
            ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ]
        for (suffix, nanos) in units where text.hasSuffix(suffix) {
            let digits = text.dropLast(suffix.count)
            if !digits.isEmpty, digits.count <= 6, digits.allSatisfy(\.isASCII), let n = UInt64(digits) {
                return n * nanos
            }
        }
        throw UsageError(description: "\(flag) must be a duration such as 500ms, 5s, 10m or 1h, got \"\(text)\"")
    }

    /// Options from command-line arguments (without the program name) and the environment.
    /// Throws `UsageError` naming the flag and the value.
    public static func parse(_ args: [String], environment: [String: String]) throws -> ServeOptions {
        var o = ServeOptions()
        o.tlsCertsDir = environment["TLS_SERVER_CERTS_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        var i = 0
        func value(_ flag: String) throws -> String {
            i += 1
            guard i < args.count else { throw UsageError(description: "flag \(flag) needs a value") }
            return args[i]
        }
        while i < args.count {
            var arg = args[i]
            var inline: String?
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                inline = String(arg[arg.index(after: eq)...])
                arg = String(arg[..<eq])
            }
            func take() throws -> String {
                if let v = inline { return v }
                return try value(arg)
            }
            switch arg {
            case "--address": o.address = try take()
            case "--insecure": o.insecure = inline.map { $0 != "false" } ?? true
            case "--tls-certs-dir", "--tls-server-certs-dir": o.tlsCertsDir = try take()
            case "-d", "--debug": o.debug = inline.map { $0 != "false" } ?? true
            case "--max-recv-message-size":
                let v = try take()
                guard let n = Int(v), n > 0, n <= 2047 else {
                    throw UsageError(
                        description: "--max-recv-message-size must be a whole number of MB from 1 to 2047, got \"\(v)\""
                    )
                }
                o.maxRecvMessageSizeMB = n
            case "--metrics-address": o.metricsAddress = try take()
            case "--shutdown-grace": o.shutdownGraceNanos = try duration(arg, try take())
            case "--idle-timeout": o.idleTimeoutNanos = try duration(arg, try take())
            case "--max-connection-age": o.maxConnectionAgeNanos = try duration(arg, try take())
            case "--max-connection-age-grace": o.maxConnectionAgeGraceNanos = try duration(arg, try take())
            case "--keepalive-min-time": o.keepaliveMinTimeNanos = try duration(arg, try take())
            case "--network":
                let v = try take()
                guard v == "tcp" else { throw UsageError(description: "--network supports only tcp, got \"\(v)\"") }
            default:
                throw UsageError(description: "unknown flag \"\(args[i])\"")
            }
            i += 1
        }
        return o
    }
}
