/* binlogjson.c: MySQL 8's binary JSON (and its partial-update diffs) to JSON text as MySQL prints it. */
#include "binlogjson.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "binlog.h"
#include "binlogrow.h"
#include "xalloc.h"

/* Value types of the binary format (MySQL's json_binary.h). */
enum
{
	JB_SMALL_OBJECT = 0x00,
	JB_LARGE_OBJECT = 0x01,
	JB_SMALL_ARRAY = 0x02,
	JB_LARGE_ARRAY = 0x03,
	JB_LITERAL = 0x04,
	JB_INT16 = 0x05,
	JB_UINT16 = 0x06,
	JB_INT32 = 0x07,
	JB_UINT32 = 0x08,
	JB_INT64 = 0x09,
	JB_UINT64 = 0x0a,
	JB_DOUBLE = 0x0b,
	JB_STRING = 0x0c,
	JB_OPAQUE = 0x0f,
};

/* MySQL allows 100 levels; a little more room, and a bound on recursion for hostile input. */
#define MAX_DEPTH 150

static inline uint64_t
le_n(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* The length of strings and opaque values: 7 bits a byte, low first, at most 5 bytes. */
static bool
read_varlen(const uint8_t *p, size_t avail, uint64_t *v, size_t *used)
{
	uint64_t x = 0;

	for (size_t i = 0; i < 5 && i < avail; i++)
	{
		x |= (uint64_t) (p[i] & 0x7f) << (7 * i);
		if ((p[i] & 0x80) == 0)
		{
			*v = x;
			*used = i + 1;
			return true;
		}
	}
	return false;
}

void
binlogjson_quote(const char *s, size_t len, sbuf *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;

	sbuf_grow(out, len + 2);
	sbuf_addch(out, '"');
	while (i < len)
	{
		unsigned char c = (unsigned char) s[i];
		size_t run = i;

		while (run < len && (unsigned char) s[run] >= 0x20 && s[run] != '"' && s[run] != '\\')
			run++;
		if (run > i)
		{
			sbuf_add(out, s + i, run - i);
			i = run;
			continue;
		}
		switch (c)
		{
			case '"':
				sbuf_addstr(out, "\\\"");
				break;
			case '\\':
				sbuf_addstr(out, "\\\\");
				break;
			case '\b':
				sbuf_addstr(out, "\\b");
				break;
			case '\f':
				sbuf_addstr(out, "\\f");
				break;
			case '\n':
				sbuf_addstr(out, "\\n");
				break;
			case '\r':
				sbuf_addstr(out, "\\r");
				break;
			case '\t':
				sbuf_addstr(out, "\\t");
				break;
			default:
				/* MySQL escapes control characters below 0x1f only; 0x1f itself goes out raw. */
				if (c < 0x1f)
				{
					sbuf_addstr(out, "\\u00");
					sbuf_addch(out, hex[c >> 4]);
					sbuf_addch(out, hex[c & 15]);
				}
				else
					sbuf_addch(out, (char) c);
				break;
		}
		i++;
	}
	sbuf_addch(out, '"');
}

/* MySQL's base64, with a newline every 76 characters. */
static void
add_base64(const uint8_t *p, size_t len, sbuf *out)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t line = 0;

	for (size_t i = 0; i < len; i += 3)
	{
		uint32_t v = (uint32_t) p[i] << 16;
		size_t left = len - i;

		if (line == 76)
		{
			sbuf_addch(out, '\n');
			line = 0;
		}
		if (left > 1)
			v |= (uint32_t) p[i + 1] << 8;
		if (left > 2)
			v |= p[i + 2];
		sbuf_addch(out, tab[(v >> 18) & 63]);
		sbuf_addch(out, tab[(v >> 12) & 63]);
		sbuf_addch(out, left > 1 ? tab[(v >> 6) & 63] : '=');
		sbuf_addch(out, left > 2 ? tab[v & 63] : '=');
		line += 4;
	}
}

static bool print_value(uint8_t type, const uint8_t *p, size_t avail, int depth, sbuf *out, const char **err);

