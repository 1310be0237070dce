import CLinuxShims
import COpenSSL
import Foundation
import Synchronization

/// The server's TLS configuration from Crossplane's certificate directory: TLS 1.2+, ALPN `h2`
/// required, client certificates required and verified against `ca.crt` (mTLS). Crossplane
/// regenerates the certificates when its CA or the Secret is recreated and kubelet updates the
/// mounted files in place, so the files are re-checked (at most once a second, on accept) and a
/// changed set is loaded for new connections; existing connections keep theirs.
public final class TLSContext: @unchecked Sendable {
    private struct Current {
        var ctx: OpaquePointer
        var signature: [Int64]
        var checkedAt: UInt64
    }

    private let directory: String
    private let current: Mutex<Current>
    /// Told about reloads, and about changed files that do not load (the old ones stay in use).
    public let onReload: (@Sendable (String) -> Void)?

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    public static let files = ["tls.crt", "tls.key", "ca.crt"]

    public init(directory: String, onReload: (@Sendable (String) -> Void)? = nil) throws {
        self.directory = directory
        self.onReload = onReload
        let signature = Self.signature(directory)
        current = Mutex(Current(ctx: try Self.build(directory), signature: signature, checkedAt: cls_now_ns()))
    }

    deinit { current.withLock { SSL_CTX_free($0.ctx) } }

    /// Modification time, size and inode of each file (kubelet swaps a symlinked folder).
    static func signature(_ directory: String) -> [Int64] {
        files.flatMap { name -> [Int64] in
            var st = stat()
            guard stat((directory as NSString).appendingPathComponent(name), &st) == 0 else { return [-1, -1, -1, -1] }
            return [Int64(st.st_mtim.tv_sec), Int64(st.st_mtim.tv_nsec), Int64(st.st_size), Int64(st.st_ino)]
        }
    }

    /// A new connection's SSL object, from the current certificates. SSL_new takes its own
    /// reference on the context, so a later reload never frees it under a live connection.
    func newSSL(now: UInt64) -> OpaquePointer? {
        current.withLock { c in
            if now &- c.checkedAt >= 1_000_000_000 {
                c.checkedAt = now
                let signature = Self.signature(directory)
                if signature != c.signature {
                    c.signature = signature
                    do {
                        let fresh = try Self.build(directory)
                        SSL_CTX_free(c.ctx)
                        c.ctx = fresh
                        onReload?("TLS certificates reloaded from \(directory)")
                    } catch {
                        onReload?(
                            "TLS certificates in \(directory) changed but do not load, keeping the previous ones: \(error)"
                        )
                    }
                }
            }
            return SSL_new(c.ctx)
        }
    }

