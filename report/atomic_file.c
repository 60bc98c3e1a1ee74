/* Atomic file writes and output folders. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* mkstemps */
#endif
#include "report/rl_results.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

rl_status rl_write_file_atomic(const char *path, const char *data, size_t len, rl_err *err)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.XXXXXX.tmp", path) >= (int)sizeof tmp)
        return rl_fail(err, RL_ERR_IO, "path too long: %s", path);
    /* mkstemps keeps the ".tmp" suffix so stray files are easy to spot. */
    int fd = mkstemps(tmp, 4);
    if (fd < 0)
        return rl_fail(err, RL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            return rl_fail(err, RL_ERR_IO, "cannot write %s: %s", path, strerror(e));
        }
        done += (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return rl_fail(err, RL_ERR_IO, "cannot write %s: %s", path, strerror(e));
    }
    /* Readable like an ordinary file, not mkstemp's 0600. */
    mode_t mask = umask(0);
    umask(mask);
    chmod(tmp, 0666 & ~mask);
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return rl_fail(err, RL_ERR_IO, "cannot write %s: %s", path, strerror(e));
    }
    return RL_OK;
}

/* Refuse, before anything is created, a folder whose files' paths would not
 * fit: the whole path with the longest name written under it, and each
 * component within NAME_MAX. */
static rl_status check_path_fits(const char *path, rl_err *err)
{
    const size_t len = strlen(path);
    if (len + RL_OUTPUT_NAME_RESERVE >= PATH_MAX)
        return rl_fail(err, RL_ERR_INVALID,
                       "output folder path is too long (%zu bytes; at most %d)", len,
                       PATH_MAX - RL_OUTPUT_NAME_RESERVE - 1);
    for (const char *p = path; *p;) {
        const size_t part = strcspn(p, "/");
        if (part > NAME_MAX)
            return rl_fail(err, RL_ERR_INVALID,
                           "a folder name in the output path is too long (%zu bytes; at most %d)",
                           part, NAME_MAX);
        p += part;
        p += strspn(p, "/");
    }
    return RL_OK;
}

rl_status rl_make_output_dir(const char *path, rl_err *err)
{
    char buf[PATH_MAX];
    if (!path || !*path)
        return rl_fail(err, RL_ERR_INVALID, "empty output folder");
    RL_TRY(check_path_fits(path, err));
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return rl_fail(err, RL_ERR_IO, "cannot create output folder %s: %s", buf,
                               strerror(errno));
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return rl_fail(err, RL_ERR_IO, "output folder %s is not a folder", path);
    return rl_probe_writable(path, err);
}

rl_status rl_probe_writable(const char *dir, rl_err *err)
{
    char probe[PATH_MAX];
    if (snprintf(probe, sizeof probe, "%s/.rooflab-probe.XXXXXX", dir) >= (int)sizeof probe)
        return rl_fail(err, RL_ERR_INVALID, "path too long: %s", dir);
    /* access(W_OK) says yes to root on a read-only mount and knows nothing
     * of a full disk's inodes: only creating a file tells. */
    int fd = mkstemp(probe);
    if (fd < 0)
        return rl_fail(err, RL_ERR_IO, "folder %s is not writable: %s", dir, strerror(errno));
    close(fd);
    unlink(probe);
    return RL_OK;
}
