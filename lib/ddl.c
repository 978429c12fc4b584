/* ddl.c: MySQL DDL statements (as the binlog gives them) translated to PostgreSQL. */
#include "ddl.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "myliteral.h"
#include "quote.h"
#include "typemap.h"
#include "xalloc.h"

typedef enum tok_kind
{
	TK_END = 0,
	TK_WORD,   /* a bare word: keyword or unquoted identifier */
	TK_QIDENT, /* `identifier` */
	TK_STRING, /* 'string' */
	TK_DQUOTE, /* "string or identifier" */
	TK_NUMBER,
	TK_HEX,	  /* x'ABCD' or 0xABCD, val holds the digits */
	TK_BIT,	  /* b'0101', val holds the digits */
	TK_PUNCT, /* one character */
} tok_kind;

typedef struct tok
{
	tok_kind kind;
	char *val; /* owned: decoded text, NUL-terminated */
} tok;

typedef struct parser
{
	tok *t;
	int n; /* t[n] is a TK_END sentinel */
	int i;
	const char *defschema;
	const char *(*map)(void *ctx, const char *schema);
	void *ctx;
	sbuf *out;
	sbuf *why;
	int emitted; /* statements appended */
} parser;

typedef struct qname
{
	char *schema; /* PostgreSQL schema, mapped */
	char *name;
} qname;

/* ---- tokenizer ---- */

static void
tok_push(tok **t, int *n, int *cap, tok_kind kind, char *val)
{
	if (*n + 1 >= *cap)
	{
		*cap = *cap ? *cap * 2 : 32;
		*t = xrealloc(*t, sizeof(tok) * (size_t) *cap);
	}
	(*t)[*n].kind = kind;
	(*t)[*n].val = val;
	(*n)++;
}

static bool
is_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads a run quoted with q (a doubled q is one q), undoing backslash escapes when backslash is set. */
static const char *
read_quoted(const char *p, const char *end, char q, bool backslash, sbuf *v)
{
	p++;
	while (p < end)
	{
		if (*p == q)
		{
			if (p + 1 < end && p[1] == q)
			{
				sbuf_addch(v, q);
				p += 2;
				continue;
			}
			return p + 1;
		}
		if (backslash && *p == '\\' && p + 1 < end)
		{
			char e = p[1];

			if (e == 'n')
				e = '\n';
			else if (e == 't')
				e = '\t';
			else if (e == 'r')
				e = '\r';
			else if (e == '0')
				e = '\0';
			sbuf_addch(v, e);
			p += 2;
			continue;
		}
		sbuf_addch(v, *p++);
	}
	return NULL;
}