static bool
print_opaque(const uint8_t *p, size_t avail, sbuf *out, const char **err)
{
	uint8_t ftype;
	uint64_t dlen;
	size_t used;
	const uint8_t *d;

	if (avail < 1)
		goto truncated;
	ftype = p[0];
	if (!read_varlen(p + 1, avail - 1, &dlen, &used) || dlen > avail - 1 - used)
		goto truncated;
	d = p + 1 + used;
	switch (ftype)
	{
		case BINLOG_TYPE_NEWDECIMAL:
		{
			size_t dused;
			const char *e;

			/* Precision and scale, then the binary decimal: printed as a number. */
			if (dlen < 2)
				goto truncated;
			e = binlogrow_decimal_text(d + 2, (size_t) dlen - 2, d[0], d[1], out, &dused);
			if (e)
			{
				*err = e;
				return false;
			}
			return true;
		}
		case BINLOG_TYPE_DATE:
		case BINLOG_TYPE_NEWDATE:
		case BINLOG_TYPE_DATETIME:
		case BINLOG_TYPE_DATETIME2:
		case BINLOG_TYPE_TIMESTAMP:
		case BINLOG_TYPE_TIMESTAMP2:
		case BINLOG_TYPE_TIME:
		case BINLOG_TYPE_TIME2:
		{
			/* A packed 8-byte value; dates and times print as strings, with 6 digits of fraction. */
			sbuf t = SBUF_INIT;
			int64_t packed;

			if (dlen < 8)
				goto truncated;
			packed = (int64_t) le_n(d, 8);
			if (ftype == BINLOG_TYPE_TIME || ftype == BINLOG_TYPE_TIME2)
				binlogrow_time_packed_text(packed, 6, &t);
			else
				binlogrow_datetime_packed_text(packed, 6, ftype == BINLOG_TYPE_DATE || ftype == BINLOG_TYPE_NEWDATE, &t);
			binlogjson_quote(t.data, t.len, out);
			sbuf_release(&t);
			return true;
		}
		default:
		{
			sbuf t = SBUF_INIT;

			sbuf_addf(&t, "base64:type%u:", ftype);
			add_base64(d, (size_t) dlen, &t);
			binlogjson_quote(t.data, t.len, out);
			sbuf_release(&t);
			return true;
		}
	}

truncated:
	*err = "JSON opaque value truncated";
	return false;
}

/* Appends a double as MySQL's JSON does: the server's text, with ".0" on whole numbers. */
static void
print_double(double d, sbuf *out)
{
	size_t start = out->len;

	binlogrow_double_text(d, out);
	if (isfinite(d) && memchr(out->data + start, '.', out->len - start) == NULL &&
		memchr(out->data + start, 'e', out->len - start) == NULL)
		sbuf_addstr(out, ".0");
}

/*
 * An object or array at p (its count field), avail bytes to the end of the
 * enclosing buffer.
 */
static bool
print_container(uint8_t type, const uint8_t *p, size_t avail, int depth, sbuf *out, const char **err)
{
	bool large = type == JB_LARGE_OBJECT || type == JB_LARGE_ARRAY;
	bool object = type == JB_SMALL_OBJECT || type == JB_LARGE_OBJECT;
	size_t osz = large ? 4 : 2; /* offsets and counts */
	size_t key_entry = osz + 2;
	size_t value_entry = 1 + osz;
	uint64_t count;
	uint64_t size;
	size_t header;

	if (depth > MAX_DEPTH)
	{
		*err = "JSON nested too deeply";
		return false;
	}
	if (avail < 2 * osz)
		goto truncated;
	count = le_n(p, (int) osz);
	size = le_n(p + osz, (int) osz);
	if (size > avail || size < 2 * osz)
		goto truncated;
	header = 2 * osz + (object ? count * key_entry : 0) + count * value_entry;
	if (count > size || header > size)
		goto truncated;
	sbuf_addch(out, object ? '{' : '[');
	for (uint64_t i = 0; i < count; i++)
	{
		const uint8_t *ve = p + 2 * osz + (object ? count * key_entry : 0) + i * value_entry;
		uint8_t vt = ve[0];
		bool inlined;

		if (i)
			sbuf_addstr(out, ", ");
		if (object)
		{
			const uint8_t *ke = p + 2 * osz + i * key_entry;
			uint64_t koff = le_n(ke, (int) osz);
			uint64_t klen = le_n(ke + osz, 2);

			if (koff > size || klen > size - koff)
				goto truncated;
			binlogjson_quote((const char *) p + koff, (size_t) klen, out);
			sbuf_addstr(out, ": ");
		}
		/* Small values live in the entry itself; int32/uint32 only in large containers. */
		inlined = vt == JB_LITERAL || vt == JB_INT16 || vt == JB_UINT16 ||
				  (large && (vt == JB_INT32 || vt == JB_UINT32));
		if (inlined)
		{
			if (!print_value(vt, ve + 1, osz, depth + 1, out, err))
				return false;
		}
		else
		{
			uint64_t voff = le_n(ve + 1, (int) osz);

			if (voff >= size)
				goto truncated;
			if (!print_value(vt, p + voff, (size_t) (size - voff), depth + 1, out, err))
				return false;
		}
	}
	sbuf_addch(out, object ? '}' : ']');
	return true;

truncated:
	*err = "JSON container truncated or corrupt";
	return false;
}

