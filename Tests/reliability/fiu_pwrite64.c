/* libfiu 1.1's POSIX preload wraps pwrite() but not pwrite64(), which is what Debian's SQLite calls. This adds
 * the missing wrapper under libfiu's own failure point name, so `fiu-ctrl -c "enable name=posix/io/rw/pwrite"`
 * fails SQLite's writes as it fails any other pwrite. failinfo, when given, is the errno (5 = EIO). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fiu.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset) {
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real) real = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
    if (fiu_fail("posix/io/rw/pwrite")) {
        intptr_t info = (intptr_t)fiu_failinfo();
        errno = info ? (int)info : EIO;
        return -1;
    }
    return real(fd, buf, count, offset);
}