static bool
tokenize(const char *sql, const char *end, parser *ps)
{
	int cap = 0;
	int vdepth = 0; /* open version comments */
	const char *p = sql;

	while (p < end)
	{
		unsigned char c = (unsigned char) *p;
		sbuf v = SBUF_INIT;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\0')
		{
			p++;
			continue;
		}
		if (c == '#' || (c == '-' && p + 1 < end && p[1] == '-' && (p + 2 >= end || p[2] == ' ' || p[2] == '\t' || p[2] == '\n' || p[2] == '\r')))
		{
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if (c == '/' && p + 1 < end && p[1] == '*')
		{
			const char *q = p + 2;

			if (q < end && *q == 'M' && q + 1 < end && q[1] == '!')
				q++;
			if (q < end && *q == '!')
			{
				/* A version comment: its body is part of the statement. */
				q++;
				while (q < end && is_digit(*q))
					q++;
				vdepth++;
				p = q;
				continue;
			}
			while (q + 1 < end && !(q[0] == '*' && q[1] == '/'))
				q++;
			if (q + 1 >= end)
			{
				sbuf_addstr(ps->why, "unterminated comment");
				return false;
			}
			p = q + 2;
			continue;
		}
		if (c == '*' && vdepth > 0 && p + 1 < end && p[1] == '/')
		{
			vdepth--;
			p += 2;
			continue;
		}
		if (c == '`' || c == '\'' || c == '"')
		{
			const char *q;
			tok_kind kind;

			if (c == '\'')
			{
				/* myliteral_unquote needs a NUL-terminated string; sql is one (see ddl_translate). */
				q = myliteral_unquote(p, &v);
				if (q != NULL && q > end)
					q = NULL;
			}
			else
				q = read_quoted(p, end, (char) c, c == '"', &v);
			if (q == NULL)
			{
				sbuf_release(&v);
				sbuf_addf(ps->why, "unterminated %s", c == '`' ? "identifier" : "string");
				return false;
			}
			kind = TK_DQUOTE;
			if (c == '`')
				kind = TK_QIDENT;
			else if (c == '\'')
				kind = TK_STRING;
			tok_push(&ps->t, &ps->n, &cap, kind, sbuf_detach(&v, NULL));
			p = q;
			continue;
		}
		if (c == '0' && p + 2 < end && (p[1] == 'x' || p[1] == 'X'))
		{
			const char *q = p + 2;

			while (q < end && is_word_char((unsigned char) *q))
				q++;
			tok_push(&ps->t, &ps->n, &cap, TK_HEX, xstrndup(p + 2, (size_t) (q - p - 2)));
			p = q;
			continue;
		}
		if (is_digit((char) c) || (c == '.' && p + 1 < end && is_digit(p[1])))
		{
			const char *q = p;
			bool word = false;

			while (q < end && is_digit(*q))
				q++;
			if (q < end && *q == '.')
			{
				q++;
				while (q < end && is_digit(*q))
					q++;
			}
			if (q < end && (*q == 'e' || *q == 'E') && q + 1 < end && (is_digit(q[1]) || ((q[1] == '-' || q[1] == '+') && q + 2 < end && is_digit(q[2]))))
			{
				q += 2;
				while (q < end && is_digit(*q))
					q++;
			}
			/* MySQL identifiers may start with digits: 1abc. */
			if (q < end && is_word_char((unsigned char) *q) && c != '.')
			{
				while (q < end && is_word_char((unsigned char) *q))
					q++;
				word = true;
			}
			tok_push(&ps->t, &ps->n, &cap, word ? TK_WORD : TK_NUMBER, xstrndup(p, (size_t) (q - p)));
			p = q;
			continue;
		}
		if (is_word_char(c))
		{
			const char *q = p;

			while (q < end && is_word_char((unsigned char) *q))
				q++;
			if (q < end && *q == '\'')
			{
				size_t wl = (size_t) (q - p);

				/* x'..' and b'..' literals, N'..' and _charset'..' introducers. */
				if (wl == 1 && (c == 'x' || c == 'X' || c == 'b' || c == 'B'))
				{
					const char *e = memchr(q + 1, '\'', (size_t) (end - q - 1));

					if (e == NULL)
					{
						sbuf_addstr(ps->why, "unterminated string");
						return false;
					}
					tok_push(&ps->t, &ps->n, &cap, (c == 'x' || c == 'X') ? TK_HEX : TK_BIT, xstrndup(q + 1, (size_t) (e - q - 1)));
					p = e + 1;
					continue;
				}
				if ((wl == 1 && (c == 'n' || c == 'N')) || c == '_')
				{
					p = q;
					continue;
				}
			}
			tok_push(&ps->t, &ps->n, &cap, TK_WORD, xstrndup(p, (size_t) (q - p)));
			p = q;
			continue;
		}
		tok_push(&ps->t, &ps->n, &cap, TK_PUNCT, xstrndup(p, 1));
		p++;
	}
	if (ps->t == NULL)
		ps->t = xmalloc(sizeof(tok));
	ps->t[ps->n].kind = TK_END;
	ps->t[ps->n].val = NULL;
	return true;
}

/* ---- parser helpers ---- */

static tok *
peek(parser *p, int k)
{
	int j = p->i + k;

	return &p->t[j < p->n ? j : p->n];
}

static bool
is_kw(const tok *t, const char *kw)
{
	return t->kind == TK_WORD && strcasecmp(t->val, kw) == 0;
}

static bool
is_punct(const tok *t, char c)
{
	return t->kind == TK_PUNCT && t->val[0] == c;
}

static bool
is_ident(const tok *t)
{
	return t->kind == TK_WORD || t->kind == TK_QIDENT || t->kind == TK_DQUOTE;
}

static bool
accept(parser *p, const char *kw)
{
	if (!is_kw(peek(p, 0), kw))
		return false;
	p->i++;
	return true;
}

static bool
accept_punct(parser *p, char c)
{
	if (!is_punct(peek(p, 0), c))
		return false;
	p->i++;
	return true;
}

static bool fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first reason and returns false. */
static bool
fail(parser *p, const char *fmt, ...)
{
	va_list ap;
	char buf[256];

	if (p->why->len > 0)
		return false;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sbuf_addstr(p->why, buf);
	return false;
}

/* What the parser found, for messages. */
static const char *
tok_text(const tok *t)
{
	return t->kind == TK_END ? "end of statement" : t->val;
}

static bool
at_end(parser *p)
{
	while (accept_punct(p, ';'))
		;
	return peek(p, 0)->kind == TK_END;
}

static bool
expect_end(parser *p)
{
	if (at_end(p))
		return true;
	return fail(p, "unexpected \"%s\"", tok_text(peek(p, 0)));
}

static bool
expect_kw(parser *p, const char *kw)
{
	if (accept(p, kw))
		return true;
	return fail(p, "expected %s, found \"%s\"", kw, tok_text(peek(p, 0)));
}

static const char *
ident(parser *p)
{
	tok *t = peek(p, 0);

	if (!is_ident(t))
		return NULL;
	p->i++;
	return t->val;
}

static bool
accept_if_exists(parser *p, bool with_not)
{
	if (!is_kw(peek(p, 0), "if") || (with_not && !is_kw(peek(p, 1), "not")))
		return false;
	if (!is_kw(peek(p, with_not ? 2 : 1), "exists"))
		return false;
	p->i += with_not ? 3 : 2;
	return true;
}

static const char *
map_schema(parser *p, const char *schema)
{
	const char *m = p->map ? p->map(p->ctx, schema) : NULL;

	return m ? m : schema;
}

static void
qname_release(qname *q)
{
	free(q->schema);
	free(q->name);
	q->schema = q->name = NULL;
}

static bool
parse_qname(parser *p, qname *q)
{
	const char *a = ident(p);
	const char *schema = p->defschema;

	q->schema = q->name = NULL;
	if (a == NULL)
		return fail(p, "expected a table name, found \"%s\"", tok_text(peek(p, 0)));
	if (is_punct(peek(p, 0), '.') && is_ident(peek(p, 1)))
	{
		schema = a;
		a = peek(p, 1)->val;
		p->i += 2;
	}
	if (schema == NULL || schema[0] == '\0')
		return fail(p, "no schema for table \"%s\"", a);
	q->schema = xstrdup(map_schema(p, schema));
	q->name = xstrdup(a);
	return true;
}

static void
put_table(parser *p, const qname *q)
{
	quote_pg_qualified(p->out, q->schema, q->name);
}

static void
end_stmt(parser *p)
{
	sbuf_addstr(p->out, ";\n");
	p->emitted++;
}

static void
alter_prefix(parser *p, const qname *q)
{
	sbuf_addstr(p->out, "ALTER TABLE ");
	put_table(p, q);
	sbuf_addch(p->out, ' ');
}

static void put_rename_derived(parser *p, const qname *t, const char *old, const qname *like);

static void
put_index_name(parser *p, const qname *q, const char *index)
{
	char *name = xasprintf("%s_%s", q->name, index);

	quote_pg_ident(p->out, name);
	free(name);
}

/* Skips to the next ',' or ')' (or ';' or the end) outside parentheses. */
static void
skip_rest(parser *p)
{
	int depth = 0;

	for (;;)
	{
		tok *t = peek(p, 0);

		if (t->kind == TK_END)
			return;
		if (depth == 0 && (is_punct(t, ',') || is_punct(t, ')') || is_punct(t, ';')))
			return;
		if (is_punct(t, '('))
			depth++;
		else if (is_punct(t, ')'))
			depth--;
		p->i++;
	}
}

/* ---- column definitions ---- */

typedef struct coldef
{
	char *name;
	char *pgtype;
	bool identity_ok;
	bool not_null;
	bool has_default; /* a DEFAULT other than NULL */
	sbuf defsql;
	bool auto_inc;
	bool pk;
	bool unique;
	bool has_comment;
	sbuf comment;
	bool moved;		/* FIRST or AFTER */
	bool generated; /* GENERATED ALWAYS AS: a plain column in PostgreSQL */
	sbuf check;		/* ENUM and SET: the labels' check, as pre-data.sql writes it; empty otherwise */
} coldef;

static void
coldef_release(coldef *c)
{
	free(c->name);
	free(c->pgtype);
	sbuf_release(&c->defsql);
	sbuf_release(&c->comment);
	sbuf_release(&c->check);
	memset(c, 0, sizeof(*c));
}

static bool
parse_type(parser *p, const qname *q, coldef *c)
{
	sbuf text = SBUF_INIT;
	sbuf err = SBUF_INIT;
	tok *t = peek(p, 0);
	my_type mt;
	pg_type pt;

	if (t->kind != TK_WORD)
		return fail(p, "expected a column type, found \"%s\"", tok_text(t));
	sbuf_addstr(&text, t->val);
	p->i++;
	if (is_kw(t, "double"))
		accept(p, "precision");
	if (accept_punct(p, '('))
	{
		sbuf_addch(&text, '(');
		for (;;)
		{
			t = peek(p, 0);
			p->i++;
			if (is_punct(t, ')'))
				break;
			if (t->kind == TK_NUMBER || is_punct(t, ','))
				sbuf_addstr(&text, t->val);
			else if (t->kind == TK_STRING || t->kind == TK_DQUOTE)
				quote_pg_literal(&text, t->val, strlen(t->val));
			else
			{
				sbuf_release(&text);
				return fail(p, "unexpected \"%s\" in column type", tok_text(t));
			}
		}
		sbuf_addch(&text, ')');
	}
	while (is_kw(peek(p, 0), "unsigned") || is_kw(peek(p, 0), "signed") || is_kw(peek(p, 0), "zerofill"))
	{
		sbuf_addch(&text, ' ');
		sbuf_addstr(&text, peek(p, 0)->val);
		p->i++;
	}
	if (!typemap_parse(text.data, false, &mt, &err))
	{
		fail(p, "%s", err.data);
		sbuf_release(&text);
		sbuf_release(&err);
		return false;
	}
	typemap_resolve(&mt, q->schema, q->name, NULL, 0, &pt);
	c->pgtype = xstrdup(pt.sql);
	/* The same checks as the dump's pre-data.sql: '' is in every ENUM (MySQL's error value). */
	if (mt.kind == MYT_ENUM || mt.kind == MYT_SET)
	{
		sbuf_addch(&c->check, '(');
		quote_pg_ident(&c->check, c->name);
		sbuf_addstr(&c->check, mt.kind == MYT_ENUM ? " IN (" : " <@ ARRAY[");
		for (int i = 0; i < mt.nlabels; i++)
		{
			if (i)
				sbuf_addstr(&c->check, ", ");
			quote_pg_literal(&c->check, mt.labels[i], strlen(mt.labels[i]));
		}
		sbuf_addstr(&c->check, mt.kind == MYT_ENUM ? (mt.nlabels ? ", ''))" : "''))") : "]::text[])");
	}
	c->identity_ok = pt.identity_ok;
	pg_type_release(&pt);
	typemap_release(&mt);
	sbuf_release(&text);
	sbuf_release(&err);
	return true;
}

/* A DEFAULT (or ON UPDATE) value into d; *is_null when it is NULL (or a zero date, which is NULL here). */
static bool
parse_default(parser *p, sbuf *d, bool *is_null)
{
	tok *t = peek(p, 0);

	*is_null = false;
	sbuf_reset(d);
	if ((is_punct(t, '-') || is_punct(t, '+')) && peek(p, 1)->kind == TK_NUMBER)
	{
		if (is_punct(t, '-'))
			sbuf_addch(d, '-');
		p->i++;
		t = peek(p, 0);
	}
	p->i++;
	if (t->kind == TK_NUMBER)
		sbuf_addstr(d, t->val);
	else if (t->kind == TK_STRING || t->kind == TK_DQUOTE)
	{
		if (strncmp(t->val, "0000-00-00", 10) == 0)
			*is_null = true;
		else
			quote_pg_literal(d, t->val, strlen(t->val));
	}
	else if (t->kind == TK_HEX)
	{
		sbuf_addstr(d, "'\\x");
		sbuf_addstr(d, t->val);
		sbuf_addch(d, '\'');
	}
	else if (t->kind == TK_BIT)
	{
		sbuf_addstr(d, "B'");
		sbuf_addstr(d, t->val);
		sbuf_addch(d, '\'');
	}
	else if (is_kw(t, "null"))
		*is_null = true;
	else if (is_kw(t, "true") || is_kw(t, "false"))
		sbuf_addstr(d, is_kw(t, "true") ? "1" : "0");
	else if (is_kw(t, "current_timestamp") || is_kw(t, "now") || is_kw(t, "localtime") || is_kw(t, "localtimestamp") ||
			 is_kw(t, "current_date") || is_kw(t, "curdate"))
	{
		bool date = is_kw(t, "current_date") || is_kw(t, "curdate");

		if (accept_punct(p, '('))
		{
			if (peek(p, 0)->kind == TK_NUMBER)
				p->i++;
			if (!accept_punct(p, ')'))
				return fail(p, "unexpected \"%s\" in DEFAULT", tok_text(peek(p, 0)));
		}
		sbuf_addstr(d, date ? "CURRENT_DATE" : "CURRENT_TIMESTAMP");
	}
	else if (is_punct(t, '('))
		return fail(p, "expression defaults are not translated");
	else
		return fail(p, "unsupported DEFAULT \"%s\"", tok_text(t));
	return true;
}

/* After the name: the type and attributes, up to ',' or ')' or the end. */
/*
 * GENERATED ALWAYS AS (expr) [VIRTUAL | STORED | PERSISTENT]: as in the dump,
 * a plain column whose values the stream carries, the expression kept in its
 * comment. PostgreSQL cannot compute MySQL's expressions (nor VIRTUAL ones).
 */
static bool
parse_generated(parser *p, coldef *c)
{
	sbuf expr = SBUF_INIT;
	const char *kind = "VIRTUAL";
	int depth = 0;
	bool ok = true;

	if (accept(p, "generated") && !expect_kw(p, "always"))
		return false;
	if (!expect_kw(p, "as") || !accept_punct(p, '('))
		return fail(p, "expected AS (expression) for generated column \"%s\"", c->name);
	for (;;)
	{
		tok *t = peek(p, 0);

		if (t->kind == TK_END)
		{
			ok = fail(p, "unterminated expression of generated column \"%s\"", c->name);
			break;
		}
		p->i++;
		if (is_punct(t, ')') && depth-- == 0)
			break;
		if (is_punct(t, '('))
			depth++;
		if (expr.len && !is_punct(t, ')') && !is_punct(t, ',') && expr.data[expr.len - 1] != '(' &&
			!(is_punct(t, '(') && (isalnum((unsigned char) expr.data[expr.len - 1]) || expr.data[expr.len - 1] == '_')))
			sbuf_addch(&expr, ' ');
		if (t->kind == TK_STRING)
			sbuf_addf(&expr, "'%s'", t->val);
		else if (t->kind == TK_QIDENT)
			sbuf_addf(&expr, "`%s`", t->val);
		else if (t->kind == TK_DQUOTE)
			sbuf_addf(&expr, "\"%s\"", t->val);
		else
			sbuf_addstr(&expr, t->val);
	}
	if (ok)
	{
		if (accept(p, "stored") || accept(p, "persistent"))
			kind = "STORED";
		else
			accept(p, "virtual");
		if (c->comment.len)
			sbuf_addch(&c->comment, ' ');
		sbuf_addf(&c->comment, "[MySQL: GENERATED ALWAYS AS (%s) %s; the values are replicated]", expr.data, kind);
		c->has_comment = true;
		c->generated = true;
	}
	sbuf_release(&expr);
	return ok;
}

static bool
parse_coldef(parser *p, const qname *q, coldef *c)
{
	const char *name = ident(p);

	memset(c, 0, sizeof(*c));
	sbuf_init(&c->defsql, 16);
	sbuf_init(&c->comment, 16);
	if (name == NULL)
		return fail(p, "expected a column name, found \"%s\"", tok_text(peek(p, 0)));
	c->name = xstrdup(name);
	if (!parse_type(p, q, c))
		return false;
	for (;;)
	{
		tok *t = peek(p, 0);
		bool is_null;

		if (t->kind == TK_END || is_punct(t, ',') || is_punct(t, ')') || is_punct(t, ';'))
			return true;
		if (accept(p, "not"))
		{
			if (!expect_kw(p, "null"))
				return false;
			c->not_null = true;
		}
		else if (accept(p, "null"))
			c->not_null = false;
		else if (accept(p, "default"))
		{
			if (!parse_default(p, &c->defsql, &is_null))
				return false;
			c->has_default = !is_null;
		}
		else if (accept(p, "on"))
		{
			/* ON UPDATE CURRENT_TIMESTAMP: PostgreSQL needs a trigger; not translated. */
			sbuf scratch = SBUF_INIT;
			bool ok = expect_kw(p, "update") && parse_default(p, &scratch, &is_null);

			sbuf_release(&scratch);
			if (!ok)
				return false;
		}
		else if (accept(p, "auto_increment"))
			c->auto_inc = true;
		else if (accept(p, "primary"))
		{
			if (!expect_kw(p, "key"))
				return false;
			c->pk = true;
		}
		else if (accept(p, "key"))
			c->pk = true;
		else if (accept(p, "unique"))
		{
			accept(p, "key");
			c->unique = true;
		}
		else if (accept(p, "comment"))
		{
			t = peek(p, 0);
			if (t->kind != TK_STRING && t->kind != TK_DQUOTE)
				return fail(p, "expected a string after COMMENT");
			{
				/* Before a generated column's note, if there is one already. */
				char *note = c->comment.len ? xstrdup(c->comment.data) : NULL;

				sbuf_reset(&c->comment);
				sbuf_addstr(&c->comment, t->val);
				if (note)
					sbuf_addf(&c->comment, " %s", note);
				free(note);
			}
			c->has_comment = true;
			p->i++;
		}
		else if (is_kw(t, "character") || is_kw(t, "charset") || is_kw(t, "collate"))
		{
			p->i++;
			if (is_kw(t, "character") && !expect_kw(p, "set"))
				return false;
			accept_punct(p, '=');
			if (ident(p) == NULL && peek(p, 0)->kind != TK_STRING)
				return fail(p, "expected a character set or collation");
			if (peek(p, 0)->kind == TK_STRING)
				p->i++;
		}
		else if (accept(p, "column_format") || accept(p, "storage"))
		{
			if (ident(p) == NULL)
				return fail(p, "expected a word after COLUMN_FORMAT/STORAGE");
		}
		else if (accept(p, "srid"))
		{
			if (peek(p, 0)->kind != TK_NUMBER)
				return fail(p, "expected a number after SRID");
			p->i++;
		}
		else if (accept(p, "visible") || accept(p, "invisible") || accept(p, "binary") || accept(p, "ascii") || accept(p, "unicode"))
			;
		else if (accept(p, "first"))
			c->moved = true;
		else if (accept(p, "after"))
		{
			if (ident(p) == NULL)
				return fail(p, "expected a column name after AFTER");
			c->moved = true;
		}
		else if (is_kw(t, "generated") || is_kw(t, "as"))
		{
			if (!parse_generated(p, c))
				return false;
		}
		else if (is_kw(t, "check") || is_kw(t, "references") || is_kw(t, "constraint"))
			return fail(p, "column %s is not translated", t->val);
		else
			return fail(p, "unexpected \"%s\" in the definition of column \"%s\"", tok_text(t), c->name);
	}
}

static void
put_coldef(parser *p, const coldef *c)
{
	quote_pg_ident(p->out, c->name);
	sbuf_addch(p->out, ' ');
	sbuf_addstr(p->out, c->pgtype);
	if (c->not_null)
		sbuf_addstr(p->out, " NOT NULL");
	if (c->has_default && !(c->auto_inc && c->identity_ok))
	{
		sbuf_addstr(p->out, " DEFAULT ");
		sbuf_addstr(p->out, c->defsql.data);
	}
	if (c->auto_inc && c->identity_ok)
		sbuf_addstr(p->out, " GENERATED BY DEFAULT AS IDENTITY");
	if (c->check.len)
		sbuf_addf(p->out, " CHECK %s", c->check.data);
}

/* The name PostgreSQL gives a column's CHECK written in CREATE TABLE: <table>_<column>_check. */
static void
put_check_name(parser *p, const qname *q, const char *column)
{
	char *name = xasprintf("%s_%s_check", q->name, column);

	quote_pg_ident(p->out, name);
	free(name);
}

/*
 * A changed column's labels: the old check goes (its name carries the old
 * column name), the new one, if any, comes. Existing values must pass it.
 */
static void
put_checks(parser *p, const qname *q, const char *old, const coldef *c)
{
	alter_prefix(p, q);
	sbuf_addstr(p->out, "DROP CONSTRAINT IF EXISTS ");
	put_check_name(p, q, old ? old : c->name);
	end_stmt(p);
	if (c->check.len == 0)
		return;
	alter_prefix(p, q);
	sbuf_addstr(p->out, "ADD CONSTRAINT ");
	put_check_name(p, q, c->name);
	sbuf_addf(p->out, " CHECK %s", c->check.data);
	end_stmt(p);
}

static void
put_column_comment(parser *p, const qname *q, const coldef *c)
{
	if (!c->has_comment)
		return;
	sbuf_addstr(p->out, "COMMENT ON COLUMN ");
	put_table(p, q);
	sbuf_addch(p->out, '.');
	quote_pg_ident(p->out, c->name);
	sbuf_addstr(p->out, " IS ");
	quote_pg_literal(p->out, c->comment.data, c->comment.len);
	end_stmt(p);
}

/* ---- keys ---- */

typedef struct keydef
{
	bool unique;
	char *name; /* NULL: the first column's name, as MySQL does */
	char *first_col;
	sbuf cols; /* ("a", "b" DESC) */
} keydef;

static void
keydef_release(keydef *k)
{
	free(k->name);
	free(k->first_col);
	sbuf_release(&k->cols);
	memset(k, 0, sizeof(*k));
}

/* (col[(len)] [ASC|DESC], ...) into k->cols; a prefix length is dropped. */
static bool
parse_keyparts(parser *p, keydef *k)
{
	if (!accept_punct(p, '('))
		return fail(p, "expected '(' before the key columns, found \"%s\"", tok_text(peek(p, 0)));
	sbuf_addch(&k->cols, '(');
	for (;;)
	{
		const char *col = ident(p);

		if (col == NULL)
			return fail(p, "functional key parts are not translated");
		if (k->first_col == NULL)
			k->first_col = xstrdup(col);
		quote_pg_ident(&k->cols, col);
		if (accept_punct(p, '('))
		{
			if (peek(p, 0)->kind != TK_NUMBER)
				return fail(p, "expected a prefix length");
			p->i++;
			if (!accept_punct(p, ')'))
				return fail(p, "expected ')' after a prefix length");
		}
		if (accept(p, "desc"))
			sbuf_addstr(&k->cols, " DESC");
		else
			accept(p, "asc");
		if (accept_punct(p, ')'))
			break;
		if (!accept_punct(p, ','))
			return fail(p, "unexpected \"%s\" in key columns", tok_text(peek(p, 0)));
		sbuf_addstr(&k->cols, ", ");
	}
	sbuf_addch(&k->cols, ')');
	return true;
}

static bool
skip_using(parser *p)
{
	if (accept(p, "using") && ident(p) == NULL)
		return fail(p, "expected an index type after USING");
	return true;
}

/* After KEY/INDEX: [name] [USING type] (cols) [options]. */
static bool
parse_index_body(parser *p, keydef *k)
{
	sbuf_init(&k->cols, 32);
	if (is_ident(peek(p, 0)) && !is_kw(peek(p, 0), "using"))
		k->name = xstrdup(ident(p));
	if (!skip_using(p) || !parse_keyparts(p, k))
		return false;
	skip_rest(p);
	return true;
}

static void
put_create_index(parser *p, const qname *q, const keydef *k, bool if_not_exists)
{
	sbuf_addstr(p->out, k->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	if (if_not_exists)
		sbuf_addstr(p->out, "IF NOT EXISTS ");
	put_index_name(p, q, k->name ? k->name : k->first_col);
	sbuf_addstr(p->out, " ON ");
	put_table(p, q);
	sbuf_addch(p->out, ' ');
	sbuf_addstr(p->out, k->cols.data);
	end_stmt(p);
}

static void
put_drop_index(parser *p, const qname *q, const char *index)
{
	if (strcasecmp(index, "primary") == 0)
	{
		alter_prefix(p, q);
		sbuf_addstr(p->out, "DROP CONSTRAINT ");
		put_index_name(p, q, "pkey");
	}
	else
	{
		sbuf_addstr(p->out, "DROP INDEX ");
		quote_pg_ident(p->out, q->schema);
		sbuf_addch(p->out, '.');
		put_index_name(p, q, index);
	}
	end_stmt(p);
}

/* Skips FULLTEXT/SPATIAL indexes, foreign keys and checks with a comment line; false when t starts none. */
static bool
skip_untranslated(parser *p, sbuf *notes)
{
	tok *t = peek(p, 0);
	const char *what = NULL;

	if (is_kw(t, "fulltext") || is_kw(t, "spatial"))
		what = is_kw(t, "fulltext") ? "FULLTEXT index" : "SPATIAL index";
	else if (is_kw(t, "foreign"))
		what = "foreign key";
	else if (is_kw(t, "check"))
		what = "check constraint";
	else if (is_kw(t, "period"))
		what = "period";
	if (what == NULL)
		return false;
	sbuf_addf(notes, "-- %s ignored\n", what);
	skip_rest(p);
	return true;
}

/* ---- statements ---- */

static bool
create_table(parser *p, bool if_not_exists)
{
	qname q, like;
	sbuf cols = SBUF_INIT, notes = SBUF_INIT, pk = SBUF_INIT;
	keydef *keys = NULL;
	coldef *defs = NULL;
	int nkeys = 0, ndefs = 0;
	bool ok = false;
	bool paren_like;

	if (!parse_qname(p, &q))
		return false;
	like.schema = like.name = NULL;
	paren_like = is_punct(peek(p, 0), '(') && is_kw(peek(p, 1), "like");
	if (paren_like)
		p->i++;
	if (accept(p, "like"))
	{
		if (!parse_qname(p, &like) || (paren_like && !accept_punct(p, ')') && !fail(p, "expected ')'")) || !expect_end(p))
			goto done;
		sbuf_addstr(p->out, if_not_exists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ");
		put_table(p, &q);
		sbuf_addstr(p->out, " (LIKE ");
		put_table(p, &like);
		sbuf_addstr(p->out, " INCLUDING ALL)");
		end_stmt(p);
		put_rename_derived(p, &q, like.name, &like);
		ok = true;
		goto done;
	}
	if (!accept_punct(p, '('))
	{
		fail(p, "expected '(' after the table name, found \"%s\"", tok_text(peek(p, 0)));
		goto done;
	}
	for (;;)
	{
		tok *t;

		if (accept(p, "constraint") && is_ident(peek(p, 0)) && !is_kw(peek(p, 0), "primary") && !is_kw(peek(p, 0), "unique") &&
			!is_kw(peek(p, 0), "foreign") && !is_kw(peek(p, 0), "check"))
			p->i++;
		t = peek(p, 0);
		if (skip_untranslated(p, &notes))
			;
		else if (is_kw(t, "primary") && is_kw(peek(p, 1), "key"))
		{
			keydef k;

			memset(&k, 0, sizeof(k));
			sbuf_init(&k.cols, 32);
			p->i += 2;
			if (is_ident(peek(p, 0)) && !is_kw(peek(p, 0), "using"))
				p->i++;
			if (!skip_using(p) || !parse_keyparts(p, &k))
			{
				keydef_release(&k);
				goto done;
			}
			skip_rest(p);
			sbuf_reset(&pk);
			sbuf_addstr(&pk, k.cols.data);
			keydef_release(&k);
		}
		else if (is_kw(t, "unique") || is_kw(t, "key") || is_kw(t, "index"))
		{
			keydef *k;

			p->i++;
			if (is_kw(t, "unique") && !accept(p, "key"))
				accept(p, "index");
			keys = xrealloc(keys, sizeof(keydef) * (size_t) (nkeys + 1));
			k = &keys[nkeys++];
			memset(k, 0, sizeof(*k));
			k->unique = is_kw(t, "unique");
			if (!parse_index_body(p, k))
				goto done;
		}
		else
		{
			coldef *c;

			defs = xrealloc(defs, sizeof(coldef) * (size_t) (ndefs + 1));
			c = &defs[ndefs++];
			if (!parse_coldef(p, &q, c))
				goto done;
			if (cols.len > 0)
				sbuf_addstr(&cols, ", ");
			{
				sbuf *save = p->out;

				p->out = &cols;
				put_coldef(p, c);
				p->out = save;
			}
			if (c->pk)
			{
				sbuf_reset(&pk);
				sbuf_addch(&pk, '(');
				quote_pg_ident(&pk, c->name);
				sbuf_addch(&pk, ')');
			}
			if (c->unique)
			{
				keydef *k;

				keys = xrealloc(keys, sizeof(keydef) * (size_t) (nkeys + 1));
				k = &keys[nkeys++];
				memset(k, 0, sizeof(*k));
				k->unique = true;
				k->first_col = xstrdup(c->name);
				sbuf_init(&k->cols, 32);
				sbuf_addch(&k->cols, '(');
				quote_pg_ident(&k->cols, c->name);
				sbuf_addch(&k->cols, ')');
			}
		}
		if (accept_punct(p, ')'))
			break;
		if (!accept_punct(p, ','))
		{
			fail(p, "unexpected \"%s\" in CREATE TABLE", tok_text(peek(p, 0)));
			goto done;
		}
	}
	/* Table options are ignored; CREATE TABLE ... SELECT copies data, which is not DDL. */
	for (int j = p->i; j < p->n; j++)
		if (is_kw(&p->t[j], "select"))
		{
			fail(p, "CREATE TABLE ... SELECT is not translated");
			goto done;
		}
	sbuf_addstr(p->out, notes.data);
	sbuf_addstr(p->out, if_not_exists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ");
	put_table(p, &q);
	sbuf_addstr(p->out, " (");
	sbuf_addstr(p->out, cols.data);
	if (pk.len > 0)
	{
		sbuf_addstr(p->out, cols.len > 0 ? ", PRIMARY KEY " : "PRIMARY KEY ");
		sbuf_addstr(p->out, pk.data);
	}
	sbuf_addch(p->out, ')');
	end_stmt(p);
	for (int j = 0; j < nkeys; j++)
		put_create_index(p, &q, &keys[j], if_not_exists);
	for (int j = 0; j < ndefs; j++)
		put_column_comment(p, &q, &defs[j]);
	ok = true;
done:
	for (int j = 0; j < nkeys; j++)
		keydef_release(&keys[j]);
	for (int j = 0; j < ndefs; j++)
		coldef_release(&defs[j]);
	free(keys);
	free(defs);
	sbuf_release(&cols);
	sbuf_release(&notes);
	sbuf_release(&pk);
	qname_release(&q);
	qname_release(&like);
	return ok;
}

/*
 * Index and check names carry their table's name (<table>_<index>, as the
 * load makes them), so that later DDL finds them by MySQL's names. After the
 * table t got its name from another table (old, a rename or LIKE), the names
 * that begin with old's are made to begin with t's. LIKE copies indexes
 * under names PostgreSQL chooses: each is matched to old's index of the same
 * definition. A DO block, quoted as one literal, so no name can break out.
 */
static void
put_rename_derived(parser *p, const qname *t, const char *old, const qname *like)
{
	sbuf body = SBUF_INIT, tab = SBUF_INIT, oldp = SBUF_INIT, newp = SBUF_INIT;
	char *prefix = xasprintf("%s_", old), *newprefix = xasprintf("%s_", t->name);

	quote_pg_qualified(&tab, t->schema, t->name);
	quote_pg_literal(&oldp, prefix, strlen(prefix));
	quote_pg_literal(&newp, newprefix, strlen(newprefix));
	sbuf_addstr(&body, "DECLARE r record; t regclass := ");
	quote_pg_literal(&body, tab.data, tab.len);
	sbuf_addstr(&body, "; BEGIN FOR r IN ");
	if (like)
	{
		sbuf from = SBUF_INIT;

		quote_pg_qualified(&from, like->schema, like->name);
		/* Equal definitions are told apart by their order, which LIKE keeps. */
		sbuf_addstr(&body, "WITH d AS (SELECT i.indrelid AS rel, c.relname AS name, row_number() OVER (PARTITION BY i.indrelid, "
						   "i.indkey::text, i.indclass::text, i.indisunique, i.indisprimary, pg_get_expr(i.indexprs, i.indrelid), "
						   "pg_get_expr(i.indpred, i.indrelid) ORDER BY c.oid) AS nth, i.indkey::text AS k, i.indclass::text AS cl, "
						   "i.indisunique AS u, i.indisprimary AS pk, coalesce(pg_get_expr(i.indexprs, i.indrelid), '') AS e, "
						   "coalesce(pg_get_expr(i.indpred, i.indrelid), '') AS w FROM pg_index i JOIN pg_class c ON c.oid = "
						   "i.indexrelid) SELECT n.name, o.name AS was FROM d n JOIN d o USING (nth, k, cl, u, pk, e, w) WHERE "
						   "n.rel = t AND o.rel = ");
		quote_pg_literal(&body, from.data, from.len);
		sbuf_addf(&body, "::regclass AND NOT n.pk AND left(o.name, length(%s)) = %s", oldp.data, oldp.data);
		sbuf_release(&from);
	}
	else
		sbuf_addf(&body, "SELECT c.relname AS name, c.relname AS was FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
						 "WHERE i.indrelid = t AND left(c.relname, length(%s)) = %s",
				  oldp.data, oldp.data);
	sbuf_addf(&body, " LOOP EXECUTE format('ALTER INDEX %%I.%%I RENAME TO %%I', ");
	quote_pg_literal(&body, t->schema, strlen(t->schema));
	sbuf_addf(&body, ", r.name, %s || substr(r.was, length(%s) + 1)); END LOOP; ", newp.data, oldp.data);
	sbuf_addf(&body, "FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = t AND contype = 'c' AND left(conname, "
					 "length(%s)) = %s LOOP EXECUTE format('ALTER TABLE %%s RENAME CONSTRAINT %%I TO %%I', t, r.conname, "
					 "%s || substr(r.conname, length(%s) + 1)); END LOOP; END",
			  oldp.data, oldp.data, newp.data, oldp.data);
	sbuf_addstr(p->out, "DO ");
	quote_pg_literal(p->out, body.data, body.len);
	end_stmt(p);
	sbuf_release(&body);
	sbuf_release(&tab);
	sbuf_release(&oldp);
	sbuf_release(&newp);
	free(prefix);
	free(newprefix);
}

/* Emits a rename of table from (already renamed within its schema) and a SET SCHEMA when the schema changes. */
static void
put_rename(parser *p, const qname *from, const qname *to)
{
	qname mid;

	if (strcmp(from->name, to->name) != 0)
	{
		alter_prefix(p, from);
		sbuf_addstr(p->out, "RENAME TO ");
		quote_pg_ident(p->out, to->name);
		end_stmt(p);
		mid.schema = from->schema;
		mid.name = to->name;
		put_rename_derived(p, &mid, from->name, NULL);
	}
	if (strcmp(from->schema, to->schema) != 0)
	{
		mid.schema = from->schema;
		mid.name = to->name;
		alter_prefix(p, &mid);
		sbuf_addstr(p->out, "SET SCHEMA ");
		quote_pg_ident(p->out, to->schema);
		end_stmt(p);
	}
}

static bool
rename_table(parser *p)
{
	do
	{
		/* b is not parsed when a or TO is missing: released all the same. */
		qname a = { NULL, NULL }, b = { NULL, NULL };
		bool ok = parse_qname(p, &a) && expect_kw(p, "to") && parse_qname(p, &b);

		if (ok)
			put_rename(p, &a, &b);
		qname_release(&a);
		qname_release(&b);
		if (!ok)
			return false;
	} while (accept_punct(p, ','));
	return expect_end(p);
}

static bool
drop_table(parser *p)
{
	bool if_exists = accept_if_exists(p, false);

	do
	{
		qname q;

		if (!parse_qname(p, &q))
			return false;
		sbuf_addstr(p->out, if_exists ? "DROP TABLE IF EXISTS " : "DROP TABLE ");
		put_table(p, &q);
		end_stmt(p);
		qname_release(&q);
	} while (accept_punct(p, ','));
	if (!accept(p, "restrict"))
		accept(p, "cascade");
	return expect_end(p);
}

/* CHANGE/MODIFY: type, nullability and default of column c (already renamed). */
static void
put_modify(parser *p, const qname *q, const coldef *c)
{
	alter_prefix(p, q);
	sbuf_addstr(p->out, "ALTER COLUMN ");
	quote_pg_ident(p->out, c->name);
	sbuf_addf(p->out, " TYPE %s USING ", c->pgtype);
	quote_pg_ident(p->out, c->name);
	sbuf_addf(p->out, "::%s, ALTER COLUMN ", c->pgtype);
	quote_pg_ident(p->out, c->name);
	sbuf_addstr(p->out, c->not_null ? " SET NOT NULL" : " DROP NOT NULL");
	if (!c->auto_inc)
	{
		/* An identity column (AUTO_INCREMENT) has no default to drop. */
		sbuf_addstr(p->out, ", ALTER COLUMN ");
		quote_pg_ident(p->out, c->name);
		if (c->has_default)
			sbuf_addf(p->out, " SET DEFAULT %s", c->defsql.data);
		else
			sbuf_addstr(p->out, " DROP DEFAULT");
	}
	end_stmt(p);
}

/* PRIMARY KEY and UNIQUE written in a column definition of ALTER TABLE. */
static void
put_column_keys(parser *p, const qname *q, const coldef *c)
{
	if (c->pk)
	{
		alter_prefix(p, q);
		sbuf_addstr(p->out, "ADD PRIMARY KEY (");
		quote_pg_ident(p->out, c->name);
		sbuf_addch(p->out, ')');
		end_stmt(p);
	}
	if (c->unique)
	{
		keydef k;

		memset(&k, 0, sizeof(k));
		k.unique = true;
		k.first_col = xstrdup(c->name);
		sbuf_init(&k.cols, 32);
		sbuf_addch(&k.cols, '(');
		quote_pg_ident(&k.cols, c->name);
		sbuf_addch(&k.cols, ')');
		put_create_index(p, q, &k, false);
		keydef_release(&k);
	}
	put_column_comment(p, q, c);
}

static bool
is_table_option(const tok *t)
{
	static const char *const opts[] = {
		"engine",
		"auto_increment",
		"default",
		"character",
		"charset",
		"collate",
		"comment",
		"row_format",
		"key_block_size",
		"stats_persistent",
		"stats_auto_recalc",
		"stats_sample_pages",
		"avg_row_length",
		"max_rows",
		"min_rows",
		"pack_keys",
		"checksum",
		"table_checksum",
		"delay_key_write",
		"insert_method",
		"algorithm",
		"lock",
		"force",
		"convert",
		"page_checksum",
		"transactional",
		"encryption",
		"compression",
		"enable",
		"disable",
		"order",
		"union",
		"data",
		"index",
		"connection",
		"tablespace",
		"storage",
		"page_compressed",
		"page_compression_level",
		"ietf_quotes",
		"sequence",
		"with",
		"without",
	};

	if (t->kind != TK_WORD)
		return false;
	for (size_t j = 0; j < sizeof(opts) / sizeof(opts[0]); j++)
		if (strcasecmp(t->val, opts[j]) == 0)
			return true;
	return false;
}

static bool
alter_clause(parser *p, const qname *q, char **rename_to, char **rename_schema)
{
	tok *t = peek(p, 0);

	if (accept(p, "add"))
	{
		coldef c;
		bool ok;
		sbuf notes = SBUF_INIT;
		bool ine;

		if (accept(p, "constraint") && is_ident(peek(p, 0)) && !is_kw(peek(p, 0), "primary") && !is_kw(peek(p, 0), "unique") &&
			!is_kw(peek(p, 0), "foreign") && !is_kw(peek(p, 0), "check"))
			p->i++;
		t = peek(p, 0);
		if (skip_untranslated(p, &notes))
		{
			sbuf_addstr(p->out, notes.data);
			sbuf_release(&notes);
			return true;
		}
		sbuf_release(&notes);
		if (is_kw(t, "primary") || is_kw(t, "unique") || is_kw(t, "key") || is_kw(t, "index"))
		{
			keydef k;

			memset(&k, 0, sizeof(k));
			p->i++;
			if (is_kw(t, "primary"))
			{
				sbuf_init(&k.cols, 32);
				ok = expect_kw(p, "key");
				if (ok && is_ident(peek(p, 0)) && !is_kw(peek(p, 0), "using"))
					p->i++;
				ok = ok && skip_using(p) && parse_keyparts(p, &k);
				if (ok)
				{
					skip_rest(p);
					alter_prefix(p, q);
					sbuf_addf(p->out, "ADD PRIMARY KEY %s", k.cols.data);
					end_stmt(p);
				}
			}
			else
			{
				if (is_kw(t, "unique") && !accept(p, "key"))
					accept(p, "index");
				k.unique = is_kw(t, "unique");
				accept_if_exists(p, true);
				ok = parse_index_body(p, &k);
				if (ok)
					put_create_index(p, q, &k, false);
			}
			keydef_release(&k);
			return ok;
		}
		accept(p, "column");
		if (is_punct(peek(p, 0), '('))
			return fail(p, "ADD COLUMN (...) lists are not translated");
		ine = accept_if_exists(p, true);
		ok = parse_coldef(p, q, &c);
		if (ok)
		{
			if (c.moved)
				sbuf_addstr(p->out, "-- position ignored\n");
			if (c.generated)
			{
				/* MySQL computes it for the rows there are, and logs no change for them. */
				sbuf_addf(p->out, "-- warning: rows already in the table have NULL in the generated column \"%s\": re-sync the table\n",
						  c.name);
				c.not_null = false;
			}
			alter_prefix(p, q);
			sbuf_addstr(p->out, ine ? "ADD COLUMN IF NOT EXISTS " : "ADD COLUMN ");
			put_coldef(p, &c);
			end_stmt(p);
			put_column_keys(p, q, &c);
		}
		coldef_release(&c);
		return ok;
	}
	if (accept(p, "drop"))
	{
		const char *name;
		bool ie;

		if (accept(p, "primary"))
		{
			if (!expect_kw(p, "key"))
				return false;
			put_drop_index(p, q, "PRIMARY");
			return true;
		}
		if (accept(p, "index") || accept(p, "key"))
		{
			accept_if_exists(p, false);
			if ((name = ident(p)) == NULL)
				return fail(p, "expected an index name after DROP INDEX");
			put_drop_index(p, q, name);
			return true;
		}
		if (accept(p, "foreign"))
		{
			if (!expect_kw(p, "key"))
				return false;
			accept_if_exists(p, false);
			if (ident(p) == NULL)
				return fail(p, "expected a foreign key name");
			sbuf_addstr(p->out, "-- foreign key ignored\n");
			return true;
		}
		if (is_kw(t, "constraint") || is_kw(t, "check") || is_kw(t, "partition"))
			return fail(p, "ALTER TABLE DROP %s is not translated", t->val);
		accept(p, "column");
		ie = accept_if_exists(p, false);
		if ((name = ident(p)) == NULL)
			return fail(p, "expected a column name after DROP");
		alter_prefix(p, q);
		sbuf_addstr(p->out, ie ? "DROP COLUMN IF EXISTS " : "DROP COLUMN ");
		quote_pg_ident(p->out, name);
		end_stmt(p);
		if (!accept(p, "restrict"))
			accept(p, "cascade");
		return true;
	}
	if (is_kw(t, "change") || is_kw(t, "modify"))
	{
		const char *old = NULL;
		coldef c;
		bool ok;

		p->i++;
		accept(p, "column");
		accept_if_exists(p, false);
		if (is_kw(t, "change") && (old = ident(p)) == NULL)
			return fail(p, "expected a column name after CHANGE");
		ok = parse_coldef(p, q, &c);
		if (ok)
		{
			if (c.moved)
				sbuf_addstr(p->out, "-- position ignored\n");
			if (c.generated)
				sbuf_addf(p->out, "-- warning: rows already in the table keep their values in \"%s\", now generated in MySQL: re-sync the table\n",
						  c.name);
			if (old != NULL && strcmp(old, c.name) != 0)
			{
				alter_prefix(p, q);
				sbuf_addstr(p->out, "RENAME COLUMN ");
				quote_pg_ident(p->out, old);
				sbuf_addstr(p->out, " TO ");
				quote_pg_ident(p->out, c.name);
				end_stmt(p);
			}
			put_checks(p, q, old, &c);
			put_modify(p, q, &c);
			put_column_keys(p, q, &c);
		}
		coldef_release(&c);
		return ok;
	}
	if (accept(p, "rename"))
	{
		const char *a, *b;

		if (accept(p, "column") || accept(p, "index") || accept(p, "key"))
		{
			bool col = is_kw(peek(p, -1), "column");

			if ((a = ident(p)) == NULL || !expect_kw(p, "to") || (b = ident(p)) == NULL)
				return fail(p, "expected RENAME %s a TO b", col ? "COLUMN" : "INDEX");
			if (col)
			{
				alter_prefix(p, q);
				sbuf_addstr(p->out, "RENAME COLUMN ");
				quote_pg_ident(p->out, a);
				sbuf_addstr(p->out, " TO ");
				quote_pg_ident(p->out, b);
			}
			else
			{
				sbuf_addstr(p->out, "ALTER INDEX ");
				quote_pg_ident(p->out, q->schema);
				sbuf_addch(p->out, '.');
				put_index_name(p, q, a);
				sbuf_addstr(p->out, " RENAME TO ");
				put_index_name(p, q, b);
			}
			end_stmt(p);
			return true;
		}
		{
			qname to;

			if (!accept(p, "to"))
				accept(p, "as");
			if (!parse_qname(p, &to))
				return false;
			free(*rename_to);
			free(*rename_schema);
			*rename_to = to.name;
			*rename_schema = to.schema;
			return true;
		}
	}
	if (accept(p, "alter"))
	{
		const char *col;

		accept(p, "column");
		if ((col = ident(p)) == NULL)
			return fail(p, "expected a column name after ALTER");
		if (accept(p, "set"))
		{
			sbuf d = SBUF_INIT;
			bool is_null;

			if (accept(p, "visible") || accept(p, "invisible"))
				return true;
			if (!expect_kw(p, "default") || !parse_default(p, &d, &is_null))
			{
				sbuf_release(&d);
				return false;
			}
			alter_prefix(p, q);
			sbuf_addstr(p->out, "ALTER COLUMN ");
			quote_pg_ident(p->out, col);
			if (is_null)
				sbuf_addstr(p->out, " DROP DEFAULT");
			else
				sbuf_addf(p->out, " SET DEFAULT %s", d.data);
			end_stmt(p);
			sbuf_release(&d);
			return true;
		}
		if (accept(p, "drop"))
		{
			if (!expect_kw(p, "default"))
				return false;
			alter_prefix(p, q);
			sbuf_addstr(p->out, "ALTER COLUMN ");
			quote_pg_ident(p->out, col);
			sbuf_addstr(p->out, " DROP DEFAULT");
			end_stmt(p);
			return true;
		}
		return fail(p, "unexpected \"%s\" in ALTER COLUMN", tok_text(peek(p, 0)));
	}
	if (is_table_option(t))
	{
		skip_rest(p);
		return true;
	}
	return fail(p, "ALTER TABLE %s is not translated", tok_text(t));
}

static bool
alter_table(parser *p)
{
	qname q;
	char *rename_to = NULL, *rename_schema = NULL;
	bool ok = true;

	if (!parse_qname(p, &q))
		return false;
	if (!at_end(p))
	{
		do
		{
			ok = alter_clause(p, &q, &rename_to, &rename_schema);
		} while (ok && accept_punct(p, ','));
		ok = ok && expect_end(p);
	}
	if (ok && rename_to != NULL)
	{
		qname to = { rename_schema, rename_to };

		put_rename(p, &q, &to);
	}
	free(rename_to);
	free(rename_schema);
	qname_release(&q);
	return ok;
}

static bool
create_index(parser *p, bool unique)
{
	keydef k;
	qname q;
	const char *name;
	bool ok;

	memset(&k, 0, sizeof(k));
	sbuf_init(&k.cols, 32);
	k.unique = unique;
	accept_if_exists(p, true);
	if ((name = ident(p)) == NULL)
		ok = fail(p, "expected an index name");
	else
	{
		k.name = xstrdup(name);
		ok = skip_using(p) && expect_kw(p, "on") && parse_qname(p, &q);
		if (ok)
		{
			ok = parse_keyparts(p, &k);
			if (ok)
				put_create_index(p, &q, &k, false);
			qname_release(&q);
		}
	}
	keydef_release(&k);
	return ok;
}

static bool
drop_index(parser *p)
{
	const char *name;
	qname q;

	accept_if_exists(p, false);
	if ((name = ident(p)) == NULL)
		return fail(p, "expected an index name");
	if (!expect_kw(p, "on") || !parse_qname(p, &q))
		return false;
	put_drop_index(p, &q, name);
	qname_release(&q);
	skip_rest(p);
	return true;
}

static bool
statement(parser *p)
{
	tok *t = peek(p, 0);

	if (t->kind == TK_END)
		return fail(p, "empty statement");
	if (accept(p, "create"))
	{
		bool unique;

		if (is_kw(peek(p, 0), "or"))
			return fail(p, "CREATE OR REPLACE is not translated");
		if (accept(p, "temporary"))
			return expect_kw(p, "table"); /* session-local: nothing to replicate */
		if (accept(p, "table"))
			return create_table(p, accept_if_exists(p, true));
		if (accept(p, "database") || accept(p, "schema"))
		{
			const char *d;

			accept_if_exists(p, true);
			if ((d = ident(p)) == NULL)
				return fail(p, "expected a database name");
			sbuf_addstr(p->out, "CREATE SCHEMA IF NOT EXISTS ");
			quote_pg_ident(p->out, map_schema(p, d));
			end_stmt(p);
			return true;
		}
		accept(p, "online");
		accept(p, "offline");
		unique = accept(p, "unique");
		if (is_kw(peek(p, 0), "fulltext") || is_kw(peek(p, 0), "spatial"))
			return fail(p, "%s indexes are not translated", peek(p, 0)->val);
		if (accept(p, "index"))
			return create_index(p, unique);
		return fail(p, "CREATE %s is not translated", tok_text(peek(p, 0)));
	}
	if (accept(p, "drop"))
	{
		if (accept(p, "temporary"))
			return expect_kw(p, "table") || expect_kw(p, "tables");
		if (accept(p, "table") || accept(p, "tables"))
			return drop_table(p);
		if (accept(p, "index"))
			return drop_index(p);
		if (is_kw(peek(p, 0), "database") || is_kw(peek(p, 0), "schema"))
			return fail(p, "DROP DATABASE is not replicated");
		return fail(p, "DROP %s is not translated", tok_text(peek(p, 0)));
	}
	if (accept(p, "alter"))
	{
		accept(p, "online");
		accept(p, "ignore");
		if (accept(p, "table"))
			return alter_table(p);
		if (accept(p, "database") || accept(p, "schema"))
		{
			/* Character sets and collations: nothing for PostgreSQL. */
			for (int j = p->i; j < p->n; j++)
				if (is_kw(&p->t[j], "upgrade"))
					return fail(p, "ALTER DATABASE UPGRADE is not translated");
			return true;
		}
		return fail(p, "ALTER %s is not translated", tok_text(peek(p, 0)));
	}
	if (accept(p, "rename"))
	{
		if (!accept(p, "table") && !accept(p, "tables"))
			return fail(p, "RENAME %s is not translated", tok_text(peek(p, 0)));
		return rename_table(p);
	}
	if (accept(p, "truncate"))
	{
		qname q;

		accept(p, "table");
		if (!parse_qname(p, &q))
			return false;
		sbuf_addstr(p->out, "TRUNCATE TABLE ");
		put_table(p, &q);
		end_stmt(p);
		qname_release(&q);
		return expect_end(p);
	}
	return fail(p, "%s statements are not translated", tok_text(t));
}

ddl_result
ddl_translate(const char *sql, size_t len, const char *default_schema,
			  const char *(*map_schema_fn)(void *ctx, const char *schema), void *ctx,
			  sbuf *out, sbuf *why)
{
	parser p;
	char *copy = xmalloc(len + 1);
	size_t start = out->len;
	bool ok;

	memcpy(copy, sql, len);
	copy[len] = '\0';
	memset(&p, 0, sizeof(p));
	p.defschema = default_schema;
	p.map = map_schema_fn;
	p.ctx = ctx;
	p.out = out;
	p.why = why;
	sbuf_reset(why);
	ok = tokenize(copy, copy + len, &p) && statement(&p);
	for (int j = 0; j < p.n; j++)
		free(p.t[j].val);
	free(p.t);
	free(copy);
	if (!ok)
	{
		if (why->len == 0)
			sbuf_addstr(why, "not understood");
		sbuf_setlen(out, start);
		return DDL_UNKNOWN;
	}
	return p.emitted > 0 ? DDL_TRANSLATED : DDL_IGNORED;
}
