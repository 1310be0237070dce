#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// Function-like macros and composite constants Swift cannot import, as plain functions.

static inline long cossl_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, version, NULL);
}

static inline long cossl_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, mode, NULL); }

static inline long cossl_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, mode, NULL);
}

static inline long cossl_set_read_ahead(SSL_CTX *ctx, long on) { return SSL_CTX_ctrl(ctx, SSL_CTRL_SET_READ_AHEAD, on, NULL); }

static inline long cossl_set1_groups_list(SSL_CTX *ctx, const char *list) {
    return SSL_CTX_ctrl(ctx, SSL_CTRL_SET_GROUPS_LIST, 0, (char *)list);
}

static const uint64_t COSSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
static const uint64_t COSSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
static const uint64_t COSSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;
static const uint64_t COSSL_OP_NO_TICKET = SSL_OP_NO_TICKET;
static const uint64_t COSSL_OP_IGNORE_UNEXPECTED_EOF = SSL_OP_IGNORE_UNEXPECTED_EOF;
static const long COSSL_MODE_PARTIAL_WRITE = SSL_MODE_ENABLE_PARTIAL_WRITE;
static const long COSSL_MODE_MOVING_WRITE_BUFFER = SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
static const long COSSL_SESS_CACHE_OFF = SSL_SESS_CACHE_OFF;

/// The ALPN select callback: picks "h2" from the client's list, walking it ourselves (a length
/// octet and a name per entry, bounds-checked), or fails the handshake with no_application_protocol.
static inline int cossl_alpn_select_h2(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                                       const unsigned char *in, unsigned int inlen, void *arg) {
    (void)ssl;
    (void)arg;
    unsigned int i = 0;
    while (i < inlen) {
        unsigned int n = in[i];
        if (n == 0 || n > inlen - i - 1) return SSL_TLSEXT_ERR_ALERT_FATAL;
        if (n == 2 && in[i + 1] == 'h' && in[i + 2] == '2') {
            *out = in + i + 1;
            *outlen = 2;
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + n;
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static inline void cossl_set_alpn_h2(SSL_CTX *ctx) { SSL_CTX_set_alpn_select_cb(ctx, cossl_alpn_select_h2, NULL); }

/// Seconds until the certificate expires (negative once expired), or a huge value when unknown.
static inline long long cossl_cert_seconds_left(X509 *cert) {
    int days = 0, secs = 0;
    if (!ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert))) return 1LL << 40;
    return (long long)days * 86400 + secs;
}

#endif
