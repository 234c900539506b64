#ifndef REGIONKIT_CPREFETCH_H
#define REGIONKIT_CPREFETCH_H
static inline void regionkit_prefetch(const void *address) { __builtin_prefetch(address, 1, 3); }
#endif
