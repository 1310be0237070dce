import CLinuxShims
import FunctionSDK
import GRPC
import HTTP2
import Glibc
import Transport

/// `function-secrets serve`: wires the function into gRPC, gRPC into the transport, and waits for
/// SIGTERM or SIGINT to shut down gracefully.
enum ServeCommand {
    static func run(_ options: ServeOptions, function: some CompositionFunction) -> Int32 {
        let log = Logger(debug: options.debug)
        // --insecure wins over a TLS directory, as in function-sdk-go.
        var tls: TLSContext?
        if !options.insecure {
            guard let dir = options.tlsCertsDir else {
                log.log(
                    .error,
                    "cannot serve: no credentials provided: pass --insecure for cleartext HTTP/2, or --tls-certs-dir (env TLS_SERVER_CERTS_DIR) with tls.crt, tls.key and ca.crt"
                )
                return 1
            }
            do {
                tls = try TLSContext(directory: dir) { message in log.log(.info, message) }
            } catch {
                log.log(.error, "cannot serve: \(error)")
                return 1
            }
        }
        let address: ListenAddress
        do {
            address = try ListenAddress.parse(options.address)
        } catch {
            log.log(.error, "cannot serve: \(error)")
            return 2
        }

        cls_ignore_sigpipe()
        cls_fix_malloc_thresholds(128 << 10)
        // Block the signals before the loops start so that only the signalfd sees them.
        let signalFd = cls_signalfd_term()

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
        let tcp: TCPServer
        do {
            tcp = try TCPServer(config: config, factory: server, tls: tls)
        } catch {
            log.log(.error, "cannot serve: \(error)")
            return 1
        }
        _ = cls_trim_code_pages()
        tcp.start()
        if !options.metricsAddress.isEmpty {
            do {
                let metrics = try MetricsEndpoint(address: try ListenAddress.parse(options.metricsAddress)) { [tcp] in
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
                metrics.start()
                log.log(
                    .info, "metrics",
                    [
                        (
                            "address",
                            ListenAddress(
                                host: (try? ListenAddress.parse(options.metricsAddress).host) ?? "", port: metrics.port
                            ).description
                        )
                    ])
            } catch {
                log.log(.error, "cannot serve metrics: \(error)")
                return 1
            }
        }
        log.log(
            .info, "serving",
            [
                ("address", ListenAddress(host: address.host, port: tcp.port).description),
                ("transport", tls == nil ? "h2c" : "mTLS"), ("loops", String(config.loops)),
                ("maxRecvMessageSize", String(grpcOptions.maxReceiveMessageSize)),
                ("maxConnectionAge", Self.seconds(options.maxConnectionAgeNanos)),
            ])
        if signalFd >= 0 {
            var pfd = pollfd(fd: signalFd, events: Int16(POLLIN), revents: 0)
            while poll(&pfd, 1, -1) < 0 && errno == EINTR {}
            let signo = cls_signalfd_read(signalFd)
            log.log(.info, "shutting down", [("signal", String(signo))])
        } else {
            while true { pause() }
        }
        tcp.shutdown()
        log.log(.info, "stopped", [("callsByStatus", stats.json)])
        return 0
    }

    private static func seconds(_ nanos: UInt64) -> String {
        nanos == 0 ? "off" : "\(Double(nanos) / 1e9)s"
    }
}
