/*
 * The on-disk layout that lets readers switch indexes atomically:
 *
 *   INDEX/CURRENT       Xapian stub file naming the live generation
 *   INDEX/gen-NNNNNN/   one complete database per generation
 *   INDEX/gen-NNNNNN.tmp/  a build in progress (removed if abandoned)
 *   INDEX/LOCK          held (flock) by the one writer at a time
 *
 * A build writes a new generation beside the live one and publishes it by
 * renaming a new CURRENT over the old, so readers see the old index or the
 * new one, never half of one. Locks are flock()s: a killed writer's lock
 * goes with its process.
 */
#ifndef PWC_INDEXDIR_H
#define PWC_INDEXDIR_H

#include <stddef.h>

#include "err.h"

/*
 * Creates dir if needed and takes its writer lock (non-blocking). Returns
 * the lock's fd in *fd; ERR_LOCKED says another process is updating the
 * index (with its pid).
 */
int index_lock(const char *dir, int *fd, struct err *e);
void index_unlock(int fd);

/*
 * Reads the live generation number; ERR_NOTFOUND when there is none. The
 * database path is written to path when path is not NULL.
 */
int index_current(const char *dir, unsigned *gen, char *path, size_t cap,
                  struct err *e);

/* Writes the path of generation gen (".tmp" appended when tmp). */
void index_gen_path(const char *dir, unsigned gen, int tmp, char *path,
                    size_t cap);

/* Makes generation gen live: new CURRENT written, synced, renamed over. */
int index_publish(const char *dir, unsigned gen, struct err *e);

/*
 * Removes abandoned builds (*.tmp, and generations beyond the live one,
 * which were never published) and generations older than keep_from.
 * Must be called with the lock held. Failures are not fatal: the count of
 * entries that could not be removed is returned.
 */
int index_sweep(const char *dir, unsigned keep_from);

/*
 * What a reader opens for the index named by path: path/CURRENT when it
 * exists, else path itself (a database directory or a stub file, such as
 * one listing remote shards).
 */
void index_read_path(const char *path, char *out, size_t cap);

/*
 * Copies the database directory src (its regular files) to a new
 * directory dst, which must not exist: an update's private working copy.
 * Errors name the file.
 */
int index_copy_db(const char *src, const char *dst, struct err *e);

/* fsyncs every file in a directory tree, then the directory itself. */
int sync_tree(const char *path, struct err *e);

/* Removes a directory tree (no symlinks followed). */
int remove_tree(const char *path);

#endif
