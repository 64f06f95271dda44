/* LD_PRELOAD shim for a power-loss simulation (tests/faults/test_power_loss.py).
 *
 * Wraps fsync and fdatasync: for a file whose name ends in ".aof", it notes the file's size as it
 * was when the sync began (everything written by then is on disk once the sync returns) to the
 * file named by DURABLE_OFFSETS, one "<path> <size>" line per sync. A power cut keeps exactly
 * that much of the file; the rest was only in the page cache.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int note(int fd, int (*sync)(int)) {
    char link[64], path[4096];
    struct stat before;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t length = readlink(link, path, sizeof path - 1);
    int tracked = length > 4 && fstat(fd, &before) == 0;
    if (tracked) {
        path[length] = '\0';
        tracked = strcmp(path + length - 4, ".aof") == 0;
    }
    int result = sync(fd);
    const char *log = getenv("DURABLE_OFFSETS");
    if (tracked && result == 0 && log != NULL) {
        char line[4200];
        int size = snprintf(line, sizeof line, "%s %lld\n", path, (long long)before.st_size);
        int out = open(log, O_WRONLY | O_APPEND | O_CREAT, 0600);
        if (out >= 0) {
            ssize_t written = write(out, line, (size_t)size);
            (void)written;
            close(out);
        }
    }
    return result;
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    return note(fd, real);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    return note(fd, real);
}
