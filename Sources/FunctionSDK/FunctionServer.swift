import CLinuxShims
import Foundation
import GRPC
import HTTP2
import Glibc
import Transport

/// Serves `function` until SIGTERM or SIGINT, then drains gracefully: what function-sdk-go's
/// `function.Serve` does. It listens on `options.address` (mTLS from `options.tlsCertsDir`, or h2c
/// with `options.insecure`), answers `RunFunction` under v1 and v1beta1, gRPC health and reflection,
/// and serves Prometheus metrics. Returns the process exit code: 0 after a clean shutdown, 1 when
/// it cannot serve, 2 for a bad address.
public func serve(_ function: some CompositionFunction, options: ServeOptions) -> Int32 {
    // Block the signals before the loops start so that only the signalfd sees them.
    let signalFd = cls_signalfd_term()
    let server: FunctionServer
    do {
        server = try FunctionServer(function, options: options)
    } catch {
        Logger(debug: options.debug).log(.error, "cannot serve: \(error.message)")
        return error.exitCode
    }
    server.start()
    if signalFd >= 0 {
        var pfd = pollfd(fd: signalFd, events: Int16(POLLIN), revents: 0)
        while poll(&pfd, 1, -1) < 0 && errno == EINTR {}
        let signo = cls_signalfd_read(signalFd)
        server.log.log(.info, "shutting down", [("signal", String(signo))])
    } else {
        while true { pause() }
    }
    server.shutdown()
    return 0
}

/// Serves `function` with options from the command line (`CommandLine.arguments`, an optional
/// `serve` first) and the environment, and exits: `--help` prints the flags, a bad flag exits 2
/// naming it. The whole `main.swift` of a function can be this one call. `more` lists the
/// program's other commands for `--help`.
public func serve(
    _ function: some CompositionFunction, program: String, more: [String] = [], arguments: [String]? = nil
) -> Never {
    var args = arguments ?? Array(CommandLine.arguments.dropFirst())
    if args.first == "serve" { args.removeFirst() }
    if args.contains("-h") || args.contains("--help") {
        print(ServeOptions.usage(program: program, more: more))
        exit(0)
    }
    do {
        let options = try ServeOptions.parse(args, environment: ProcessInfo.processInfo.environment)
        exit(serve(function, options: options))
    } catch {
        FileHandle.standardError.write(Data("\(program): \(error)\n\n\(ServeOptions.usage(program: program, more: more))\n".utf8))
        exit(2)
    }
}

/// A function served on its event loops until `shutdown`: `serve` without the signal handling,
/// for tests and for programs that decide themselves when to stop.
public final class FunctionServer: Sendable {
    /// Why a server could not start, and the exit code `serve` gives for it.
    public struct StartError: Error, CustomStringConvertible {
        /// What went wrong (an address, a TLS file).
        public let message: String
        /// 1 for a server that cannot start, 2 for a bad address.
        public let exitCode: Int32
        public var description: String { message }
    }

    let log: Logger
    let tcp: TCPServer
    let stats: CallStatistics
    let metrics: MetricsEndpoint?
    let summary: [(String, String)]
    /// The port the gRPC server listens on (the one asked for, or the one the system chose for 0).
    public var port: Int { Int(tcp.port) }
    /// The port of the metrics endpoint, when it is on.
    public var metricsPort: Int? { metrics.map { Int($0.port) } }

