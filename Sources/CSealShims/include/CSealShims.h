#ifndef CSEALSHIMS_H
#define CSEALSHIMS_H

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

/// malloc_trim(0): gives freed heap pages back to the system.
int seal_trim_memory(void);

#endif
