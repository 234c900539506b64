#ifndef REGIONKIT_CPREFETCH_H
#define REGIONKIT_CPREFETCH_H
static inline void regionkit_prefetch(const void *address) { __builtin_prefetch(address, 1, 3); }

#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
/// glibc's `malloc_trim(0)`: gives the free memory of the allocator's heaps back to the system.
static inline void regionkit_malloc_trim(void) { malloc_trim(0); }
#else
static inline void regionkit_malloc_trim(void) {}
#endif
#endif
