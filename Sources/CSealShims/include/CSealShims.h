#ifndef CSEALSHIMS_H
#define CSEALSHIMS_H

#include <stddef.h>
#include <stdint.h>

/// Layout-identical to Linux's `struct ucred`, which Glibc only declares under _GNU_SOURCE (hidden from Swift).
/// Read with getsockopt(SOL_SOCKET, SO_PEERCRED).
struct seal_ucred {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
};

/// SO_PEERCRED (asm-generic/socket.h), spelled here so Swift sees it whatever Glibc's module exports.
#define SEAL_SO_PEERCRED 17

/// prctl(PR_SET_DUMPABLE, 0): no core dumps, no same-user ptrace. <sys/prctl.h> is not in Swift's Glibc module.
int seal_disable_dumps(void);

/// mallopt(M_ARENA_MAX, n): <malloc.h> is not in Swift's Glibc module.
int seal_limit_malloc_arenas(int arenas);

/// Fixes malloc's mmap and trim thresholds (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD), which glibc otherwise raises
/// each time a large block is freed; returns nonzero on success.
int seal_fix_malloc_thresholds(int mmap_threshold, int trim_threshold);

/// malloc_trim(0): gives freed heap pages back to the system.
int seal_trim_memory(void);

/// Bytes malloc holds free in its arenas (mallinfo2's fordblks), whether or not their pages were given back.
size_t seal_free_heap_bytes(void);

#endif
