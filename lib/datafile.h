/* datafile.h: a buffered output file that counts and checksums what it writes. */
#ifndef CHAM_DATAFILE_H
#define CHAM_DATAFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <xxhash.h>

typedef struct datafile
{
	int fd;
	char *path; /* owned; "-" for stdout */
	bool is_stdout;
	uint64_t bytes;
	XXH3_state_t *hash; /* owned */
} datafile;

/* Creates (truncates) path with mode 0644; "-" writes to stdout. */
bool datafile_open(datafile *f, const char *path);

/* Writes all of data; on failure logs with the path and returns false (EPIPE included). */
bool datafile_write(datafile *f, const void *data, size_t len);

/*
 * Closes the file (stdout stays open); its data reaches stable storage with
 * datafile_sync_dir() over the directory, once for many files. *checksum receives
 * "xxh3:" and 16 hex digits in buf of at least 22 bytes.
 */
bool datafile_close(datafile *f, char *checksum, size_t checksum_size);

/* Closes without flushing or checking: after a failure elsewhere. */
void datafile_abandon(datafile *f);

/* Checksum of a whole file, the same form as datafile_close gives. */
bool datafile_checksum_file(const char *path, char *checksum, size_t checksum_size, uint64_t *bytes);

/*
 * Flushes every file of the file system that holds dir to stable storage:
 * one syncfs() instead of an fsync per file, before the manifest says the
 * files are complete.
 */
bool datafile_sync_dir(const char *dir);

/* Writes a small file atomically: to path.tmp, fsync, rename. */
bool datafile_write_atomic(const char *path, const char *data, size_t len);

#endif
