// LD_PRELOAD library for scripts/order-startup-text.py: records which functions of the executable run.
//
// At load it writes int3 over the first byte of every address listed in $CALLTRACE_IN (little-endian u64 offsets
// from the executable's load base, ascending: function symbols and .text input-section starts). The first time one
// runs, the trap handler puts the byte back, appends the offset to $CALLTRACE_OUT and resumes the function, so each
// function costs one trap and the program otherwise runs as built. x86-64 Linux only (int3 is one byte; RIP).
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <ucontext.h>
#include <unistd.h>

static uintptr_t base;
static uint64_t *entries;
static uint8_t *saved;
static size_t count;
static int out_fd = -1;

static void on_trap(int sig, siginfo_t *info, void *context) {
    (void)sig; (void)info;
    ucontext_t *uc = context;
    uintptr_t at = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] - 1;
    uint64_t offset = at - base;
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (entries[mid] < offset) lo = mid + 1; else hi = mid;
    }
    if (lo == count || entries[lo] != offset) {
        // Not one of ours: a real breakpoint or trap; let it take the default action.
        signal(SIGTRAP, SIG_DFL);
        return;
    }
    // Another thread may have restored it between its trap and ours: then only resume.
    if (*(volatile uint8_t *)at == 0xCC) {
        *(volatile uint8_t *)at = saved[lo];
        if (write(out_fd, &offset, sizeof offset) != sizeof offset) { /* the trace is short; the order is only worse */ }
    }
    uc->uc_mcontext.gregs[REG_RIP] = at;
}

__attribute__((constructor)) static void install(void) {
    const char *in = getenv("CALLTRACE_IN"), *out = getenv("CALLTRACE_OUT");
    if (in == NULL || out == NULL) return;
    unsetenv("LD_PRELOAD");
    char exe[4096];
    ssize_t length = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (length <= 0) return;
    exe[length] = 0;
    uintptr_t text_lo = 0, text_hi = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL) return;
    char line[8192];
    while (fgets(line, sizeof line, maps)) {
        unsigned long lo, hi, offset;
        char perms[8], path[4096] = "";
        if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %4095s", &lo, &hi, perms, &offset, path) < 4) continue;
        if (strcmp(path, exe) != 0) continue;
        if (offset == 0 && base == 0) base = lo;
        if (perms[2] == 'x') { text_lo = lo; text_hi = hi; }
    }
    fclose(maps);
    int fd = open(in, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || text_hi == 0) return;
    entries = malloc(st.st_size);
    saved = malloc(st.st_size / 8);
    if (entries == NULL || saved == NULL || read(fd, entries, st.st_size) != st.st_size) return;
    close(fd);
    out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    if (out_fd < 0) return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_trap;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGTRAP, &action, NULL);
    // The text becomes private, written copies for this traced run only; the file is untouched.
    if (mprotect((void *)text_lo, text_hi - text_lo, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) return;
    size_t kept = 0;
    for (size_t i = 0; i < (size_t)st.st_size / 8; i++) {
        uintptr_t at = base + entries[i];
        if (at < text_lo || at >= text_hi) continue;
        entries[kept] = entries[i];
        saved[kept] = *(uint8_t *)at;
        *(uint8_t *)at = 0xCC;
        kept++;
    }
    count = kept;
}