static bool
print_value(uint8_t type, const uint8_t *p, size_t avail, int depth, sbuf *out, const char **err)
{
	switch (type)
	{
		case JB_SMALL_OBJECT:
		case JB_LARGE_OBJECT:
		case JB_SMALL_ARRAY:
		case JB_LARGE_ARRAY:
			return print_container(type, p, avail, depth, out, err);
		case JB_LITERAL:
			if (avail < 1)
				break;
			switch (p[0])
			{
				case 0:
					sbuf_addstr(out, "null");
					return true;
				case 1:
					sbuf_addstr(out, "true");
					return true;
				case 2:
					sbuf_addstr(out, "false");
					return true;
				default:
					*err = "unknown JSON literal";
					return false;
			}
		case JB_INT16:
			if (avail < 2)
				break;
			sbuf_addf(out, "%d", (int16_t) le_n(p, 2));
			return true;
		case JB_UINT16:
			if (avail < 2)
				break;
			sbuf_addf(out, "%u", (unsigned) le_n(p, 2));
			return true;
		case JB_INT32:
			if (avail < 4)
				break;
			sbuf_addf(out, "%" PRId32, (int32_t) le_n(p, 4));
			return true;
		case JB_UINT32:
			if (avail < 4)
				break;
			sbuf_addf(out, "%" PRIu32, (uint32_t) le_n(p, 4));
			return true;
		case JB_INT64:
			if (avail < 8)
				break;
			sbuf_addf(out, "%" PRId64, (int64_t) le_n(p, 8));
			return true;
		case JB_UINT64:
			if (avail < 8)
				break;
			sbuf_addf(out, "%" PRIu64, le_n(p, 8));
			return true;
		case JB_DOUBLE:
		{
			uint64_t bits;
			double d;

			if (avail < 8)
				break;
			bits = le_n(p, 8);
			memcpy(&d, &bits, sizeof(d));
			print_double(d, out);
			return true;
		}
		case JB_STRING:
		{
			uint64_t slen;
			size_t used;

			if (!read_varlen(p, avail, &slen, &used) || slen > avail - used)
				break;
			binlogjson_quote((const char *) p + used, (size_t) slen, out);
			return true;
		}
		case JB_OPAQUE:
			return print_opaque(p, avail, out, err);
		default:
			*err = "unknown JSON value type";
			return false;
	}
	*err = "JSON value truncated";
	return false;
}

bool
binlogjson_to_text(const uint8_t *buf, size_t len, sbuf *out, const char **err)
{
	*err = NULL;
	/* An empty value (a JSON column added to a table that had rows) reads as null. */
	if (len == 0)
	{
		sbuf_addstr(out, "null");
		return true;
	}
	return print_value(buf[0], buf + 1, len - 1, 0, out, err);
}

/* ------------------------------------------------------------------ diffs */

/* A document tree, only for applying diffs (rare: PARTIAL_UPDATE_ROWS). */
typedef struct jnode
{
	enum
	{
		JN_SCALAR,
		JN_OBJECT,
		JN_ARRAY
	} kind;
	char *text; /* scalar: its printed text, owned */
	int n;
	int cap;
	char **keys; /* object: owned keys */
	size_t *key_lens;
	struct jnode **kids; /* owned */
} jnode;

static void
node_free(jnode *n)
{
	if (n == NULL)
		return;
	for (int i = 0; i < n->n; i++)
	{
		if (n->keys)
			free(n->keys[i]);
		node_free(n->kids[i]);
	}
	free(n->keys);
	free(n->key_lens);
	free(n->kids);
	free(n->text);
	free(n);
}

