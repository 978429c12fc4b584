/* eventcheck.c: what makes a line of the event stream an event cham-apply can apply. */
#include "eventcheck.h"

#include <stdlib.h>
#include <string.h>

bool
event_parse_pos(const char *text, char *file, size_t size, uint64_t *pos)
{
	const char *colon = text ? strrchr(text, ':') : NULL;

	if (colon == NULL || (size_t) (colon - text) >= size)
		return false;
	memcpy(file, text, (size_t) (colon - text));
	file[colon - text] = '\0';
	*pos = strtoull(colon + 1, NULL, 10);
	return *pos > 0;
}

const char *
event_get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * What is wrong with the shape of a row event, or NULL. Its statement is
 * built from the images as they are: an image that is missing or not an
 * object, or a key entry that is not a name, would be dereferenced.
 */
const char *
event_row_malformed(json_object *e, const char *k)
{
	json_object *v;
	bool insert = strcmp(k, "insert") == 0;

	if ((insert || strcmp(k, "update") == 0) &&
		(!json_object_object_get_ex(e, "new", &v) || !json_object_is_type(v, json_type_object)))
		return "no \"new\" object";
	if (!insert && (!json_object_object_get_ex(e, "old", &v) || !json_object_is_type(v, json_type_object)))
		return "no \"old\" object";
	if (event_get_str(e, "s") == NULL || event_get_str(e, "t") == NULL)
		return "no \"s\" and \"t\" strings naming its table";
	for (int i = 0; i < 2; i++)
		if (json_object_object_get_ex(e, i ? "old" : "new", &v) && json_object_is_type(v, json_type_object))
		{
			json_object_object_foreach(v, name, value)
			{
				(void) name;
				if (value && !json_object_is_type(value, json_type_string))
					return "a value that is neither a string nor null";
			}
		}
	if (json_object_object_get_ex(e, "key", &v) && json_object_is_type(v, json_type_array))
		for (size_t i = 0; i < json_object_array_length(v); i++)
			if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
				return "a \"key\" entry that is not a column name";
	return NULL;
}

/*
 * What is wrong with an event as a whole, or NULL: text after it on its line,
 * a position that does not read, a commit without its begin, a DDL without
 * its statement.
 */
const char *
event_malformed(bool in_trx, json_object *e, const char *k, const char *line, size_t len,
				json_tokener *tok)
{
	char file[256];
	uint64_t pos;

	for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return "text after the event on its line";
	if ((strcmp(k, "begin") == 0 || strcmp(k, "commit") == 0 || strcmp(k, "ddl") == 0 ||
		 strcmp(k, "heartbeat") == 0) &&
		!event_parse_pos(event_get_str(e, "pos"), file, sizeof(file), &pos))
		return "no \"pos\" of the form FILE:POS";
	if (strcmp(k, "commit") == 0 && !in_trx)
		return "a commit without its begin";
	if (strcmp(k, "ddl") == 0 && event_get_str(e, "sql") == NULL)
		return "a ddl without its \"sql\"";
	return NULL;
}
