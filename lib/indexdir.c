/*
 * Index directory management: generations, the CURRENT stub and the
 * writer lock. Every step that publishes is followed by fsync of the file
 * and of the directory, so a crash leaves either the old or the new
 * CURRENT, both pointing at complete databases.
 */
#define _GNU_SOURCE /* copy_file_range */
#include "indexdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define GEN_FMT "gen-%06u"

static int mkdir_p(const char *dir)
{
    char buf[4096];
    size_t n = strlen(dir);

    if (n >= sizeof(buf))
        return -1;
    memcpy(buf, dir, n + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

int index_lock(const char *dir, int *fd, struct err *e)
{
    char path[4096], pid[32];
    int f, n;

    if (mkdir_p(dir) < 0)
        return err_set(e, ERR_IO, "%s: cannot create index directory: %s",
                       dir, strerror(errno));
    snprintf(path, sizeof(path), "%s/LOCK", dir);
    f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (f < 0)
        return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
    if (flock(f, LOCK_EX | LOCK_NB) < 0) {
        int saved = errno;
        n = (int)pread(f, pid, sizeof(pid) - 1, 0);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        close(f);
        if (saved == EWOULDBLOCK)
            return err_set(e, ERR_LOCKED,
                           "index %s is being updated by another process "
                           "(pid %s); try again when it has finished",
                           dir, *pid ? pid : "unknown");
        return err_set(e, ERR_IO, "%s: %s", path, strerror(saved));
    }
    n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(f, 0) < 0 || pwrite(f, pid, (size_t)n, 0) != n) {
        /* The pid is only informative; the flock is what counts. */
    }
    *fd = f;
    return 0;
}

void index_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}

void index_gen_path(const char *dir, unsigned gen, int tmp, char *path,
                    size_t cap)
{
    snprintf(path, cap, "%s/" GEN_FMT "%s", dir, gen, tmp ? ".tmp" : "");
}

int index_current(const char *dir, unsigned *gen, char *path, size_t cap,
                  struct err *e)
{
    char cur[4096], line[256];
    FILE *f;
    unsigned g;

    snprintf(cur, sizeof(cur), "%s/CURRENT", dir);
    f = fopen(cur, "r");
    if (!f) {
        if (errno == ENOENT)
            return err_set(e, ERR_NOTFOUND, "%s: no index built yet", dir);
        return err_set(e, ERR_IO, "%s: %s", cur, strerror(errno));
    }
    if (!fgets(line, sizeof(line), f) ||
        sscanf(line, "auto " GEN_FMT, &g) != 1) {
        fclose(f);
        return err_set(e, ERR_FORMAT, "%s: not an index stub file", cur);
    }
    fclose(f);
    *gen = g;
    if (path)
        index_gen_path(dir, g, 0, path, cap);
    return 0;
}

static int fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int index_publish(const char *dir, unsigned gen, struct err *e)
{
    char tmp[4096], cur[4096];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s/CURRENT.tmp", dir);
    snprintf(cur, sizeof(cur), "%s/CURRENT", dir);
    f = fopen(tmp, "w");
    if (!f)
        return err_set(e, ERR_IO, "%s: %s", tmp, strerror(errno));
    fprintf(f, "auto " GEN_FMT "\n", gen);
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        int saved = errno;
        fclose(f);
        return err_set(e, ERR_IO, "%s: %s", tmp, strerror(saved));
    }
    fclose(f);
    if (rename(tmp, cur) < 0)
        return err_set(e, ERR_IO, "rename %s: %s", cur, strerror(errno));
    if (fsync_path(dir, O_RDONLY | O_DIRECTORY) < 0)
        return err_set(e, ERR_IO, "%s: fsync: %s", dir, strerror(errno));
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