static void
node_reserve(jnode *n, int want)
{
	if (want <= n->cap)
		return;
	n->cap = want < 8 ? 8 : want * 2;
	n->kids = xrealloc(n->kids, (size_t) n->cap * sizeof(*n->kids));
	if (n->kind == JN_OBJECT)
	{
		n->keys = xrealloc(n->keys, (size_t) n->cap * sizeof(*n->keys));
		n->key_lens = xrealloc(n->key_lens, (size_t) n->cap * sizeof(*n->key_lens));
	}
}

static jnode *build_value(uint8_t type, const uint8_t *p, size_t avail, int depth, const char **err);

static jnode *
build_container(uint8_t type, const uint8_t *p, size_t avail, int depth, const char **err)
{
	bool large = type == JB_LARGE_OBJECT || type == JB_LARGE_ARRAY;
	bool object = type == JB_SMALL_OBJECT || type == JB_LARGE_OBJECT;
	size_t osz = large ? 4 : 2;
	size_t key_entry = osz + 2;
	size_t value_entry = 1 + osz;
	uint64_t count;
	uint64_t size;
	size_t header;
	jnode *n;

	if (depth > MAX_DEPTH)
	{
		*err = "JSON nested too deeply";
		return NULL;
	}
	if (avail < 2 * osz)
		goto truncated;
	count = le_n(p, (int) osz);
	size = le_n(p + osz, (int) osz);
	if (size > avail || size < 2 * osz)
		goto truncated;
	header = 2 * osz + (object ? count * key_entry : 0) + count * value_entry;
	if (count > size || header > size)
		goto truncated;
	n = xcalloc(1, sizeof(*n));
	n->kind = object ? JN_OBJECT : JN_ARRAY;
	node_reserve(n, (int) count);
	for (uint64_t i = 0; i < count; i++)
	{
		const uint8_t *ve = p + 2 * osz + (object ? count * key_entry : 0) + i * value_entry;
		uint8_t vt = ve[0];
		bool inlined = vt == JB_LITERAL || vt == JB_INT16 || vt == JB_UINT16 ||
					   (large && (vt == JB_INT32 || vt == JB_UINT32));
		jnode *kid;

		if (inlined)
			kid = build_value(vt, ve + 1, osz, depth + 1, err);
		else
		{
			uint64_t voff = le_n(ve + 1, (int) osz);

			kid = voff < size ? build_value(vt, p + voff, (size_t) (size - voff), depth + 1, err) : NULL;
			if (voff >= size)
				*err = "JSON container truncated or corrupt";
		}
		if (kid == NULL)
		{
			node_free(n);
			return NULL;
		}
		if (object)
		{
			const uint8_t *ke = p + 2 * osz + i * key_entry;
			uint64_t koff = le_n(ke, (int) osz);
			uint64_t klen = le_n(ke + osz, 2);

			if (koff > size || klen > size - koff)
			{
				node_free(kid);
				node_free(n);
				goto truncated;
			}
			n->keys[n->n] = xstrndup((const char *) p + koff, (size_t) klen);
			n->key_lens[n->n] = (size_t) klen;
		}
		n->kids[n->n++] = kid;
	}
	return n;

truncated:
	*err = "JSON container truncated or corrupt";
	return NULL;
}

static jnode *
build_value(uint8_t type, const uint8_t *p, size_t avail, int depth, const char **err)
{
	sbuf t = SBUF_INIT;
	jnode *n;

	if (type <= JB_LARGE_ARRAY)
		return build_container(type, p, avail, depth, err);
	if (!print_value(type, p, avail, depth, &t, err))
	{
		sbuf_release(&t);
		return NULL;
	}
	n = xcalloc(1, sizeof(*n));
	n->kind = JN_SCALAR;
	n->text = sbuf_detach(&t, NULL);
	return n;
}

