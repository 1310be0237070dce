#define _GNU_SOURCE
#include "CLinuxShims.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

const uint32_t CLS_EPOLLIN = EPOLLIN;
const uint32_t CLS_EPOLLOUT = EPOLLOUT;
const uint32_t CLS_EPOLLERR = EPOLLERR;
const uint32_t CLS_EPOLLHUP = EPOLLHUP;
const uint32_t CLS_EPOLLRDHUP = EPOLLRDHUP;
const uint32_t CLS_EPOLLET = EPOLLET;

int cls_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int cls_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = token;
    int cop = op == 0 ? EPOLL_CTL_ADD : (op == 1 ? EPOLL_CTL_MOD : EPOLL_CTL_DEL);
    return epoll_ctl(epfd, cop, fd, &ev) < 0 ? -errno : 0;
}

int cls_epoll_wait(int epfd, cls_event *events, int max_events, int timeout_ms) {
    struct epoll_event evs[256];
    if (max_events > 256) max_events = 256;
    int n = epoll_wait(epfd, evs, max_events, timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        events[i].events = evs[i].events;
        events[i].token = evs[i].data.u64;
    }
    return n;
}

int cls_eventfd(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int cls_eventfd_signal(int fd) {
    uint64_t one = 1;
    return write(fd, &one, sizeof one) < 0 ? -errno : 0;
}

int cls_eventfd_drain(int fd) {
    uint64_t v;
    return read(fd, &v, sizeof v) < 0 ? -errno : 0;
}

static int listen_on(int family, const struct sockaddr *addr, socklen_t len, int backlog, int reuse_port) {
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (reuse_port) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (family == AF_INET6) {
        const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)addr;
        // Dual stack only for the wildcard address; a specific v6 address stays v6.
        int v6only = IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr) ? zero : one;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    }
    if (bind(fd, addr, len) < 0 || listen(fd, backlog) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int cls_listen_tcp(const char *host, int port, int backlog, int reuse_port) {
    if (port < 0 || port > 65535) return -EINVAL;
    if (host == NULL || host[0] == 0) {
        struct sockaddr_in6 a6;
        memset(&a6, 0, sizeof a6);
        a6.sin6_family = AF_INET6;
        a6.sin6_addr = in6addr_any;
        a6.sin6_port = htons((uint16_t)port);
        int fd = listen_on(AF_INET6, (struct sockaddr *)&a6, sizeof a6, backlog, reuse_port);
        if (fd != -EAFNOSUPPORT && fd != -EADDRNOTAVAIL) return fd;
        struct sockaddr_in a4;
        memset(&a4, 0, sizeof a4);
        a4.sin_family = AF_INET;
        a4.sin_addr.s_addr = htonl(INADDR_ANY);
        a4.sin_port = htons((uint16_t)port);
        return listen_on(AF_INET, (struct sockaddr *)&a4, sizeof a4, backlog, reuse_port);
    }
    struct sockaddr_in a4;
    memset(&a4, 0, sizeof a4);
    if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)port);
        return listen_on(AF_INET, (struct sockaddr *)&a4, sizeof a4, backlog, reuse_port);
    }
    struct sockaddr_in6 a6;
    memset(&a6, 0, sizeof a6);
    if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)port);
        return listen_on(AF_INET6, (struct sockaddr *)&a6, sizeof a6, backlog, reuse_port);
    }
    if (strcmp(host, "localhost") == 0) return cls_listen_tcp("127.0.0.1", port, backlog, reuse_port);
    return -EINVAL;
}

int cls_local_port(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return -errno;
    if (ss.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -EAFNOSUPPORT;
}

int cls_accept(int listen_fd) {
    int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return -errno;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

long cls_send(int fd, const void *buf, unsigned long len) {
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    return n < 0 ? -errno : (long)n;
}

long cls_recv(int fd, void *buf, unsigned long len) {
    ssize_t n = recv(fd, buf, len, 0);
    return n < 0 ? -errno : (long)n;
}

int cls_shutdown_write(int fd) { return shutdown(fd, SHUT_WR) < 0 ? -errno : 0; }

int cls_shutdown_both(int fd) { return shutdown(fd, SHUT_RDWR) < 0 ? -errno : 0; }

int cls_close(int fd) { return close(fd) < 0 ? -errno : 0; }

uint64_t cls_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t cls_rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long size = 0, resident = 0;
    int n = fscanf(f, "%lu %lu", &size, &resident);
    fclose(f);
    if (n != 2) return 0;
    return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

void cls_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

int cls_signalfd_term(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) return -EINVAL;
    int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int cls_signalfd_read(int fd) {
    struct signalfd_siginfo si;
    ssize_t n = read(fd, &si, sizeof si);
    if (n < 0) return -errno;
    if (n != sizeof si) return -EIO;
    return (int)si.ssi_signo;
}

#include <sys/mman.h>

// Linker-defined bounds of the executable's code (GNU ld, gold and lld all define them).
extern char __executable_start;
extern char etext;

int cls_trim_code_pages(void) {
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)&__executable_start & ~(uintptr_t)(page - 1);
    uintptr_t end = (uintptr_t)&etext & ~(uintptr_t)(page - 1);
    if (end <= start) return -EINVAL;
    // Code pages are clean and file-backed: dropping them costs a minor fault when next run, and
    // the relocated data segments (which are not clean) lie outside this range.
    if (madvise((void *)start, end - start, MADV_RANDOM) != 0) return -errno;
    if (madvise((void *)start, end - start, MADV_DONTNEED) != 0) return -errno;
    return 0;
}

#include <malloc.h>

void cls_fix_malloc_thresholds(int bytes) {
    mallopt(M_MMAP_THRESHOLD, bytes);
    mallopt(M_TRIM_THRESHOLD, bytes);
}
