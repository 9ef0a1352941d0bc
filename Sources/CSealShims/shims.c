#define _GNU_SOURCE
#include <sys/socket.h>
#include "CSealShims.h"

// The Swift side reads SO_PEERCRED into struct seal_ucred; this fails the build if the layouts ever differ.
_Static_assert(sizeof(struct seal_ucred) == sizeof(struct ucred), "seal_ucred must match struct ucred");
_Static_assert(SEAL_SO_PEERCRED == SO_PEERCRED, "SEAL_SO_PEERCRED must match SO_PEERCRED");

#include <sys/prctl.h>

int seal_disable_dumps(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

#include <malloc.h>

int seal_limit_malloc_arenas(int arenas) {
    return mallopt(M_ARENA_MAX, arenas);
}

int seal_trim_memory(void) {
    return malloc_trim(0);
}