static void
node_print(const jnode *n, sbuf *out)
{
	if (n->kind == JN_SCALAR)
	{
		sbuf_addstr(out, n->text);
		return;
	}
	sbuf_addch(out, n->kind == JN_OBJECT ? '{' : '[');
	for (int i = 0; i < n->n; i++)
	{
		if (i)
			sbuf_addstr(out, ", ");
		if (n->kind == JN_OBJECT)
		{
			binlogjson_quote(n->keys[i], n->key_lens[i], out);
			sbuf_addstr(out, ": ");
		}
		node_print(n->kids[i], out);
	}
	sbuf_addch(out, n->kind == JN_OBJECT ? '}' : ']');
}

/* One leg of a path: a member name or an array index. */
typedef struct jleg
{
	bool is_index;
	uint64_t index;
	char *key; /* owned, unescaped */
	size_t key_len;
} jleg;

static void
legs_free(jleg *legs, int n)
{
	for (int i = 0; i < n; i++)
		free(legs[i].key);
	free(legs);
}

/*
 * Parses the paths MySQL writes in diffs: $, then .name, ."quoted name"
 * (JSON escapes) and [index] legs.
 */
static bool
parse_path(const char *s, size_t len, jleg **legs_out, int *nlegs_out)
{
	size_t i = 0;
	jleg *legs = NULL;
	int n = 0;
	int cap = 0;

	while (i < len && s[i] == ' ')
		i++;
	if (i >= len || s[i] != '$')
		return false;
	i++;
	while (i < len)
	{
		jleg leg = { 0 };

		if (s[i] == ' ')
		{
			i++;
			continue;
		}
		if (s[i] == '[')
		{
			uint64_t v = 0;
			bool digits = false;

			i++;
			while (i < len && s[i] >= '0' && s[i] <= '9')
			{
				if (v > UINT32_MAX)
					goto bad;
				v = v * 10 + (uint64_t) (s[i++] - '0');
				digits = true;
			}
			if (!digits || i >= len || s[i] != ']')
				goto bad;
			i++;
			leg.is_index = true;
			leg.index = v;
		}
		else if (s[i] == '.')
		{
			sbuf k = SBUF_INIT;

			i++;
			if (i < len && s[i] == '"')
			{
				i++;
				while (i < len && s[i] != '"')
				{
					if (s[i] == '\\' && i + 1 < len)
					{
						char c = s[i + 1];

						i += 2;
						switch (c)
						{
							case 'b':
								sbuf_addch(&k, '\b');
								break;
							case 'f':
								sbuf_addch(&k, '\f');
								break;
							case 'n':
								sbuf_addch(&k, '\n');
								break;
							case 'r':
								sbuf_addch(&k, '\r');
								break;
							case 't':
								sbuf_addch(&k, '\t');
								break;
							case 'u':
							{
								unsigned cp = 0;

								if (i + 4 > len)
								{
									sbuf_release(&k);
									goto bad;
								}
								for (int d = 0; d < 4; d++)
								{
									char h = s[i + d];

									cp <<= 4;
									if (h >= '0' && h <= '9')
										cp |= (unsigned) (h - '0');
									else if (h >= 'a' && h <= 'f')
										cp |= (unsigned) (h - 'a' + 10);
									else if (h >= 'A' && h <= 'F')
										cp |= (unsigned) (h - 'A' + 10);
									else
									{
										sbuf_release(&k);
										goto bad;
									}
								}
								i += 4;
								/* Keys escaped this way are control characters: one byte of UTF-8, or two. */
								if (cp < 0x80)
									sbuf_addch(&k, (char) cp);
								else if (cp < 0x800)
								{
									sbuf_addch(&k, (char) (0xC0 | (cp >> 6)));
									sbuf_addch(&k, (char) (0x80 | (cp & 0x3F)));
								}
								else
								{
									sbuf_addch(&k, (char) (0xE0 | (cp >> 12)));
									sbuf_addch(&k, (char) (0x80 | ((cp >> 6) & 0x3F)));
									sbuf_addch(&k, (char) (0x80 | (cp & 0x3F)));
								}
								break;
							}
							default:
								sbuf_addch(&k, c);
								break;
						}
					}
					else
						sbuf_addch(&k, s[i++]);
				}
				if (i >= len)
				{
					sbuf_release(&k);
					goto bad;
				}
				i++;
			}
			else
			{
				while (i < len && s[i] != '.' && s[i] != '[' && s[i] != ' ')
					sbuf_addch(&k, s[i++]);
				if (k.len == 0)
				{
					sbuf_release(&k);
					goto bad;
				}
			}
			leg.key = sbuf_detach(&k, &leg.key_len);
		}
		else
			goto bad;
		if (n == cap)
		{
			cap = cap ? cap * 2 : 8;
			legs = xrealloc(legs, (size_t) cap * sizeof(*legs));
		}
		legs[n++] = leg;
	}
	*legs_out = legs;
	*nlegs_out = n;
	return true;

bad:
	legs_free(legs, n);
	return false;
}

