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

int seal_fix_malloc_thresholds(int mmap_threshold, int trim_threshold) {
    return mallopt(M_MMAP_THRESHOLD, mmap_threshold) && mallopt(M_TRIM_THRESHOLD, trim_threshold);
}

int seal_trim_memory(void) {
    return malloc_trim(0);
}

size_t seal_free_heap_bytes(void) {
    struct mallinfo2 info = mallinfo2();
    return info.fordblks;
}
