/* fuzz_ddl.c: libFuzzer target for the MySQL DDL translator, on any statement the binlog may carry. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ddl.h"
#include "logging.h"
#include "sbuf.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init("fuzz_ddl");
	return 0;
}

static const char *
map_schema(void *ctx, const char *schema)
{
	(void) ctx;
	return strcmp(schema, "shop") == 0 ? "pg_shop" : schema;
}

/*
 * The input is the statement, given by length as the binlog gives it: a
 * copy of the exact size without a NUL, so that ASan sees any read past it.
 * Its first byte, when it is a control byte, picks the default schema and
 * whether schemas are mapped, and is not part of the statement.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const schemas[] = { "db", "", NULL, "shop" };
	const char *schema = "db";
	bool mapped = true;
	char *sql;
	sbuf out = SBUF_INIT, why = SBUF_INIT;
	ddl_result r;

	if (size > 0 && data[0] < 8)
	{
		schema = schemas[data[0] & 3];
		mapped = (data[0] & 4) == 0;
		data++, size--;
	}
	sql = malloc(size ? size : 1);
	memcpy(sql, data, size);
	r = ddl_translate(sql, size, schema, mapped ? map_schema : NULL, NULL, &out, &why);
	switch (r)
	{
		case DDL_TRANSLATED:
			/* Every statement appended ends with ";\n" (ddl.h): PostgreSQL runs them as one script. */
			if (out.len < 2 || out.data[out.len - 2] != ';' || out.data[out.len - 1] != '\n' ||
				strlen(out.data) != out.len)
				abort();
			break;
		case DDL_IGNORED:
			break;
		case DDL_UNKNOWN:
			if (out.len != 0)
				abort();
			break;
	}
	free(sql);
	sbuf_release(&out);
	sbuf_release(&why);
	return 0;
}
