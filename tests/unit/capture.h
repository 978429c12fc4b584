/* capture.h: what the code under test logs to stderr, captured for the unit tests to check. */
#ifndef CHAM_CAPTURE_H
#define CHAM_CAPTURE_H

#include <stdio.h>
#include <unistd.h>

/* What the calls between capture_begin() and capture_end() wrote, trailing newlines cut. */
static char logged[65536];
static int capture_saved_fd = -1;
static FILE *capture_file;

/* Sends fd 2 to a temporary file, as logging.c writes to stderr. */
static void
capture_begin(void)
{
	fflush(stderr);
	capture_file = tmpfile();
	capture_saved_fd = dup(2);
	dup2(fileno(capture_file), 2);
}

static void
capture_end(void)
{
	size_t n;

	fflush(stderr);
	dup2(capture_saved_fd, 2);
	close(capture_saved_fd);
	rewind(capture_file);
	n = fread(logged, 1, sizeof(logged) - 1, capture_file);
	/* One line, so that a TAP description may quote it. */
	while (n > 0 && logged[n - 1] == '\n')
		n--;
	logged[n] = '\0';
	fclose(capture_file);
}

#endif
