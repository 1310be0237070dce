#ifndef CALLOCCOUNTER_H
#define CALLOCCOUNTER_H
#include <stdint.h>

/// Heap allocations (malloc, calloc, realloc, aligned allocations) made by this process so far.
/// Linked into the render benchmark only: it replaces the allocator entry points of the process.
uint64_t cac_allocations(void);
/// Bytes requested by those allocations.
uint64_t cac_allocated_bytes(void);

#endif
