/* test_linereader.c: lines from a pipe, including the ones that are not there yet. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linereader.h"
#include "tap.h"

static void
put(int fd, const char *s)
{
	size_t len = strlen(s);

	if (write(fd, s, len) != (ssize_t) len)
		abort();
}

static volatile sig_atomic_t stop;

int
main(void)
{
	int fds[2];
	linereader r;
	char *line = NULL;
	size_t len = 0;
	char *big;

	if (pipe(fds) != 0)
		return 1;
	linereader_init(&r, fds[0], NULL);
	ok(!linereader_ready(&r), "an empty pipe with its writer open is not ready");

	put(fds[1], "{\"k\":\"begin\"}\n\nsecond");
	ok(linereader_ready(&r), "ready once bytes are there");
	is_int(linereader_next(&r, &line, &len), 1, "a first line");
	is_str(line, "{\"k\":\"begin\"}", "its text without the newline");
	is_int((int) len, 13, "its length");
	ok(linereader_ready(&r), "the next (empty) line is read already");
	is_int(linereader_next(&r, &line, &len), 1, "an empty line is a line");
	is_int((int) len, 0, "of length 0");
	ok(!linereader_ready(&r), "half a line is not ready while the writer is open");

	put(fds[1], " half\n");
	is_int(linereader_next(&r, &line, &len), 1, "the line completed");
	is_str(line, "second half", "its two halves joined");

	/* A line longer than any one read. */
	big = malloc(1000001);
	memset(big, 'x', 1000000);
	big[1000000] = '\0';
	if (fork() == 0)
	{
		close(fds[0]);
		put(fds[1], big);
		put(fds[1], "\nlast without newline");
		_exit(0);
	}
	close(fds[1]);
	is_int(linereader_next(&r, &line, &len), 1, "a line of a million bytes");
	ok(len == 1000000 && line[0] == 'x' && line[999999] == 'x', "read whole");
	is_int(linereader_next(&r, &line, &len), 1, "a last line without its newline");
	is_str(line, "last without newline", "is a line too");
	ok(linereader_ready(&r), "the end of input is ready");
	is_int(linereader_next(&r, &line, &len), 0, "then the end");
	is_int(linereader_next(&r, &line, &len), 0, "and the end again");
	wait(NULL);
	free(big);
	linereader_release(&r);
	close(fds[0]);

	/* A stop asked for while nothing comes ends the wait, even one asked for before it began. */
	if (pipe(fds) != 0)
		return 1;
	linereader_init(&r, fds[0], &stop);
	stop = 1;
	is_int(linereader_next(&r, &line, &len), -1, "an interrupted wait ends");
	ok(errno == EINTR, "with EINTR");
	linereader_release(&r);
	close(fds[0]);
	close(fds[1]);
	return tap_done();
}
