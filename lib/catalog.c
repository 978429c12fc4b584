/* catalog.c: lookups on the source schema structs and their release. */
#include "catalog.h"

#include <stdlib.h>
#include <string.h>

static void
free_strings(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
column_release(cat_column *col)
{
	free(col->name);
	free(col->pg_name);
	free(col->column_type);
	typemap_release(&col->type);
	pg_type_release(&col->pgtype);
	free(col->default_value);
	free(col->extra);
	free(col->generation_expression);
	free(col->charset);
	free(col->collation);
	free(col->comment);
}

static void
index_release(cat_index *ix)
{
	free(ix->name);
	free(ix->pg_name);
	free(ix->index_type);
	free_strings(ix->columns, ix->ncols);
	free(ix->sub_part);
	free(ix->comment);
}

static void
fk_release(cat_fk *fk)
{
	free(fk->name);
	free(fk->pg_name);
	free_strings(fk->columns, fk->ncols);
	free(fk->ref_schema);
	free(fk->ref_table);
	free_strings(fk->ref_columns, fk->ncols);
	free(fk->on_update);
	free(fk->on_delete);
}

void
catalog_table_release(cat_table *t)
{
	free(t->schema);
	free(t->name);
	free(t->pg_schema);
	free(t->pg_name);
	free(t->engine);
	free(t->comment);
	for (int i = 0; i < t->ncols; i++)
		column_release(&t->cols[i]);
	free(t->cols);
	for (int i = 0; i < t->nindexes; i++)
		index_release(&t->indexes[i]);
	free(t->indexes);
	for (int i = 0; i < t->nfks; i++)
		fk_release(&t->fks[i]);
	free(t->fks);
	free_strings(t->checks, t->nchecks);
	memset(t, 0, sizeof(*t));
}

void
catalog_release(catalog *c)
{
	for (int i = 0; i < c->ntables; i++)
		catalog_table_release(&c->tables[i]);
	free(c->tables);
	for (int i = 0; i < c->nobjects; i++)
	{
		free(c->objects[i].schema);
		free(c->objects[i].name);
		free(c->objects[i].kind);
	}
	free(c->objects);
	memset(c, 0, sizeof(*c));
}

const cat_index *
catalog_primary_key(const cat_table *t)
{
	if (t->nindexes > 0 && t->indexes[0].primary)
		return &t->indexes[0];
	return NULL;
}

const cat_column *
catalog_find_column(const cat_table *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

cat_table *
catalog_find_table(const catalog *c, const char *schema, const char *name)
{
	for (int i = 0; i < c->ntables; i++)
		if (strcmp(c->tables[i].schema, schema) == 0 && strcmp(c->tables[i].name, name) == 0)
			return &c->tables[i];
	return NULL;
}