int remove_tree(const char *path)
{
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int index_sweep(const char *dir, unsigned keep_from)
{
    char path[4096];
    struct dirent *de;
    unsigned live = 0;
    int failed = 0, rc;
    DIR *d;

    /* A generation beyond the live one was never published: a build was
     * killed while compacting or before its switch. Kept when CURRENT is
     * unreadable, since the live one is unknown then. */
    rc = index_current(dir, &live, NULL, 0, NULL);
    if (rc == ERR_NOTFOUND)
        live = 0;
    else if (rc < 0)
        live = UINT_MAX;
    d = opendir(dir);
    if (!d)
        return 1;
    while ((de = readdir(d))) {
        unsigned g;
        int off = 0;
        size_t n = strlen(de->d_name);

        if (sscanf(de->d_name, GEN_FMT "%n", &g, &off) != 1 || off < 4)
            continue;
        if (!(n > 4 && strcmp(de->d_name + n - 4, ".tmp") == 0) &&
            g >= keep_from && g <= live)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (remove_tree(path) < 0)
            failed++;
    }
    closedir(d);
    return failed;
}

void index_read_path(const char *path, char *out, size_t cap)
{
    struct stat st;

    snprintf(out, cap, "%s/CURRENT", path);
    if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
        return;
    snprintf(out, cap, "%s", path);
}

/* Copies one open file to another: in the kernel where it can, else
 * through a buffer. */
static int copy_fd(int in, int out)
{
    char buf[1 << 16];
    ssize_t n;

    for (;;) {
        n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
        if (n == 0)
            return 0;
        if (n < 0)
            break;
    }
    if (errno != ENOSYS && errno != EXDEV && errno != EINVAL &&
        errno != EOPNOTSUPP)
        return -1;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0)
                return -1;
            done += w;
        }
    return n < 0 ? -1 : 0;
}

static int copy_file(const char *src, const char *dst, struct err *e)
{
    int in = open(src, O_RDONLY | O_CLOEXEC), out, rc;

    if (in < 0)
        return err_set(e, ERR_IO, "%s: %s", src, strerror(errno));
    out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        rc = err_set(e, ERR_IO, "%s: %s", dst, strerror(errno));
        close(in);
        return rc;
    }
    rc = copy_fd(in, out) < 0 ? err_set(e, ERR_IO, "copy %s to %s: %s", src,
                                        dst, strerror(errno))
                              : 0;
    if (close(out) < 0 && rc == 0)
        rc = err_set(e, ERR_IO, "%s: %s", dst, strerror(errno));
    close(in);
    return rc;
}

int index_copy_db(const char *src, const char *dst, struct err *e)
{
    char from[4096], to[4096];
    struct dirent *de;
    struct stat st;
    int rc = 0;
    DIR *d = opendir(src);

    if (!d)
        return err_set(e, ERR_IO, "%s: %s", src, strerror(errno));
    if (mkdir(dst, 0755) < 0) {
        rc = err_set(e, ERR_IO, "%s: cannot create: %s", dst,
                     strerror(errno));
        closedir(d);
        return rc;
    }
    while (rc == 0 && (de = readdir(d))) {
        snprintf(from, sizeof(from), "%s/%s", src, de->d_name);
        snprintf(to, sizeof(to), "%s/%s", dst, de->d_name);
        if (lstat(from, &st) < 0)
            rc = err_set(e, ERR_IO, "%s: %s", from, strerror(errno));
        else if (S_ISREG(st.st_mode))
            rc = copy_file(from, to, e);
    }
    closedir(d);
    return rc;
}

static int sync_entry(const char *path, const struct stat *st, int type,
                      struct FTW *ftw)
{
    (void)ftw;
    if (type == FTW_F && S_ISREG(st->st_mode))
        return fsync_path(path, O_RDONLY);
    if (type == FTW_DP)
        return fsync_path(path, O_RDONLY | O_DIRECTORY);
    return 0;
}

int sync_tree(const char *path, struct err *e)
{
    if (nftw(path, sync_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        return err_set(e, ERR_IO, "%s: fsync failed: %s", path,
                       strerror(errno));
    return 0;
}
