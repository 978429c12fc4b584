/* myschema.h: reading the source schema from MySQL's information_schema. */
#ifndef CHAM_MYSCHEMA_H
#define CHAM_MYSCHEMA_H

#include <stdbool.h>

#include "catalog.h"
#include "myconn.h"
#include "tablefilter.h"

/*
 * Reads every base table that the filter selects, in schema (NULL: every
 * schema but the server's own), with columns, indexes (primary key first),
 * foreign keys and parsed column types, plus the views, triggers, routines
 * and events it will not migrate (with_objects). Tables come sorted by (schema, name) in
 * byte order. A foreign key to a table outside the selection is dropped with
 * a warning. Returns false after logging on a query failure or a column type
 * it does not know. The caller releases out with catalog_release().
 */
bool myschema_read(myconn *c, const char *schema, const tablefilter *filter, bool with_objects,
				   catalog *out);

#endif