    static func build(_ directory: String) throws -> OpaquePointer {
        let dir = URL(fileURLWithPath: directory)
        let crt = dir.appendingPathComponent("tls.crt").path
        let key = dir.appendingPathComponent("tls.key").path
        let ca = dir.appendingPathComponent("ca.crt").path
        for path in [crt, key, ca] {
            guard let h = FileHandle(forReadingAtPath: path) else {
                throw SetupError(description: "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            try? h.close()
        }
        guard let ctx = SSL_CTX_new(TLS_server_method()) else {
            throw SetupError(description: "SSL_CTX_new: \(Self.lastError())")
        }
        var ok = false
        defer { if !ok { SSL_CTX_free(ctx) } }
        _ = cossl_set_min_proto_version(ctx, TLS1_2_VERSION)
        SSL_CTX_set_options(
            ctx,
            COSSL_OP_NO_RENEGOTIATION | COSSL_OP_NO_COMPRESSION | COSSL_OP_CIPHER_SERVER_PREFERENCE
                | COSSL_OP_NO_TICKET | COSSL_OP_IGNORE_UNEXPECTED_EOF)
        // TLS 1.2: ECDHE with AEAD only (RFC 9113 section 9.2.2).
        _ = SSL_CTX_set_cipher_list(
            ctx,
            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305")
        // TLS 1.3: AES-128-GCM first (with server preference it is what gets chosen): the cheapest
        // AEAD with AES-NI, which matters for messages of hundreds of KB.
        _ = SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256")
        _ = cossl_set1_groups_list(ctx, "X25519:P-256:P-384")
        // Buffers are kept between reads: a connection from core is long-lived and busy, and
        // releasing them costs an allocation per record.
        _ = cossl_set_mode(ctx, COSSL_MODE_PARTIAL_WRITE | COSSL_MODE_MOVING_WRITE_BUFFER)
        // One read() per burst of records instead of two per record (header, then body).
        _ = cossl_set_read_ahead(ctx, 1)
        _ = cossl_set_session_cache_mode(ctx, COSSL_SESS_CACHE_OFF)
        guard SSL_CTX_use_certificate_chain_file(ctx, crt) == 1 else {
            throw SetupError(description: "cannot load the certificate chain \(crt): \(Self.lastError())")
        }
        guard SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1 else {
            // OpenSSL already compares the key with the certificate here.
            if ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH {
                ERR_clear_error()
                throw SetupError(description: "the private key \(key) does not match the certificate \(crt)")
            }
            throw SetupError(description: "cannot load the private key \(key): \(Self.lastError())")
        }
        guard SSL_CTX_check_private_key(ctx) == 1 else {
            throw SetupError(description: "the private key \(key) does not match the certificate \(crt)")
        }
        if let cert = SSL_CTX_get0_certificate(ctx), cossl_cert_seconds_left(cert) < 0 {
            throw SetupError(description: "the certificate \(crt) has expired")
        }
        guard SSL_CTX_load_verify_locations(ctx, ca, nil) == 1 else {
            throw SetupError(description: "cannot load the client CA \(ca): \(Self.lastError())")
        }
        if let names = SSL_load_client_CA_file(ca) { SSL_CTX_set_client_CA_list(ctx, names) }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        SSL_CTX_set_verify_depth(ctx, 4)
        cossl_set_alpn_h2(ctx)
        ERR_clear_error()
        ok = true
        return ctx
    }

    /// The oldest error on this thread's OpenSSL queue, as text (the queue is then cleared).
    static func lastError() -> String {
        let code = ERR_peek_last_error()
        defer { ERR_clear_error() }
        guard code != 0 else { return "unknown error" }
        var buf = [CChar](repeating: 0, count: 256)
        buf.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// One connection's TLS state, driven without blocking from the epoll loop.
final class TLSSession {
    let ssl: OpaquePointer
    private(set) var established = false

    enum Outcome {
        case ok(Int)
        case wantRead
        case wantWrite
        case closed
        case failed(String)
    }

    init?(context: TLSContext, fd: Int32, now: UInt64) {
        guard let ssl = context.newSSL(now: now) else { return nil }
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        SSL_set_accept_state(ssl)
    }

    deinit { SSL_free(ssl) }

    private func outcome(_ ret: Int32) -> Outcome {
        let err = SSL_get_error(ssl, ret)
        switch err {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL: return errno == 0 ? .closed : .failed(String(cString: strerror(errno)))
        default: return .failed(TLSContext.lastError())
        }
    }

    /// Advances the handshake; on success checks that ALPN chose `h2` and a verified client
    /// certificate was presented.
    func handshake() -> Outcome {
        ERR_clear_error()
        let r = SSL_do_handshake(ssl)
        guard r == 1 else { return outcome(r) }
        var proto: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &proto, &length)
        guard length == 2, let p = proto, p[0] == UInt8(ascii: "h"), p[1] == UInt8(ascii: "2") else {
            return .failed("the client did not negotiate ALPN h2")
        }
        guard let cert = SSL_get1_peer_certificate(ssl) else { return .failed("no client certificate") }
        X509_free(cert)
        guard SSL_get_verify_result(ssl) == X509_V_OK else { return .failed("client certificate not verified") }
        established = true
        return .ok(0)
    }

    func read(_ buffer: UnsafeMutableRawBufferPointer) -> Outcome {
        ERR_clear_error()
        var n = 0
        let r = SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &n)
        return r == 1 ? .ok(n) : outcome(r)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        ERR_clear_error()
        var n = 0
        let r = SSL_write_ex(ssl, bytes.baseAddress, bytes.count, &n)
        return r == 1 ? .ok(n) : outcome(r)
    }

    /// Sends close_notify, best effort and without waiting for the peer's.
    func shutdown() {
        guard established else { return }
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }
}