    /// Binds the listening sockets (and reads the TLS files); `start` begins serving.
    public init(_ function: some CompositionFunction, options: ServeOptions) throws(StartError) {
        let log = Logger(debug: options.debug)
        self.log = log
        // --insecure wins over a TLS directory, as in function-sdk-go.
        var tls: TLSContext?
        if !options.insecure {
            guard let dir = options.tlsCertsDir else {
                throw StartError(
                    message:
                        "no credentials provided: pass --insecure for cleartext HTTP/2, or --tls-certs-dir (env TLS_SERVER_CERTS_DIR) with tls.crt, tls.key and ca.crt",
                    exitCode: 1)
            }
            do {
                tls = try TLSContext(directory: dir) { message in log.log(.info, message) }
            } catch {
                throw StartError(message: "\(error)", exitCode: 1)
            }
        }
        let address: ListenAddress
        do {
            address = try ListenAddress.parse(options.address)
        } catch {
            throw StartError(message: "\(error)", exitCode: 2)
        }

        cls_ignore_sigpipe()
        cls_fix_malloc_thresholds(128 << 10)
        var grpcOptions = ServerOptions()
        grpcOptions.maxReceiveMessageSize = options.maxRecvMessageSizeMB << 20
        grpcOptions.onHandlerError = { text in log.log(.error, "handler failed", [("call", text)]) }
        var services = FunctionRunnerService.services(for: function) + [HealthService.service]
        let reflection = ReflectionService(
            fileDescriptorSet: ProtoDescriptors.fileDescriptorSet,
            services: services.map(\.name) + ReflectionService.names)
        services += reflection.grpcServices
        let router = Router(services)
        let stats = CallStatistics(knownMethods: Set(router.paths))
        grpcOptions.onCallFinished = { path, code, nanos in stats.record(code, path: path, nanos: nanos) }
        let server = Server(router: router, options: grpcOptions)

        var config = ServerConfiguration(address: address, loops: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        config.shutdownGraceNanos = options.shutdownGraceNanos
        config.http2.idleTimeoutNanos = options.idleTimeoutNanos
        config.http2.maxConnectionAgeNanos = options.maxConnectionAgeNanos
        config.http2.maxConnectionAgeGraceNanos = options.maxConnectionAgeGraceNanos
        config.http2.keepaliveMinTimeNanos = options.keepaliveMinTimeNanos
        config.log = { level, message in
            let l: Logger.Level =
                switch level {
                case .debug: .debug
                case .info: .info
                case .warning: .warning
                case .error: .error
                }
            log.log(l, message)
        }
        do {
            tcp = try TCPServer(config: config, factory: server, tls: tls)
        } catch {
            throw StartError(message: "\(error)", exitCode: 1)
        }
        self.stats = stats
        if options.metricsAddress.isEmpty {
            metrics = nil
        } else {
            do {
                metrics = try MetricsEndpoint(address: try ListenAddress.parse(options.metricsAddress)) { [tcp] in
                    let gauges: String = """
                        # HELP function_secrets_connections Open HTTP/2 connections.
                        # TYPE function_secrets_connections gauge
                        function_secrets_connections \(tcp.connectionCount)
                        # HELP function_secrets_streams_in_flight HTTP/2 streams open.
                        # TYPE function_secrets_streams_in_flight gauge
                        function_secrets_streams_in_flight \(tcp.streamsInFlight)

                        """
                    return stats.prometheus + gauges + tcp.connectionMetrics.prometheus
                }
            } catch {
                throw StartError(message: "metrics on \(options.metricsAddress): \(error)", exitCode: 1)
            }
        }
        summary = [
            ("address", ListenAddress(host: address.host, port: tcp.port).description),
            ("transport", tls == nil ? "h2c" : "mTLS"), ("loops", String(config.loops)),
            ("maxRecvMessageSize", String(grpcOptions.maxReceiveMessageSize)),
            ("maxConnectionAge", Self.seconds(options.maxConnectionAgeNanos)),
        ]
        metricsHost = (try? ListenAddress.parse(options.metricsAddress).host) ?? ""
    }

    private let metricsHost: String

    /// Starts the event loops and the metrics endpoint.
    public func start() {
        _ = cls_trim_code_pages()
        tcp.start()
        if let metrics {
            metrics.start()
            log.log(.info, "metrics", [("address", ListenAddress(host: metricsHost, port: metrics.port).description)])
        }
        log.log(.info, "serving", summary)
    }

    /// Stops accepting, lets calls in flight finish within the shutdown grace, and closes.
    public func shutdown() {
        tcp.shutdown()
        log.log(.info, "stopped", [("callsByStatus", stats.json)])
    }

    private static func seconds(_ nanos: UInt64) -> String {
        nanos == 0 ? "off" : "\(Double(nanos) / 1e9)s"
    }
}