static int
find_key(const jnode *obj, const char *key, size_t len)
{
	for (int i = 0; i < obj->n; i++)
		if (obj->key_lens[i] == len && memcmp(obj->keys[i], key, len) == 0)
			return i;
	return -1;
}

/* MySQL keeps object members sorted by key length, then bytes. */
static int
key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

static jnode *
seek(jnode *root, const jleg *legs, int nlegs)
{
	jnode *n = root;

	for (int i = 0; i < nlegs && n; i++)
	{
		if (legs[i].is_index)
		{
			if (n->kind != JN_ARRAY || legs[i].index >= (uint64_t) n->n)
				return NULL;
			n = n->kids[legs[i].index];
		}
		else
		{
			int k;

			if (n->kind != JN_OBJECT)
				return NULL;
			k = find_key(n, legs[i].key, legs[i].key_len);
			n = k < 0 ? NULL : n->kids[k];
		}
	}
	return n;
}

/* Applies one diff to *root; takes value (may be NULL for REMOVE). */
static const char *
apply_one(jnode **root, int op, const jleg *legs, int nlegs, jnode *value)
{
	jnode *parent;
	const jleg *last;

	if (nlegs == 0)
	{
		if (op != 0)
			return "JSON diff inserts or removes the whole document";
		node_free(*root);
		*root = value;
		return NULL;
	}
	parent = seek(*root, legs, nlegs - 1);
	last = &legs[nlegs - 1];
	if (parent == NULL)
		return "JSON diff path not found";
	if (op == 0) /* REPLACE */
	{
		int idx;

		if (last->is_index)
		{
			if (parent->kind != JN_ARRAY || last->index >= (uint64_t) parent->n)
				return "JSON diff path not found";
			idx = (int) last->index;
		}
		else
		{
			if (parent->kind != JN_OBJECT || (idx = find_key(parent, last->key, last->key_len)) < 0)
				return "JSON diff path not found";
		}
		node_free(parent->kids[idx]);
		parent->kids[idx] = value;
		return NULL;
	}
	if (op == 1) /* INSERT */
	{
		int pos;

		if (last->is_index)
		{
			if (parent->kind != JN_ARRAY)
				return "JSON diff inserts into a non-array";
			pos = last->index >= (uint64_t) parent->n ? parent->n : (int) last->index;
			node_reserve(parent, parent->n + 1);
			memmove(&parent->kids[pos + 1], &parent->kids[pos], (size_t) (parent->n - pos) * sizeof(*parent->kids));
			parent->kids[pos] = value;
			parent->n++;
			return NULL;
		}
		if (parent->kind != JN_OBJECT)
			return "JSON diff inserts a member into a non-object";
		if (find_key(parent, last->key, last->key_len) >= 0)
			return "JSON diff inserts a member that exists";
		for (pos = 0; pos < parent->n; pos++)
			if (key_cmp(last->key, last->key_len, parent->keys[pos], parent->key_lens[pos]) < 0)
				break;
		node_reserve(parent, parent->n + 1);
		memmove(&parent->kids[pos + 1], &parent->kids[pos], (size_t) (parent->n - pos) * sizeof(*parent->kids));
		memmove(&parent->keys[pos + 1], &parent->keys[pos], (size_t) (parent->n - pos) * sizeof(*parent->keys));
		memmove(&parent->key_lens[pos + 1], &parent->key_lens[pos], (size_t) (parent->n - pos) * sizeof(*parent->key_lens));
		parent->kids[pos] = value;
		parent->keys[pos] = xstrndup(last->key, last->key_len);
		parent->key_lens[pos] = last->key_len;
		parent->n++;
		return NULL;
	}
	/* REMOVE */
	{
		int idx;

		if (last->is_index)
		{
			if (parent->kind != JN_ARRAY || last->index >= (uint64_t) parent->n)
				return "JSON diff path not found";
			idx = (int) last->index;
		}
		else
		{
			if (parent->kind != JN_OBJECT || (idx = find_key(parent, last->key, last->key_len)) < 0)
				return "JSON diff path not found";
			free(parent->keys[idx]);
			memmove(&parent->keys[idx], &parent->keys[idx + 1], (size_t) (parent->n - idx - 1) * sizeof(*parent->keys));
			memmove(&parent->key_lens[idx], &parent->key_lens[idx + 1], (size_t) (parent->n - idx - 1) * sizeof(*parent->key_lens));
		}
		node_free(parent->kids[idx]);
		memmove(&parent->kids[idx], &parent->kids[idx + 1], (size_t) (parent->n - idx - 1) * sizeof(*parent->kids));
		parent->n--;
		return NULL;
	}
}

