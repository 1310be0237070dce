#ifndef CLINUXSHIMS_H
#define CLINUXSHIMS_H

#include <stdint.h>

// Plain-typed wrappers over epoll, eventfd, accept4 and socket options. The header deliberately
// includes no networking headers: Swift would otherwise see a second, incompatible sockaddr_in.

typedef struct {
    uint32_t events;
    uint64_t token;
} cls_event;

extern const uint32_t CLS_EPOLLIN;
extern const uint32_t CLS_EPOLLOUT;
extern const uint32_t CLS_EPOLLERR;
extern const uint32_t CLS_EPOLLHUP;
extern const uint32_t CLS_EPOLLRDHUP;
extern const uint32_t CLS_EPOLLET;

/// Returns an epoll fd (close-on-exec) or -errno.
int cls_epoll_create(void);
/// op: 0 add, 1 modify, 2 delete. Returns 0 or -errno.
int cls_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token);
/// Returns the number of events (>= 0) or -errno.
int cls_epoll_wait(int epfd, cls_event *events, int max_events, int timeout_ms);

/// A non-blocking, close-on-exec eventfd, or -errno.
int cls_eventfd(void);
int cls_eventfd_signal(int fd);
int cls_eventfd_drain(int fd);

/// Opens a non-blocking listening TCP socket. host NULL or "" means all interfaces: [::] with
/// IPV6_V6ONLY off, falling back to 0.0.0.0 where IPv6 is unavailable. Returns fd or -errno
/// (-EINVAL for an unparsable host).
int cls_listen_tcp(const char *host, int port, int backlog, int reuse_port);
/// The port a socket is bound to, or -errno.
int cls_local_port(int fd);
/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC, then TCP_NODELAY. Returns fd or -errno.
int cls_accept(int listen_fd);
/// send() with MSG_NOSIGNAL; returns bytes or -errno.
long cls_send(int fd, const void *buf, unsigned long len);
/// recv(); returns bytes, 0 at EOF, or -errno.
long cls_recv(int fd, void *buf, unsigned long len);
/// shutdown(SHUT_WR); returns 0 or -errno.
int cls_shutdown_write(int fd);
/// shutdown(SHUT_RDWR). On a listening socket this stops listening at once (new SYNs are refused,
/// the accept queue is reset) while the descriptor stays valid; returns 0 or -errno.
int cls_shutdown_both(int fd);
int cls_close(int fd);
/// Monotonic clock in nanoseconds.
uint64_t cls_now_ns(void);
/// Current resident set size in bytes (from /proc/self/statm), or 0.
uint64_t cls_rss_bytes(void);
/// Start-up runs code once that serving never runs again, and each fault maps the 64 KiB around
/// the page touched. This marks the executable's code as randomly accessed (MADV_RANDOM: a fault
/// maps just its page) and unmaps what start-up brought in (MADV_DONTNEED; code is clean and
/// file-backed, so it comes back with a minor fault when run): resident memory then follows the
/// code that serving runs. Returns 0 or -errno.
int cls_trim_code_pages(void);
/// Fixes glibc's mmap and trim thresholds at `bytes`. By default they rise to the largest block
/// freed so far, after which memory freed by a burst (answer buffers of 100 streams) stays in the
/// heap; fixed, large buffers are mapped and unmapped and the heap top is returned after a burst.
void cls_fix_malloc_thresholds(int bytes);
/// Ignore SIGPIPE process-wide.
void cls_ignore_sigpipe(void);
/// Blocks SIGTERM and SIGINT in the calling thread (and threads it creates) and returns a
/// signalfd that becomes readable when either arrives, or -errno.
int cls_signalfd_term(void);
/// Reads one signal from a signalfd; returns the signal number or -errno.
int cls_signalfd_read(int fd);

#endif
