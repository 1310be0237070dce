// Counts heap allocations by interposing the C allocator's entry points and forwarding to glibc's
// own implementations (__libc_*), which glibc exports for exactly this. Only the render benchmark
// links this target; the server never does.
#include "CAllocCounter.h"
#include <stdatomic.h>
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static _Atomic uint64_t allocations;
static _Atomic uint64_t bytes;

static inline void count(size_t n) {
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&bytes, n, memory_order_relaxed);
}

void *malloc(size_t n) { count(n); return __libc_malloc(n); }
void *calloc(size_t k, size_t n) { count(k * n); return __libc_calloc(k, n); }
void *realloc(void *p, size_t n) { count(n); return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { count(n); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { count(n); return __libc_memalign(a, n); }
int posix_memalign(void **out, size_t a, size_t n) {
    count(n);
    void *p = __libc_memalign(a, n);
    if (!p) return 12;   // ENOMEM
    *out = p;
    return 0;
}

uint64_t cac_allocations(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }
uint64_t cac_allocated_bytes(void) { return atomic_load_explicit(&bytes, memory_order_relaxed); }