bool
binlogjson_apply_diffs(const uint8_t *base, size_t base_len, const uint8_t *diffs, size_t diffs_len,
					   sbuf *out, const char **err)
{
	const uint8_t *p = diffs;
	const uint8_t *end = diffs + diffs_len;
	jnode *root;

	*err = NULL;
	if (base_len == 0)
	{
		root = xcalloc(1, sizeof(*root));
		root->kind = JN_SCALAR;
		root->text = xstrdup("null");
	}
	else if ((root = build_value(base[0], base + 1, base_len - 1, 0, err)) == NULL)
		return false;
	while (p < end)
	{
		int op = p[0];
		uint64_t plen;
		const char *path;
		jleg *legs = NULL;
		int nlegs = 0;
		jnode *value = NULL;
		const char *e;

		p++;
		if (op > 2)
		{
			*err = "unknown JSON diff operation";
			goto fail;
		}
		if (!binlog_read_packed(&p, end, &plen) || plen > (uint64_t) (end - p))
		{
			*err = "JSON diff path truncated";
			goto fail;
		}
		path = (const char *) p;
		p += plen;
		if (op != 2)
		{
			uint64_t vlen;

			if (!binlog_read_packed(&p, end, &vlen) || vlen > (uint64_t) (end - p) || vlen == 0)
			{
				*err = "JSON diff value truncated";
				goto fail;
			}
			value = build_value(p[0], p + 1, (size_t) vlen - 1, 0, err);
			if (value == NULL)
				goto fail;
			p += vlen;
		}
		if (!parse_path(path, (size_t) plen, &legs, &nlegs))
		{
			node_free(value);
			*err = "JSON diff path malformed";
			goto fail;
		}
		e = apply_one(&root, op, legs, nlegs, value);
		legs_free(legs, nlegs);
		if (e)
		{
			node_free(value);
			*err = e;
			goto fail;
		}
	}
	node_print(root, out);
	node_free(root);
	return true;

fail:
	node_free(root);
	return false;
}

bool
binlogjson_diffs_to_text(const uint8_t *diffs, size_t diffs_len, sbuf *out, const char **err)
{
	static const char *const ops[] = { "replace", "insert", "remove" };
	const uint8_t *p = diffs;
	const uint8_t *end = diffs + diffs_len;
	bool first = true;

	*err = NULL;
	sbuf_addch(out, '[');
	while (p < end)
	{
		int op = p[0];
		uint64_t plen;

		p++;
		if (op > 2)
		{
			*err = "unknown JSON diff operation";
			return false;
		}
		if (!binlog_read_packed(&p, end, &plen) || plen > (uint64_t) (end - p))
		{
			*err = "JSON diff path truncated";
			return false;
		}
		if (!first)
			sbuf_addstr(out, ", ");
		first = false;
		sbuf_addf(out, "{\"op\": \"%s\", \"path\": ", ops[op]);
		binlogjson_quote((const char *) p, (size_t) plen, out);
		p += plen;
		if (op != 2)
		{
			uint64_t vlen;

			if (!binlog_read_packed(&p, end, &vlen) || vlen > (uint64_t) (end - p) || vlen == 0)
			{
				*err = "JSON diff value truncated";
				return false;
			}
			sbuf_addstr(out, ", \"value\": ");
			if (!print_value(p[0], p + 1, (size_t) vlen - 1, 0, out, err))
				return false;
			p += vlen;
		}
		sbuf_addch(out, '}');
	}
	sbuf_addch(out, ']');
	return true;
}
