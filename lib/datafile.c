/* datafile.c: buffered output files with byte counts and xxh3 checksums. */
#include "datafile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logging.h"
#include "xalloc.h"

bool
datafile_open(datafile *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->is_stdout = strcmp(path, "-") == 0;
	if (f->is_stdout)
		f->fd = STDOUT_FILENO;
	else
	{
		f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (f->fd < 0)
		{
			log_error("could not create file \"%s\": %s", path, strerror(errno));
			free(f->path);
			f->path = NULL;
			return false;
		}
	}
	f->hash = XXH3_createState();
	if (f->hash == NULL)
	{
		log_error("could not allocate a checksum state");
		datafile_abandon(f);
		return false;
	}
	XXH3_64bits_reset(f->hash);
	return true;
}

bool
datafile_write(datafile *f, const void *data, size_t len)
{
	const char *p = data;

	XXH3_64bits_update(f->hash, data, len);
	f->bytes += len;
	while (len > 0)
	{
		ssize_t n = write(f->fd, p, len);

		if (n < 0)
		{
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				log_error("could not write to \"%s\": the reader has gone away", f->is_stdout ? "stdout" : f->path);
			else
				log_error("could not write to file \"%s\": %s", f->is_stdout ? "stdout" : f->path, strerror(errno));
			return false;
		}
		p += n;
		len -= (size_t) n;
	}
	return true;
}

static void
format_checksum(XXH64_hash_t h, char *checksum, size_t size)
{
	snprintf(checksum, size, "xxh3:%016" PRIx64, (uint64_t) h);
}

bool
datafile_close(datafile *f, char *checksum, size_t checksum_size)
{
	bool ok = true;

	if (checksum)
		format_checksum(XXH3_64bits_digest(f->hash), checksum, checksum_size);
	if (!f->is_stdout)
	{
		if (close(f->fd) != 0)
		{
			log_error("could not close file \"%s\": %s", f->path, strerror(errno));
			ok = false;
		}
	}
	f->fd = -1;
	XXH3_freeState(f->hash);
	free(f->path);
	memset(f, 0, sizeof(*f));
	return ok;
}

void
datafile_abandon(datafile *f)
{
	if (!f->is_stdout && f->fd >= 0)
		close(f->fd);
	if (f->hash)
		XXH3_freeState(f->hash);
	free(f->path);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

bool
datafile_checksum_file(const char *path, char *checksum, size_t checksum_size, uint64_t *bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	XXH3_state_t *st;
	char *buf;
	ssize_t n;
	bool ok = true;

	if (fd < 0)
	{
		log_error("could not open file \"%s\": %s", path, strerror(errno));
		return false;
	}
	st = XXH3_createState();
	XXH3_64bits_reset(st);
	buf = xmalloc(1 << 20);
	*bytes = 0;
	while ((n = read(fd, buf, 1 << 20)) != 0)
	{
		if (n < 0)
		{
			if (errno == EINTR)
				continue;
			log_error("could not read file \"%s\": %s", path, strerror(errno));
			ok = false;
			break;
		}
		XXH3_64bits_update(st, buf, (size_t) n);
		*bytes += (uint64_t) n;
	}
	if (ok)
		format_checksum(XXH3_64bits_digest(st), checksum, checksum_size);
	XXH3_freeState(st);
	free(buf);
	close(fd);
	return ok;
}

bool
datafile_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ok = true;

	if (fd < 0)
	{
		log_error("could not open directory \"%s\": %s", dir, strerror(errno));
		return false;
	}
	if (syncfs(fd) != 0)
	{
		log_error("could not flush the files of \"%s\" to disk: %s", dir, strerror(errno));
		ok = false;
	}
	close(fd);
	return ok;
}

bool
datafile_write_atomic(const char *path, const char *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp", path);
	datafile f;
	bool ok;

	ok = datafile_open(&f, tmp);
	if (ok)
	{
		ok = datafile_write(&f, data, len);
		if (ok && fdatasync(f.fd) != 0)
		{
			log_error("could not fsync file \"%s\": %s", tmp, strerror(errno));
			ok = false;
		}
		if (ok)
			ok = datafile_close(&f, NULL, 0);
		else
			datafile_abandon(&f);
	}
	if (ok && rename(tmp, path) != 0)
	{
		log_error("could not rename file \"%s\" to \"%s\": %s", tmp, path, strerror(errno));
		ok = false;
	}
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok;
}
