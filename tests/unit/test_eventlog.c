/* test_eventlog.c: events kept in memory, then in a temporary file, read back and cut back. */
#include <stdio.h>
#include <string.h>

#include "eventlog.h"
#include "tap.h"

static int
read_all(eventlog *l, uint64_t from, int *bad)
{
	eventlog_reader r;
	const char *line;
	size_t len;
	int n = 0;
	char want[64];

	eventlog_reader_init(&r, l, from);
	while (eventlog_read(&r, &line, &len))
	{
		snprintf(want, sizeof(want), "{\"k\":\"insert\",\"n\":%d}", n);
		if (from == 0 && (len != strlen(want) || strcmp(line, want) != 0))
			(*bad)++;
		n++;
	}
	eventlog_reader_release(&r);
	return n;
}

int
main(void)
{
	eventlog l;
	char line[64];
	int bad = 0;
	uint64_t mark = 0;

	/* A limit of 1 KB: most of the 1,000 events go to the file. */
	eventlog_init(&l, 1024);
	for (int i = 0; i < 1000; i++)
	{
		if (i == 700)
			mark = eventlog_size(&l);
		snprintf(line, sizeof(line), "{\"k\":\"insert\",\"n\":%d}", i);
		if (!eventlog_append(&l, line, strlen(line)))
			bad++;
	}
	ok(l.fd >= 0, "past the memory limit, a temporary file");
	is_int(read_all(&l, 0, &bad), 1000, "every event read back, in order");
	is_int(bad, 0, "each as it was written");
	is_int(read_all(&l, mark, &bad), 300, "read from a mark");
	ok(eventlog_truncate(&l, mark), "cut back to the mark");
	is_int(read_all(&l, 0, &bad), 700, "the events before it remain");
	is_int(bad, 0, "unchanged");
	snprintf(line, sizeof(line), "{\"k\":\"insert\",\"n\":%d}", 700);
	eventlog_append(&l, line, strlen(line));
	is_int(read_all(&l, 0, &bad), 701, "and new ones follow them");
	ok(eventlog_truncate(&l, 0), "cut back to nothing");
	ok(l.fd < 0, "the file is given up");
	is_int(read_all(&l, 0, &bad), 0, "nothing to read");
	eventlog_append(&l, "", 0);
	is_int(read_all(&l, 0, &bad), 1, "an empty entry is an entry");
	eventlog_release(&l);
	return tap_done();
}
