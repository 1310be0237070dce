import CLinuxShims
import Foundation
import Glibc

/// Serves Prometheus text on `GET /metrics` over HTTP/1.1, on its own thread, one scrape at a time.
/// Scrapes are rare and small, so it stays off the event loops. Every read is bounded in size and time.
public final class MetricsEndpoint: @unchecked Sendable {
    private let fd: Int32
    public let port: Int
    private let body: @Sendable () -> String

    public init(address: ListenAddress, body: @escaping @Sendable () -> String) throws {
        let fd = address.host.withCString {
            cls_listen_tcp(address.host.isEmpty ? nil : $0, Int32(address.port), 16, 0)
        }
        guard fd >= 0 else { throw TransportError("listen on \(address) for metrics", -fd) }
        self.fd = fd
        self.port = Int(cls_local_port(fd))
        self.body = body
    }

    public func start() {
        let t = Thread { [self] in run() }
        t.name = "metrics"
        t.start()
    }

    private func run() {
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, -1) > 0 else { continue }
            let client = cls_accept(fd)
            if client < 0 { continue }
            serve(client)
            _ = cls_close(client)
        }
    }

    private func serve(_ client: Int32) {
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = cls_now_ns() &+ 2_000_000_000
        while request.count < 8192 && !request.suffix(4).elementsEqual([13, 10, 13, 10]) {
            var p = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(0, Int64(deadline) - Int64(cls_now_ns())) / 1_000_000)
            guard left > 0, poll(&p, 1, left) > 0 else { return }
            let n = buffer.withUnsafeMutableBytes { cls_recv(client, $0.baseAddress, 4096) }
            guard n > 0 else { return }
            request += buffer[0..<n]
        }
        let line = String(decoding: request.prefix { $0 != 13 }, as: UTF8.self)
        let response: String
        if line.hasPrefix("GET /metrics ") || line.hasPrefix("GET /metrics?") {
            let text = body()
            response =
                "HTTP/1.1 200 OK\r\ncontent-type: text/plain; version=0.0.4; charset=utf-8\r\ncontent-length: \(text.utf8.count)\r\nconnection: close\r\n\r\n"
                + text
        } else {
            let text = "not found: metrics are at /metrics\n"
            response =
                "HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: \(text.utf8.count)\r\nconnection: close\r\n\r\n"
                + text
        }
        var bytes = Array(response.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { cls_send(client, $0.baseAddress, UInt($0.count)) }
            if n > 0 { bytes = bytes.dropFirst(n) } else if n == -Int(EAGAIN) { usleep(1000) } else { return }
            if cls_now_ns() > deadline { return }
        }
    }
}
