#ifndef CTHREADSLOT_H
#define CTHREADSLOT_H

// One pointer per thread, read and written in a single instruction. Swift has no thread-local
// storage of its own, and pthread_getspecific behind a lazily made key costs a call and a
// once-check on every object a template renders.
extern _Thread_local void *cts_slot;

static inline void *cts_get(void) { return cts_slot; }
static inline void cts_set(void *p) { cts_slot = p; }

#endif
