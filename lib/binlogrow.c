/* binlogrow.c: TABLE_MAP and rows events decoded to values in MySQL's text-protocol form. */
#include "binlogrow.h"

#include <arpa/inet.h>
#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "binlogjson.h"
#include "floatfmt.h"
#include "logging.h"
#include "xalloc.h"

/* ------------------------------------------------------------------ bytes */

static inline uint64_t
le_n(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static inline uint64_t
be_n(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Sign-extends the low bits of v. */
static inline int64_t
sign_extend(uint64_t v, int bits)
{
	uint64_t m = (uint64_t) 1 << (bits - 1);

	v &= (bits == 64) ? ~(uint64_t) 0 : (((uint64_t) 1 << bits) - 1);
	return (int64_t) ((v ^ m) - m);
}

static inline bool
bit_is_set(const uint8_t *bm, uint32_t i)
{
	return (bm[i / 8] >> (i % 8)) & 1;
}

/* ------------------------------------------------------------------ character sets */

/* Collation ids to character sets: MariaDB 10.11's list, and MySQL 8's own ids (76, 248-250, 255-323). */
static const struct
{
	uint16_t lo;
	uint16_t hi;
	const char *charset;
} collations[] = {
	{ 1, 1, "big5" },
	{ 2, 2, "latin2" },
	{ 3, 3, "dec8" },
	{ 4, 4, "cp850" },
	{ 5, 5, "latin1" },
	{ 6, 6, "hp8" },
	{ 7, 7, "koi8r" },
	{ 8, 8, "latin1" },
	{ 9, 9, "latin2" },
	{ 10, 10, "swe7" },
	{ 11, 11, "ascii" },
	{ 12, 12, "ujis" },
	{ 13, 13, "sjis" },
	{ 14, 14, "cp1251" },
	{ 15, 15, "latin1" },
	{ 16, 16, "hebrew" },
	{ 18, 18, "tis620" },
	{ 19, 19, "euckr" },
	{ 20, 20, "latin7" },
	{ 21, 21, "latin2" },
	{ 22, 22, "koi8u" },
	{ 23, 23, "cp1251" },
	{ 24, 24, "gb2312" },
	{ 25, 25, "greek" },
	{ 26, 26, "cp1250" },
	{ 27, 27, "latin2" },
	{ 28, 28, "gbk" },
	{ 29, 29, "cp1257" },
	{ 30, 30, "latin5" },
	{ 31, 31, "latin1" },
	{ 32, 32, "armscii8" },
	{ 33, 33, "utf8mb3" },
	{ 34, 34, "cp1250" },
	{ 35, 35, "ucs2" },
	{ 36, 36, "cp866" },
	{ 37, 37, "keybcs2" },
	{ 38, 38, "macce" },
	{ 39, 39, "macroman" },
	{ 40, 40, "cp852" },
	{ 41, 42, "latin7" },
	{ 43, 43, "macce" },
	{ 44, 44, "cp1250" },
	{ 45, 46, "utf8mb4" },
	{ 47, 49, "latin1" },
	{ 50, 52, "cp1251" },
	{ 53, 53, "macroman" },
	{ 54, 55, "utf16" },
	{ 56, 56, "utf16le" },
	{ 57, 57, "cp1256" },
	{ 58, 59, "cp1257" },
	{ 60, 61, "utf32" },
	{ 62, 62, "utf16le" },
	{ 63, 63, "binary" },
	{ 64, 64, "armscii8" },
	{ 65, 65, "ascii" },
	{ 66, 66, "cp1250" },
	{ 67, 67, "cp1256" },
	{ 68, 68, "cp866" },
	{ 69, 69, "dec8" },
	{ 70, 70, "greek" },
	{ 71, 71, "hebrew" },
	{ 72, 72, "hp8" },
	{ 73, 73, "keybcs2" },
	{ 74, 74, "koi8r" },
	{ 75, 75, "koi8u" },
	{ 76, 76, "utf8mb3" },
	{ 77, 77, "latin2" },
	{ 78, 78, "latin5" },
	{ 79, 79, "latin7" },
	{ 80, 80, "cp850" },
	{ 81, 81, "cp852" },
	{ 82, 82, "swe7" },
	{ 83, 83, "utf8mb3" },
	{ 84, 84, "big5" },
	{ 85, 85, "euckr" },
	{ 86, 86, "gb2312" },
	{ 87, 87, "gbk" },
	{ 88, 88, "sjis" },
	{ 89, 89, "tis620" },
	{ 90, 90, "ucs2" },
	{ 91, 91, "ujis" },
	{ 92, 93, "geostd8" },
	{ 94, 94, "latin1" },
	{ 95, 96, "cp932" },
	{ 97, 98, "eucjpms" },
	{ 99, 99, "cp1250" },
	{ 101, 124, "utf16" },
	{ 128, 151, "ucs2" },
	{ 159, 159, "ucs2" },
	{ 160, 183, "utf32" },
	{ 192, 215, "utf8mb3" },
	{ 223, 223, "utf8mb3" },
	{ 224, 247, "utf8mb4" },
	{ 248, 250, "gb18030" },
	{ 255, 323, "utf8mb4" },
	{ 576, 578, "utf8mb3" },
	{ 608, 610, "utf8mb4" },
	{ 640, 642, "ucs2" },
	{ 672, 674, "utf16" },
	{ 736, 738, "utf32" },
	{ 1025, 1025, "big5" },
	{ 1027, 1027, "dec8" },
	{ 1028, 1028, "cp850" },
	{ 1030, 1030, "hp8" },
	{ 1031, 1031, "koi8r" },
	{ 1032, 1032, "latin1" },
	{ 1033, 1033, "latin2" },
	{ 1034, 1034, "swe7" },
	{ 1035, 1035, "ascii" },
	{ 1036, 1036, "ujis" },
	{ 1037, 1037, "sjis" },
	{ 1040, 1040, "hebrew" },
	{ 1042, 1042, "tis620" },
	{ 1043, 1043, "euckr" },
	{ 1046, 1046, "koi8u" },
	{ 1048, 1048, "gb2312" },
	{ 1049, 1049, "greek" },
	{ 1050, 1050, "cp1250" },
	{ 1052, 1052, "gbk" },
	{ 1054, 1054, "latin5" },
	{ 1056, 1056, "armscii8" },
	{ 1057, 1057, "utf8mb3" },
	{ 1059, 1059, "ucs2" },
	{ 1060, 1060, "cp866" },
	{ 1061, 1061, "keybcs2" },
	{ 1062, 1062, "macce" },
	{ 1063, 1063, "macroman" },
	{ 1064, 1064, "cp852" },
	{ 1065, 1065, "latin7" },
	{ 1067, 1067, "macce" },
	{ 1069, 1070, "utf8mb4" },
	{ 1071, 1071, "latin1" },
	{ 1074, 1075, "cp1251" },
	{ 1077, 1077, "macroman" },
	{ 1078, 1079, "utf16" },
	{ 1080, 1080, "utf16le" },
	{ 1081, 1081, "cp1256" },
	{ 1082, 1083, "cp1257" },
	{ 1084, 1085, "utf32" },
	{ 1086, 1086, "utf16le" },
	{ 1088, 1088, "armscii8" },
	{ 1089, 1089, "ascii" },
	{ 1090, 1090, "cp1250" },
	{ 1091, 1091, "cp1256" },
	{ 1092, 1092, "cp866" },
	{ 1093, 1093, "dec8" },
	{ 1094, 1094, "greek" },
	{ 1095, 1095, "hebrew" },
	{ 1096, 1096, "hp8" },
	{ 1097, 1097, "keybcs2" },
	{ 1098, 1098, "koi8r" },
	{ 1099, 1099, "koi8u" },
	{ 1101, 1101, "latin2" },
	{ 1102, 1102, "latin5" },
	{ 1103, 1103, "latin7" },
	{ 1104, 1104, "cp850" },
	{ 1105, 1105, "cp852" },
	{ 1106, 1106, "swe7" },
	{ 1107, 1107, "utf8mb3" },
	{ 1108, 1108, "big5" },
	{ 1109, 1109, "euckr" },
	{ 1110, 1110, "gb2312" },
	{ 1111, 1111, "gbk" },
	{ 1112, 1112, "sjis" },
	{ 1113, 1113, "tis620" },
	{ 1114, 1114, "ucs2" },
	{ 1115, 1115, "ujis" },
	{ 1116, 1117, "geostd8" },
	{ 1119, 1120, "cp932" },
	{ 1121, 1122, "eucjpms" },
	{ 1125, 1125, "utf16" },
	{ 1147, 1147, "utf16" },
	{ 1152, 1152, "ucs2" },
	{ 1174, 1174, "ucs2" },
	{ 1184, 1184, "utf32" },
	{ 1206, 1206, "utf32" },
	{ 1216, 1216, "utf8mb3" },
	{ 1238, 1238, "utf8mb3" },
	{ 1248, 1248, "utf8mb4" },
	{ 1270, 1270, "utf8mb4" },
	{ 2048, 2215, "utf8mb3" },
	{ 2232, 2247, "utf8mb3" },
	{ 2304, 2471, "utf8mb4" },
	{ 2488, 2503, "utf8mb4" },
	{ 2560, 2727, "ucs2" },
	{ 2744, 2759, "ucs2" },
	{ 2816, 2983, "utf16" },
	{ 3000, 3015, "utf16" },
	{ 3072, 3239, "utf32" },
	{ 3256, 3271, "utf32" },
};

const char *
binlogrow_charset_name(uint32_t collation)
{
	size_t lo = 0;
	size_t hi = sizeof(collations) / sizeof(collations[0]);

	while (lo < hi)
	{
		size_t mid = (lo + hi) / 2;

		if (collation < collations[mid].lo)
			hi = mid;
		else if (collation > collations[mid].hi)
			lo = mid + 1;
		else
			return collations[mid].charset;
	}
	return NULL;
}

uint32_t
binlogrow_charset_id(const char *charset)
{
	if (charset == NULL)
		return 0;
	/* "utf8" is utf8mb3 on MariaDB 10.x and MySQL 5.7 (and a warning on MySQL 8). */
	if (strcasecmp(charset, "utf8") == 0)
		charset = "utf8mb3";
	for (size_t i = 0; i < sizeof(collations) / sizeof(collations[0]); i++)
		if (strcasecmp(collations[i].charset, charset) == 0)
		{
			/* The default collations: latin1_swedish_ci is 8, not latin1_german1_ci (5). */
			if (strcmp(collations[i].charset, "latin1") == 0)
				return 8;
			return collations[i].lo;
		}
	return 0;
}

typedef enum cs_class
{
	CS_PASS,   /* UTF-8 already (or unknown, taken as UTF-8), or binary: bytes as they are */
	CS_LATIN1, /* MySQL's latin1, which is cp1252 with 5 more code points */
	CS_ICONV,  /* converted by iconv */
} cs_class;

/* iconv's name for a MySQL character set, NULL when it has none. */
static const char *
iconv_name(const char *cs)
{
	static const struct
	{
		const char *mysql;
		const char *iconv;
	} map[] = {
		{ "armscii8", "ARMSCII-8" },
		{ "big5", "BIG5" },
		{ "cp1250", "CP1250" },
		{ "cp1251", "CP1251" },
		{ "cp1256", "CP1256" },
		{ "cp1257", "CP1257" },
		{ "cp850", "CP850" },
		{ "cp852", "CP852" },
		{ "cp866", "CP866" },
		{ "cp932", "CP932" },
		{ "dec8", "DEC-MCS" },
		{ "eucjpms", "EUC-JP-MS" },
		{ "euckr", "EUC-KR" },
		{ "gb18030", "GB18030" },
		{ "gb2312", "EUC-CN" },
		{ "gbk", "GBK" },
		{ "geostd8", "GEORGIAN-PS" },
		{ "greek", "ISO-8859-7" },
		{ "hebrew", "ISO-8859-8" },
		{ "hp8", "HP-ROMAN8" },
		{ "koi8r", "KOI8-R" },
		{ "koi8u", "KOI8-U" },
		{ "latin2", "ISO-8859-2" },
		{ "latin5", "ISO-8859-9" },
		{ "latin7", "ISO-8859-13" },
		{ "macce", "MAC-CENTRALEUROPE" },
		{ "macroman", "MACINTOSH" },
		{ "sjis", "SHIFT_JIS" },
		{ "tis620", "TIS-620" },
		{ "ucs2", "UCS-2BE" },
		{ "ujis", "EUC-JP" },
		{ "utf16", "UTF-16BE" },
		{ "utf16le", "UTF-16LE" },
		{ "utf32", "UTF-32BE" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].mysql, cs) == 0)
			return map[i].iconv;
	return NULL;
}

static cs_class
charset_class(uint32_t collation, const char **iconv_cs)
{
	const char *cs;

	*iconv_cs = NULL;
	if (collation == 0)
		return CS_PASS;
	cs = binlogrow_charset_name(collation);
	if (cs == NULL || strcmp(cs, "utf8mb4") == 0 || strcmp(cs, "utf8mb3") == 0 || strcmp(cs, "ascii") == 0 ||
		strcmp(cs, "binary") == 0)
		return CS_PASS;
	if (strcmp(cs, "latin1") == 0)
		return CS_LATIN1;
	*iconv_cs = iconv_name(cs);
	/* swe7 and keybcs2 have no iconv converter: their bytes go as they are. */
	return *iconv_cs ? CS_ICONV : CS_PASS;
}

/* MySQL's latin1 is Windows-1252, its 5 undefined bytes mapped to the C1 controls. */
static const uint16_t cp1252_high[32] = {
	0x20AC,
	0x0081,
	0x201A,
	0x0192,
	0x201E,
	0x2026,
	0x2020,
	0x2021,
	0x02C6,
	0x2030,
	0x0160,
	0x2039,
	0x0152,
	0x008D,
	0x017D,
	0x008F,
	0x0090,
	0x2018,
	0x2019,
	0x201C,
	0x201D,
	0x2022,
	0x2013,
	0x2014,
	0x02DC,
	0x2122,
	0x0161,
	0x203A,
	0x0153,
	0x009D,
	0x017E,
	0x0178,
};

static void
latin1_to_utf8(const uint8_t *s, size_t len, sbuf *out)
{
	sbuf_grow(out, len * 2);
	for (size_t i = 0; i < len; i++)
	{
		uint32_t cp = s[i];

		if (cp < 0x80)
		{
			out->data[out->len++] = (char) cp;
			continue;
		}
		if (cp < 0xA0)
			cp = cp1252_high[cp - 0x80];
		if (cp < 0x800)
		{
			sbuf_grow(out, 2);
			out->data[out->len++] = (char) (0xC0 | (cp >> 6));
			out->data[out->len++] = (char) (0x80 | (cp & 0x3F));
		}
		else
		{
			sbuf_grow(out, 3);
			out->data[out->len++] = (char) (0xE0 | (cp >> 12));
			out->data[out->len++] = (char) (0x80 | ((cp >> 6) & 0x3F));
			out->data[out->len++] = (char) (0x80 | (cp & 0x3F));
		}
	}
	out->data[out->len] = '\0';
}

/* Converts with cd; a byte iconv refuses becomes '?', as the server shows what it cannot convert. */
static void
iconv_to_utf8(iconv_t cd, const uint8_t *s, size_t len, sbuf *out)
{
	char *in = (char *) s;
	size_t inleft = len;

	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft > 0)
	{
		char *o;
		size_t oleft;
		size_t before;

		sbuf_grow(out, inleft * 4 + 16);
		o = out->data + out->len;
		oleft = out->cap - out->len - 1;
		before = oleft;
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t) -1)
		{
			out->len += before - oleft;
			if (errno == E2BIG)
				continue;
			/* EILSEQ or EINVAL (an incomplete sequence at the end): skip one byte. */
			sbuf_addch(out, '?');
			in++;
			inleft--;
			continue;
		}
		out->len += before - oleft;
	}
	out->data[out->len] = '\0';
}

/* Appends s (in collation's character set) as UTF-8; conv and nconv cache iconv handles. */
static void
to_utf8(uint32_t collation, const uint8_t *s, size_t len, sbuf *out, void **conv, uint32_t *conv_cs, int *nconv,
		int maxconv)
{
	const char *ic;

	switch (charset_class(collation, &ic))
	{
		case CS_PASS:
			sbuf_add(out, s, len);
			return;
		case CS_LATIN1:
			latin1_to_utf8(s, len, out);
			return;
		case CS_ICONV:
			break;
	}
	for (int i = 0; i < *nconv; i++)
		if (conv_cs[i] == collation)
		{
			iconv_to_utf8((iconv_t) conv[i], s, len, out);
			return;
		}
	{
		iconv_t cd = iconv_open("UTF-8", ic);

		if (cd == (iconv_t) -1)
		{
			sbuf_add(out, s, len);
			return;
		}
		iconv_to_utf8(cd, s, len, out);
		if (*nconv < maxconv)
		{
			conv[*nconv] = (void *) cd;
			conv_cs[*nconv] = collation;
			(*nconv)++;
		}
		else
			iconv_close(cd);
	}
}

/* ------------------------------------------------------------------ table maps */

static bool
is_numeric_type(uint8_t t)
{
	switch (t)
	{
		case BINLOG_TYPE_DECIMAL:
		case BINLOG_TYPE_TINY:
		case BINLOG_TYPE_SHORT:
		case BINLOG_TYPE_INT24:
		case BINLOG_TYPE_LONG:
		case BINLOG_TYPE_LONGLONG:
		case BINLOG_TYPE_NEWDECIMAL:
		case BINLOG_TYPE_FLOAT:
		case BINLOG_TYPE_DOUBLE:
			return true;
		default:
			return false;
	}
}

/* The columns the charset fields of the optional metadata number (ENUM and SET excluded). */
static bool
is_character_column(const binlog_column *c)
{
	switch (c->real_type)
	{
		case BINLOG_TYPE_STRING:
		case BINLOG_TYPE_VAR_STRING:
		case BINLOG_TYPE_VARCHAR:
		case BINLOG_TYPE_TINY_BLOB:
		case BINLOG_TYPE_MEDIUM_BLOB:
		case BINLOG_TYPE_LONG_BLOB:
		case BINLOG_TYPE_BLOB:
		case BINLOG_TYPE_VECTOR: /* MySQL 9 counts it, with the binary charset */
			return true;
		default:
			return false;
	}
}

static bool
is_enum_or_set(const binlog_column *c)
{
	return c->real_type == BINLOG_TYPE_ENUM || c->real_type == BINLOG_TYPE_SET;
}

/* How many metadata bytes a column type has in a TABLE_MAP; -1 for a type we cannot read. */
static int
metadata_size(uint8_t type)
{
	switch (type)
	{
		case BINLOG_TYPE_FLOAT:
		case BINLOG_TYPE_DOUBLE:
		case BINLOG_TYPE_TINY_BLOB:
		case BINLOG_TYPE_MEDIUM_BLOB:
		case BINLOG_TYPE_LONG_BLOB:
		case BINLOG_TYPE_BLOB:
		case BINLOG_TYPE_GEOMETRY:
		case BINLOG_TYPE_JSON:
		case BINLOG_TYPE_VECTOR:
		case BINLOG_TYPE_TIME2:
		case BINLOG_TYPE_DATETIME2:
		case BINLOG_TYPE_TIMESTAMP2:
			return 1;
		case BINLOG_TYPE_VARCHAR:
		case BINLOG_TYPE_VAR_STRING:
		case BINLOG_TYPE_STRING:
		case BINLOG_TYPE_ENUM:
		case BINLOG_TYPE_SET:
		case BINLOG_TYPE_BIT:
		case BINLOG_TYPE_NEWDECIMAL:
			return 2;
		case BINLOG_TYPE_DECIMAL:
		case BINLOG_TYPE_TINY:
		case BINLOG_TYPE_SHORT:
		case BINLOG_TYPE_LONG:
		case BINLOG_TYPE_NULL:
		case BINLOG_TYPE_TIMESTAMP:
		case BINLOG_TYPE_LONGLONG:
		case BINLOG_TYPE_INT24:
		case BINLOG_TYPE_DATE:
		case BINLOG_TYPE_TIME:
		case BINLOG_TYPE_DATETIME:
		case BINLOG_TYPE_YEAR:
		case BINLOG_TYPE_NEWDATE:
			return 0;
		default:
			return -1;
	}
}

/* Fills the derived fields of c from its type and raw metadata. */
static const char *
column_from_metadata(binlog_column *c, const uint8_t *m, int mlen)
{
	c->real_type = c->type;
	/* As the server reads it: little-endian, but the type (or precision) byte first for these. */
	if (mlen == 2 && (c->type == BINLOG_TYPE_STRING || c->type == BINLOG_TYPE_ENUM || c->type == BINLOG_TYPE_SET ||
					  c->type == BINLOG_TYPE_NEWDECIMAL))
		c->meta = (uint16_t) ((m[0] << 8) | m[1]);
	else
		c->meta = mlen == 2 ? (uint16_t) (m[0] | (m[1] << 8)) : (mlen == 1 ? m[0] : 0);
	switch (c->type)
	{
		case BINLOG_TYPE_FLOAT:
		case BINLOG_TYPE_DOUBLE:
		case BINLOG_TYPE_TINY_BLOB:
		case BINLOG_TYPE_MEDIUM_BLOB:
		case BINLOG_TYPE_LONG_BLOB:
		case BINLOG_TYPE_BLOB:
		case BINLOG_TYPE_GEOMETRY:
		case BINLOG_TYPE_JSON:
		case BINLOG_TYPE_VECTOR:
			c->length = m[0];
			if (c->type != BINLOG_TYPE_FLOAT && c->type != BINLOG_TYPE_DOUBLE && (c->length < 1 || c->length > 4))
				return "bad length-prefix size in the column metadata";
			break;
		case BINLOG_TYPE_TIME2:
		case BINLOG_TYPE_DATETIME2:
		case BINLOG_TYPE_TIMESTAMP2:
			c->fsp = m[0];
			if (c->fsp > 6)
				return "fractional seconds over 6 in the column metadata";
			break;
		case BINLOG_TYPE_VARCHAR:
		case BINLOG_TYPE_VAR_STRING:
			c->length = (uint32_t) (m[0] | (m[1] << 8));
			break;
		case BINLOG_TYPE_NEWDECIMAL:
			c->precision = m[0];
			c->scale = m[1];
			if (binlogrow_decimal_size(c->precision, c->scale) == 0)
				return "impossible DECIMAL precision and scale";
			break;
		case BINLOG_TYPE_BIT:
			/* Bits beyond whole bytes, then whole bytes. */
			c->length = (uint32_t) m[1] * 8 + m[0];
			if (c->length < 1 || c->length > 64 || m[0] > 7)
				return "bad BIT width in the column metadata";
			break;
		case BINLOG_TYPE_STRING:
		case BINLOG_TYPE_ENUM:
		case BINLOG_TYPE_SET:
		{
			/* The real type, then the length; a CHAR over 255 bytes keeps 2 high length bits in the type byte. */
			uint8_t b0 = m[0];
			uint8_t b1 = m[1];

			if (b0 == 0)
			{
				c->length = b1;
				break;
			}
			if ((b0 & 0x30) != 0x30)
			{
				c->real_type = (uint8_t) (b0 | 0x30);
				c->length = (uint32_t) b1 | ((uint32_t) ((b0 & 0x30) ^ 0x30) << 4);
			}
			else
			{
				c->real_type = b0;
				c->length = b1;
			}
			if (c->real_type != BINLOG_TYPE_STRING && c->real_type != BINLOG_TYPE_ENUM &&
				c->real_type != BINLOG_TYPE_SET)
				return "unknown real type of a STRING column";
			if (c->real_type == BINLOG_TYPE_ENUM && c->length != 1 && c->length != 2)
				return "bad ENUM size in the column metadata";
			if (c->real_type == BINLOG_TYPE_SET && (c->length < 1 || c->length > 8))
				return "bad SET size in the column metadata";
			break;
		}
		default:
			break;
	}
	return NULL;
}

/* Reads a packed integer within [*p, end). */
static bool
packed(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	return binlog_read_packed(p, end, v);
}

/* Applies a DEFAULT_CHARSET-style field (default, then index/collation pairs) to the columns sel selects. */
static const char *
apply_default_charset(binlog_table_map *tm, const uint8_t *p, const uint8_t *end, bool (*sel)(const binlog_column *))
{
	uint64_t def;
	uint32_t count = 0;

	if (!packed(&p, end, &def))
		return "truncated default charset";
	for (uint32_t i = 0; i < tm->ncols; i++)
		if (sel(&tm->cols[i]))
		{
			tm->cols[i].charset = (uint32_t) def;
			count++;
		}
	while (p < end)
	{
		uint64_t idx;
		uint64_t cs;
		uint32_t k = 0;

		if (!packed(&p, end, &idx) || !packed(&p, end, &cs))
			return "truncated charset pair";
		/* idx counts the selected columns only. */
		if (idx >= count)
			return "charset for a column that is not there";
		for (uint32_t i = 0; i < tm->ncols; i++)
			if (sel(&tm->cols[i]) && k++ == idx)
			{
				tm->cols[i].charset = (uint32_t) cs;
				break;
			}
	}
	return NULL;
}

static const char *
apply_column_charset(binlog_table_map *tm, const uint8_t *p, const uint8_t *end, bool (*sel)(const binlog_column *))
{
	for (uint32_t i = 0; i < tm->ncols; i++)
	{
		uint64_t cs;

		if (!sel(&tm->cols[i]))
			continue;
		if (p >= end)
			break;
		if (!packed(&p, end, &cs))
			return "truncated column charset";
		tm->cols[i].charset = (uint32_t) cs;
	}
	return NULL;
}

/* ENUM_STR_VALUE / SET_STR_VALUE: per column, a count, then length-prefixed labels (raw; converted later). */
static const char *
apply_labels(binlog_table_map *tm, const uint8_t *p, const uint8_t *end, uint8_t real_type)
{
	for (uint32_t i = 0; i < tm->ncols && p < end; i++)
	{
		binlog_column *c = &tm->cols[i];
		uint64_t count;

		if (c->real_type != real_type)
			continue;
		if (!packed(&p, end, &count) || count > 65535 || count > (uint64_t) (end - p))
			return "bad label count";
		for (int k = 0; k < c->nlabels; k++)
			free(c->labels[k]);
		free(c->labels);
		c->labels = xcalloc(count ? (size_t) count : 1, sizeof(char *));
		c->nlabels = 0;
		for (uint64_t k = 0; k < count; k++)
		{
			uint64_t len;

			if (!packed(&p, end, &len) || len > (uint64_t) (end - p))
				return "truncated label";
			c->labels[c->nlabels++] = xstrndup((const char *) p, (size_t) len);
			p += len;
		}
	}
	return NULL;
}

static const char *
parse_optional_metadata(binlog_table_map *tm, const uint8_t *p, const uint8_t *end)
{
	while (p < end)
	{
		uint8_t type = *p++;
		uint64_t len;
		const uint8_t *v;
		const uint8_t *vend;
		const char *err = NULL;

		if (!packed(&p, end, &len) || len > (uint64_t) (end - p))
			return "optional metadata field runs past the event";
		v = p;
		vend = p + len;
		p = vend;
		if (type < 32)
			tm->optmeta |= 1u << type;
		switch (type)
		{
			case BINLOG_OPTMETA_SIGNEDNESS:
			{
				/* One bit per numeric column, the first in the high bit. */
				uint32_t n = 0;

				for (uint32_t i = 0; i < tm->ncols; i++)
				{
					if (!is_numeric_type(tm->cols[i].type))
						continue;
					if (n / 8 >= len)
						return "signedness bitmap too short";
					tm->cols[i].is_unsigned = (v[n / 8] >> (7 - n % 8)) & 1;
					n++;
				}
				break;
			}
			case BINLOG_OPTMETA_DEFAULT_CHARSET:
				err = apply_default_charset(tm, v, vend, is_character_column);
				break;
			case BINLOG_OPTMETA_COLUMN_CHARSET:
				err = apply_column_charset(tm, v, vend, is_character_column);
				break;
			case BINLOG_OPTMETA_ENUM_AND_SET_DEFAULT_CHARSET:
				err = apply_default_charset(tm, v, vend, is_enum_or_set);
				break;
			case BINLOG_OPTMETA_ENUM_AND_SET_COLUMN_CHARSET:
				err = apply_column_charset(tm, v, vend, is_enum_or_set);
				break;
			case BINLOG_OPTMETA_COLUMN_NAME:
				for (uint32_t i = 0; i < tm->ncols && v < vend; i++)
				{
					uint64_t nlen;

					if (!packed(&v, vend, &nlen) || nlen > (uint64_t) (vend - v))
						return "truncated column name";
					free(tm->cols[i].name);
					tm->cols[i].name = xstrndup((const char *) v, (size_t) nlen);
					v += nlen;
				}
				break;
			case BINLOG_OPTMETA_SET_STR_VALUE:
				err = apply_labels(tm, v, vend, BINLOG_TYPE_SET);
				break;
			case BINLOG_OPTMETA_ENUM_STR_VALUE:
				err = apply_labels(tm, v, vend, BINLOG_TYPE_ENUM);
				break;
			case BINLOG_OPTMETA_GEOMETRY_TYPE:
				for (uint32_t i = 0; i < tm->ncols && v < vend; i++)
				{
					uint64_t g;

					if (tm->cols[i].type != BINLOG_TYPE_GEOMETRY)
						continue;
					if (!packed(&v, vend, &g))
						return "truncated geometry type";
					tm->cols[i].geometry_type = (uint32_t) g;
				}
				break;
			case BINLOG_OPTMETA_VECTOR_DIMENSIONALITY:
				for (uint32_t i = 0; i < tm->ncols && v < vend; i++)
				{
					uint64_t d;

					if (tm->cols[i].type != BINLOG_TYPE_VECTOR)
						continue;
					if (!packed(&v, vend, &d))
						return "truncated vector dimensionality";
					tm->cols[i].vector_dim = (uint32_t) d;
				}
				break;
			case BINLOG_OPTMETA_SIMPLE_PRIMARY_KEY:
			case BINLOG_OPTMETA_PRIMARY_KEY_WITH_PREFIX:
				free(tm->pk);
				tm->pk = NULL;
				tm->npk = 0;
				while (v < vend)
				{
					uint64_t col;
					uint64_t prefix = 0;

					if (!packed(&v, vend, &col) ||
						(type == BINLOG_OPTMETA_PRIMARY_KEY_WITH_PREFIX && !packed(&v, vend, &prefix)))
						return "truncated primary key";
					if (col >= tm->ncols)
						return "primary key column out of range";
					tm->pk = xrealloc(tm->pk, (size_t) (tm->npk + 1) * sizeof(*tm->pk));
					tm->pk[tm->npk++] = (uint32_t) col;
					tm->cols[col].in_pk = true;
					tm->cols[col].pk_prefix = (uint32_t) prefix;
				}
				break;
			case BINLOG_OPTMETA_COLUMN_VISIBILITY:
				for (uint32_t i = 0; i < tm->ncols; i++)
				{
					if (i / 8 >= len)
						return "visibility bitmap too short";
					tm->cols[i].visible = (v[i / 8] >> (7 - i % 8)) & 1;
				}
				break;
			default:
				/* A field added after this code: skip it. */
				break;
		}
		if (err)
			return err;
	}
	return NULL;
}

/* Converts the raw ENUM/SET labels to UTF-8 now that their character set is known. */
static void
labels_to_utf8(binlog_table_map *tm)
{
	void *conv[4];
	uint32_t conv_cs[4];
	int nconv = 0;

	for (uint32_t i = 0; i < tm->ncols; i++)
	{
		binlog_column *c = &tm->cols[i];
		const char *ic;

		if (c->nlabels <= 0 || charset_class(c->charset, &ic) == CS_PASS)
			continue;
		for (int k = 0; k < c->nlabels; k++)
		{
			sbuf u = SBUF_INIT;

			to_utf8(c->charset, (const uint8_t *) c->labels[k], strlen(c->labels[k]), &u, conv, conv_cs, &nconv, 4);
			free(c->labels[k]);
			c->labels[k] = sbuf_detach(&u, NULL);
		}
	}
	for (int i = 0; i < nconv; i++)
		iconv_close((iconv_t) conv[i]);
}

static void
table_error(const binlog_event *ev, const binlog_format *fmt, const char *what)
{
	uint64_t start = binlog_event_start(&ev->header);

	if (fmt && fmt->log_name[0])
		log_error("could not decode binlog event TABLE_MAP at position %" PRIu64 " of \"%s\": %s", start, fmt->log_name, what);
	else
		log_error("could not decode binlog event TABLE_MAP at position %" PRIu64 ": %s", start, what);
}

bool
binlogrow_table_map_parse(const binlog_event *ev, const binlog_format *fmt, binlog_table_map *out)
{
	const uint8_t *b = ev->body;
	const uint8_t *end = ev->body + ev->body_len;
	const uint8_t *p;
	const uint8_t *types;
	const uint8_t *meta;
	const uint8_t *mend;
	uint64_t ncols;
	uint64_t mlen;
	size_t slen;
	size_t tlen;
	const char *err = NULL;

	memset(out, 0, sizeof(*out));
	if (ev->header.type != BINLOG_TABLE_MAP)
	{
		table_error(ev, fmt, "not a TABLE_MAP event");
		return false;
	}
	/* Post-header: table id (4 bytes on 5.1.0-5.1.15 servers, else 6) and flags. */
	if (ev->post_header_len == 6)
	{
		if (ev->body_len < 6)
			goto truncated;
		out->table_id = le_n(b, 4);
		out->flags = (uint16_t) le_n(b + 4, 2);
		p = b + 6;
	}
	else
	{
		if (ev->body_len < 8 || ev->post_header_len < 8 || ev->body_len < ev->post_header_len)
			goto truncated;
		out->table_id = le_n(b, 6);
		out->flags = (uint16_t) le_n(b + 6, 2);
		p = b + ev->post_header_len;
	}
	/* Schema and table: a length byte, the name, a NUL. */
	if (end - p < 1 || (size_t) (end - p) < (size_t) p[0] + 2)
		goto truncated;
	slen = p[0];
	out->schema = xstrndup((const char *) p + 1, slen);
	p += slen + 2;
	if (end - p < 1 || (size_t) (end - p) < (size_t) p[0] + 2)
		goto truncated;
	tlen = p[0];
	out->table = xstrndup((const char *) p + 1, tlen);
	p += tlen + 2;
	if (!packed(&p, end, &ncols))
		goto truncated;
	if (ncols == 0 || ncols > 4096)
	{
		table_error(ev, fmt, "impossible column count");
		return false;
	}
	if ((uint64_t) (end - p) < ncols)
		goto truncated;
	types = p;
	p += ncols;
	if (!packed(&p, end, &mlen) || mlen > (uint64_t) (end - p))
		goto truncated;
	meta = p;
	mend = p + mlen;
	p = mend;
	if ((uint64_t) (end - p) < (ncols + 7) / 8)
		goto truncated;
	out->ncols = (uint32_t) ncols;
	out->cols = xcalloc((size_t) ncols, sizeof(*out->cols));
	for (uint32_t i = 0; i < out->ncols; i++)
	{
		binlog_column *c = &out->cols[i];
		int ms = metadata_size(types[i]);

		c->type = types[i];
		c->is_unsigned = -1;
		c->nlabels = -1;
		c->visible = true;
		c->double_scale = -1;
		c->nullable = bit_is_set(p, i);
		if (ms < 0)
		{
			char msg[96];

			snprintf(msg, sizeof(msg), "column %u has unknown type %u", i + 1, types[i]);
			table_error(ev, fmt, msg);
			return false;
		}
		if (mend - meta < ms)
			goto truncated;
		err = column_from_metadata(c, meta, ms);
		if (err)
		{
			char msg[160];

			snprintf(msg, sizeof(msg), "column %u: %s", i + 1, err);
			table_error(ev, fmt, msg);
			return false;
		}
		meta += ms;
		if (c->type == BINLOG_TYPE_JSON)
			out->njson++;
	}
	p += (ncols + 7) / 8;
	err = parse_optional_metadata(out, p, end);
	if (err)
	{
		table_error(ev, fmt, err);
		return false;
	}
	labels_to_utf8(out);
	return true;

truncated:
	table_error(ev, fmt, "event truncated");
	return false;
}

void
binlogrow_table_map_release(binlog_table_map *tm)
{
	for (uint32_t i = 0; tm->cols && i < tm->ncols; i++)
	{
		binlog_column *c = &tm->cols[i];

		free(c->name);
		for (int k = 0; k < c->nlabels; k++)
			free(c->labels[k]);
		free(c->labels);
	}
	free(tm->cols);
	free(tm->schema);
	free(tm->table);
	free(tm->pk);
	memset(tm, 0, sizeof(*tm));
}

void
binlogrow_column_hint(binlog_column *c, const my_type *t, const char *charset)
{
	if (t)
	{
		switch (t->kind)
		{
			case MYT_TINYINT:
			case MYT_SMALLINT:
			case MYT_MEDIUMINT:
			case MYT_INT:
			case MYT_BIGINT:
				if (c->is_unsigned < 0)
					c->is_unsigned = t->is_unsigned;
				if (t->zerofill && t->length > 0)
					c->zerofill_width = t->length;
				break;
			case MYT_DOUBLE:
				/* DOUBLE(m,d): the server prints d digits after the point. */
				if (t->precision > 0)
					c->double_scale = t->scale;
				break;
			case MYT_ENUM:
			case MYT_SET:
				if (c->nlabels < 0 && t->nlabels > 0)
				{
					c->labels = xcalloc((size_t) t->nlabels, sizeof(char *));
					for (int k = 0; k < t->nlabels; k++)
						c->labels[k] = xstrdup(t->labels[k]);
					c->nlabels = t->nlabels;
				}
				break;
			case MYT_BINARY:
			case MYT_VARBINARY:
			case MYT_BLOB:
				if (c->charset == 0)
					c->charset = BINLOG_CHARSET_BINARY;
				break;
			case MYT_UUID:
				c->special = BINLOG_SPECIAL_UUID;
				break;
			case MYT_INET4:
				c->special = BINLOG_SPECIAL_INET4;
				break;
			case MYT_INET6:
				c->special = BINLOG_SPECIAL_INET6;
				break;
			default:
				break;
		}
	}
	if (charset && c->charset == 0)
		c->charset = binlogrow_charset_id(charset);
}

/* ------------------------------------------------------------------ value text */

static const int dig2bytes[10] = { 0, 1, 1, 2, 2, 3, 3, 4, 4, 4 };

size_t
binlogrow_decimal_size(int precision, int scale)
{
	int intg;

	if (precision < 1 || precision > 65 || scale < 0 || scale > 30 || scale > precision)
		return 0;
	intg = precision - scale;
	return (size_t) ((intg / 9) * 4 + dig2bytes[intg % 9] + (scale / 9) * 4 + dig2bytes[scale % 9]);
}

/*
 * MySQL's binary DECIMAL: groups of 9 digits in 4 bytes big-endian, the
 * leading and trailing partial groups in fewer bytes; the sign in the
 * inverted top bit, and every byte inverted for a negative number.
 */
const char *
binlogrow_decimal_text(const uint8_t *p, size_t avail, int precision, int scale, sbuf *out, size_t *used)
{
	static const uint32_t pow10[10] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000 };
	size_t size = binlogrow_decimal_size(precision, scale);
	uint8_t buf[40];
	uint8_t mask;
	int intg;
	size_t pos = 0;
	char digits[100];
	size_t nd = 0;
	size_t start;
	bool negative;
	bool nonzero = false;

	if (size == 0)
		return "impossible DECIMAL precision and scale";
	if (avail < size)
		return "DECIMAL value truncated";
	memcpy(buf, p, size);
	negative = (buf[0] & 0x80) == 0;
	mask = negative ? 0xFF : 0x00;
	buf[0] ^= 0x80;
	intg = precision - scale;

	/* The integer part: a partial group, then whole groups. */
	if (intg % 9)
	{
		int nb = dig2bytes[intg % 9];
		uint32_t v = 0;

		for (int i = 0; i < nb; i++)
			v = (v << 8) | (uint8_t) (buf[pos + i] ^ mask);
		pos += nb;
		if (v >= pow10[intg % 9])
			return "corrupt DECIMAL value";
		nd += (size_t) snprintf(digits + nd, sizeof(digits) - nd, "%0*u", intg % 9, v);
	}
	for (int g = 0; g < intg / 9; g++)
	{
		uint32_t v = 0;

		for (int i = 0; i < 4; i++)
			v = (v << 8) | (uint8_t) (buf[pos + i] ^ mask);
		pos += 4;
		if (v >= pow10[9])
			return "corrupt DECIMAL value";
		nd += (size_t) snprintf(digits + nd, sizeof(digits) - nd, "%09u", v);
	}
	/* Leading zeros of the integer part go, but one digit stays. */
	start = 0;
	while (start + 1 < nd && digits[start] == '0')
		start++;
	if (nd == 0)
	{
		digits[0] = '0';
		nd = 1;
	}
	for (size_t i = 0; i < nd; i++)
		if (digits[i] != '0')
			nonzero = true;

	{
		char frac[40];
		size_t nf = 0;

		for (int g = 0; g < scale / 9; g++)
		{
			uint32_t v = 0;

			for (int i = 0; i < 4; i++)
				v = (v << 8) | (uint8_t) (buf[pos + i] ^ mask);
			pos += 4;
			if (v >= pow10[9])
				return "corrupt DECIMAL value";
			nf += (size_t) snprintf(frac + nf, sizeof(frac) - nf, "%09u", v);
		}
		if (scale % 9)
		{
			int nb = dig2bytes[scale % 9];
			uint32_t v = 0;

			for (int i = 0; i < nb; i++)
				v = (v << 8) | (uint8_t) (buf[pos + i] ^ mask);
			pos += nb;
			if (v >= pow10[scale % 9])
				return "corrupt DECIMAL value";
			nf += (size_t) snprintf(frac + nf, sizeof(frac) - nf, "%0*u", scale % 9, v);
		}
		for (size_t i = 0; i < nf; i++)
			if (frac[i] != '0')
				nonzero = true;
		/* The server never shows a negative zero. */
		if (negative && nonzero)
			sbuf_addch(out, '-');
		sbuf_add(out, digits + start, nd - start);
		if (scale > 0)
		{
			sbuf_addch(out, '.');
			sbuf_add(out, frac, nf);
		}
	}
	*used = size;
	return NULL;
}

void
binlogrow_double_text(double v, sbuf *out)
{
	char buf[40];
	char digits[24];
	int nd = 0;
	int exp10;
	int decpt;
	char *e;

	/* MySQL and MariaDB show -0 as 0. */
	if (v == 0)
	{
		sbuf_addch(out, '0');
		return;
	}
	if (!isfinite(v))
	{
		sbuf_addstr(out, isnan(v) ? "nan" : (v < 0 ? "-inf" : "inf"));
		return;
	}
	/* The shortest digits that read back to the same double: what the server's dtoa gives. */
	for (int prec = 1; prec <= 17; prec++)
	{
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	/* buf is "-d.ddde+XX": split into digits and exponent. */
	for (char *s = buf; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9' && nd < (int) sizeof(digits) - 1)
			digits[nd++] = *s;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	e = strchr(buf, 'e');
	exp10 = e ? atoi(e + 1) : 0;
	decpt = exp10 + 1;
	if (v < 0)
		sbuf_addch(out, '-');
	/*
	 * my_gcvt()'s choice with the width the server uses: fixed notation for
	 * 1e-15 <= |v| < 1e15, and above that for numbers with a fraction.
	 */
	if (decpt >= -14 && (decpt <= 15 || nd > decpt))
	{
		if (decpt <= 0)
		{
			sbuf_addstr(out, "0.");
			for (int i = 0; i < -decpt; i++)
				sbuf_addch(out, '0');
			sbuf_add(out, digits, (size_t) nd);
		}
		else if (decpt < nd)
		{
			sbuf_add(out, digits, (size_t) decpt);
			sbuf_addch(out, '.');
			sbuf_add(out, digits + decpt, (size_t) (nd - decpt));
		}
		else
		{
			sbuf_add(out, digits, (size_t) nd);
			for (int i = nd; i < decpt; i++)
				sbuf_addch(out, '0');
		}
	}
	else
	{
		sbuf_addch(out, digits[0]);
		if (nd > 1)
		{
			sbuf_addch(out, '.');
			sbuf_add(out, digits + 1, (size_t) (nd - 1));
		}
		sbuf_addf(out, "e%d", exp10);
	}
}

/* Appends v in decimal, zero-padded to width digits (printf is a third of the time otherwise). */
static void
add_u64(sbuf *out, uint64_t v, int width)
{
	char buf[24];
	int n = 0;

	do
	{
		buf[n++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width && n < (int) sizeof(buf))
		buf[n++] = '0';
	sbuf_grow(out, (size_t) n);
	while (n > 0)
		out->data[out->len++] = buf[--n];
	out->data[out->len] = '\0';
}

static void
add_i64(sbuf *out, int64_t v)
{
	if (v < 0)
	{
		sbuf_addch(out, '-');
		add_u64(out, (uint64_t) 0 - (uint64_t) v, 0);
	}
	else
		add_u64(out, (uint64_t) v, 0);
}

/* "YYYY-MM-DD" */
static void
add_date(sbuf *out, unsigned y, unsigned m, unsigned d)
{
	add_u64(out, y, 4);
	sbuf_addch(out, '-');
	add_u64(out, m, 2);
	sbuf_addch(out, '-');
	add_u64(out, d, 2);
}

/* "HH:MM:SS", hours with 2 digits or more */
static void
add_hms(sbuf *out, unsigned h, unsigned m, unsigned s)
{
	add_u64(out, h, 2);
	sbuf_addch(out, ':');
	add_u64(out, m, 2);
	sbuf_addch(out, ':');
	add_u64(out, s, 2);
}

/* Appends the fsp leading digits of a microsecond count, after a point. */
static void
add_fraction(uint32_t usec, int fsp, sbuf *out)
{
	static const uint32_t div[7] = { 1000000, 100000, 10000, 1000, 100, 10, 1 };

	if (fsp <= 0)
		return;
	if (fsp > 6)
		fsp = 6;
	sbuf_addch(out, '.');
	add_u64(out, (usec % 1000000) / div[fsp], fsp);
}

void
binlogrow_time_packed_text(int64_t packed, int fsp, sbuf *out)
{
	bool neg = packed < 0;
	uint64_t t = neg ? (uint64_t) 0 - (uint64_t) packed : (uint64_t) packed;
	uint64_t hms = t >> 24;
	uint32_t usec = (uint32_t) (t % (1 << 24));

	if (neg)
		sbuf_addch(out, '-');
	add_hms(out, (unsigned) ((hms >> 12) % (1 << 10)), (unsigned) ((hms >> 6) % (1 << 6)), (unsigned) (hms % (1 << 6)));
	add_fraction(usec, fsp, out);
}

void
binlogrow_datetime_packed_text(int64_t packed, int fsp, bool date_only, sbuf *out)
{
	uint64_t t = packed < 0 ? (uint64_t) 0 - (uint64_t) packed : (uint64_t) packed;
	uint32_t usec = (uint32_t) (t % (1 << 24));
	uint64_t ymdhms = t >> 24;
	uint64_t ymd = ymdhms >> 17;
	uint64_t ym = ymd >> 5;
	uint64_t hms = ymdhms % (1 << 17);

	add_date(out, (unsigned) (ym / 13 % 10000), (unsigned) (ym % 13), (unsigned) (ymd % (1 << 5)));
	if (date_only)
		return;
	sbuf_addch(out, ' ');
	add_hms(out, (unsigned) (hms >> 12) % 100, (unsigned) ((hms >> 6) % (1 << 6)), (unsigned) (hms % (1 << 6)));
	add_fraction(usec, fsp, out);
}

/* Bytes of the fractional part of TIME2, DATETIME2 and TIMESTAMP2 by precision. */
static int
frac_bytes(int fsp)
{
	return (fsp + 1) / 2;
}

/* MySQL's TIME2: 3 bytes big-endian offset by 0x800000, then the fraction. */
static int64_t
time2_packed(const uint8_t *p, int fsp)
{
	int64_t intpart;
	int64_t frac;

	switch (fsp)
	{
		case 1:
		case 2:
			intpart = (int64_t) be_n(p, 3) - 0x800000;
			frac = p[3];
			if (intpart < 0 && frac)
			{
				intpart++;
				frac -= 0x100;
			}
			return intpart * (1 << 24) + frac * 10000;
		case 3:
		case 4:
			intpart = (int64_t) be_n(p, 3) - 0x800000;
			frac = (int64_t) be_n(p + 3, 2);
			if (intpart < 0 && frac)
			{
				intpart++;
				frac -= 0x10000;
			}
			return intpart * (1 << 24) + frac * 100;
		case 5:
		case 6:
			return (int64_t) be_n(p, 6) - 0x800000000000LL;
		default:
			return ((int64_t) be_n(p, 3) - 0x800000) * (1 << 24);
	}
}

/* MySQL's DATETIME2: 5 bytes big-endian offset by 0x8000000000, then the fraction (signed). */
static int64_t
datetime2_packed(const uint8_t *p, int fsp)
{
	int64_t intpart = (int64_t) be_n(p, 5) - 0x8000000000LL;
	int64_t frac = 0;

	switch (fsp)
	{
		case 1:
		case 2:
			frac = (int8_t) p[5] * 10000;
			break;
		case 3:
		case 4:
			frac = sign_extend(be_n(p + 5, 2), 16) * 100;
			break;
		case 5:
		case 6:
			frac = sign_extend(be_n(p + 5, 3), 24);
			break;
		default:
			break;
	}
	/* Corrupt bytes can make intpart * 2^24 INT64_MIN: wrap, as MySQL's arithmetic does, not overflow. */
	return (int64_t) ((uint64_t) intpart * (1u << 24) + (uint64_t) frac);
}

static void
add_utc(uint32_t sec, uint32_t usec, int fsp, sbuf *out)
{
	time_t t = (time_t) sec;
	struct tm tm;

	/* A zero TIMESTAMP is the zero date, not the epoch. */
	if (sec == 0)
	{
		sbuf_addstr(out, "0000-00-00 00:00:00");
		add_fraction(usec, fsp, out);
		return;
	}
	gmtime_r(&t, &tm);
	add_date(out, (unsigned) tm.tm_year + 1900, (unsigned) tm.tm_mon + 1, (unsigned) tm.tm_mday);
	sbuf_addch(out, ' ');
	add_hms(out, (unsigned) tm.tm_hour, (unsigned) tm.tm_min, (unsigned) tm.tm_sec);
	add_fraction(usec, fsp, out);
}

static void
add_int(const binlog_column *c, uint64_t raw, int bytes, sbuf *out)
{
	if (c->is_unsigned > 0)
		add_u64(out, raw, c->zerofill_width);
	else
		add_i64(out, sign_extend(raw, bytes * 8));
}

/* MariaDB's INET6 text, as inet_ntop() gives it (RFC 5952, IPv4-mapped as ::ffff:a.b.c.d). */
static void
add_inet6(const uint8_t *a, sbuf *out)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(AF_INET6, a, buf, sizeof(buf)) == NULL)
		buf[0] = '\0';
	sbuf_addstr(out, buf);
}

/* A UUID as 8-4-4-4-12 lower-case hex. */
static void
add_uuid(const uint8_t *u, sbuf *out)
{
	binlog_uuid_format(u, out);
}

/* ------------------------------------------------------------------ rows */

void
binlogrow_row_init(binlog_row *r)
{
	memset(r, 0, sizeof(*r));
	sbuf_init(&r->text, 256);
}

void
binlogrow_row_release(binlog_row *r)
{
	free(r->values);
	sbuf_release(&r->text);
	memset(r, 0, sizeof(*r));
}

const binlog_value *
binlogrow_row_find(const binlog_row *r, uint32_t col)
{
	/* Values are in column order: a binary search. */
	uint32_t lo = 0;
	uint32_t hi = r->n;

	while (lo < hi)
	{
		uint32_t mid = (lo + hi) / 2;

		if (r->values[mid].col == col)
			return &r->values[mid];
		if (r->values[mid].col < col)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
row_reset(binlog_row *r, uint32_t ncols)
{
	if (r->cap < ncols)
	{
		r->values = xrealloc(r->values, (size_t) ncols * sizeof(*r->values));
		r->cap = ncols;
	}
	r->n = 0;
	sbuf_reset(&r->text);
}

/* Values point into text only once the row is complete: text may move while it grows. */
static void
row_finish(binlog_row *r)
{
	for (uint32_t i = 0; i < r->n; i++)
		r->values[i].data = r->values[i].is_null ? NULL : r->text.data + r->values[i].off;
}

bool
binlogrow_rows_init(binlog_rows_iter *it, const binlog_event *ev, const binlog_format *fmt,
					const binlog_table_map *tm)
{
	memset(it, 0, sizeof(*it));
	it->ev = ev;
	it->fmt = fmt;
	it->tm = tm;
	if (!binlog_type_is_rows(ev->header.type))
	{
		log_error("could not decode binlog event %s at position %" PRIu64 ": not a rows event",
				  binlog_event_type_name(ev->header.type), binlog_event_start(&ev->header));
		return false;
	}
	if (ev->u.rows.table_id != tm->table_id)
	{
		log_error("could not decode binlog event %s at position %" PRIu64 ": table id %" PRIu64
				  " has no TABLE_MAP (the last one is for %" PRIu64 ")",
				  binlog_event_type_name(ev->header.type), binlog_event_start(&ev->header), ev->u.rows.table_id,
				  tm->table_id);
		return false;
	}
	if (ev->u.rows.ncols > tm->ncols)
	{
		log_error("could not decode binlog event %s at position %" PRIu64 ": %u columns, its TABLE_MAP has %u",
				  binlog_event_type_name(ev->header.type), binlog_event_start(&ev->header), ev->u.rows.ncols,
				  tm->ncols);
		return false;
	}
	it->ncols = ev->u.rows.ncols;
	it->p = ev->u.rows.rows;
	it->end = ev->u.rows.rows + ev->u.rows.rows_len;
	if (ev->u.rows.partial && tm->njson > 0)
	{
		it->json_before = xcalloc(tm->njson, sizeof(*it->json_before));
		it->json_before_len = xcalloc(tm->njson, sizeof(*it->json_before_len));
	}
	return true;
}

void
binlogrow_rows_release(binlog_rows_iter *it)
{
	for (int i = 0; i < it->nconv; i++)
		iconv_close((iconv_t) it->conv[i]);
	free(it->json_before);
	free(it->json_before_len);
	memset(it, 0, sizeof(*it));
}

/* Reads a little-endian length prefix of n bytes. */
static bool
length_prefix(const uint8_t *p, size_t avail, int n, uint64_t *len)
{
	if (n < 1 || n > 4 || avail < (size_t) n)
		return false;
	*len = le_n(p, n);
	return *len <= avail - (size_t) n;
}

static void
add_text(binlog_rows_iter *it, const binlog_column *c, const uint8_t *s, size_t len, sbuf *out)
{
	to_utf8(c->charset, s, len, out, it->conv, it->conv_charset, &it->nconv, 8);
}

/*
 * Decodes one value of column c at p into out (MySQL's text form). *used
 * gets the bytes it took. json_raw/json_raw_len get a JSON value's binary
 * form. Returns NULL or what is wrong.
 */
static const char *
decode_value(binlog_rows_iter *it, const binlog_column *c, const uint8_t *p, size_t avail, sbuf *out,
			 size_t *used, const uint8_t **json_raw, size_t *json_raw_len)
{
	uint64_t len;
	size_t n = 0;

	switch (c->real_type)
	{
		case BINLOG_TYPE_TINY:
			n = 1;
			break;
		case BINLOG_TYPE_SHORT:
			n = 2;
			break;
		case BINLOG_TYPE_INT24:
			n = 3;
			break;
		case BINLOG_TYPE_LONG:
		case BINLOG_TYPE_FLOAT:
		case BINLOG_TYPE_TIMESTAMP:
			n = 4;
			break;
		case BINLOG_TYPE_LONGLONG:
		case BINLOG_TYPE_DOUBLE:
		case BINLOG_TYPE_DATETIME:
			n = 8;
			break;
		case BINLOG_TYPE_YEAR:
			n = 1;
			break;
		case BINLOG_TYPE_DATE:
		case BINLOG_TYPE_NEWDATE:
		case BINLOG_TYPE_TIME:
			n = 3;
			break;
		case BINLOG_TYPE_TIMESTAMP2:
			n = 4 + (size_t) frac_bytes(c->fsp);
			break;
		case BINLOG_TYPE_DATETIME2:
			n = 5 + (size_t) frac_bytes(c->fsp);
			break;
		case BINLOG_TYPE_TIME2:
			n = 3 + (size_t) frac_bytes(c->fsp);
			break;
		case BINLOG_TYPE_BIT:
			n = (c->length + 7) / 8;
			break;
		case BINLOG_TYPE_ENUM:
		case BINLOG_TYPE_SET:
			n = c->length;
			break;
		case BINLOG_TYPE_NEWDECIMAL:
			n = binlogrow_decimal_size(c->precision, c->scale);
			break;
		default:
			n = 0; /* variable length: below */
			break;
	}
	if (avail < n)
		return "value truncated";

	switch (c->real_type)
	{
		case BINLOG_TYPE_TINY:
		case BINLOG_TYPE_SHORT:
		case BINLOG_TYPE_INT24:
		case BINLOG_TYPE_LONG:
		case BINLOG_TYPE_LONGLONG:
			add_int(c, le_n(p, (int) n), (int) n, out);
			break;
		case BINLOG_TYPE_FLOAT:
		{
			uint32_t bits = (uint32_t) le_n(p, 4);
			float f;

			memcpy(&f, &bits, sizeof(f));
			/* What the dump writes: the float's shortest text (it reads FLOAT as DOUBLE); -0 shows as 0. */
			if (f == 0)
				sbuf_addch(out, '0');
			else
				floatfmt_float(f, out);
			break;
		}
		case BINLOG_TYPE_DOUBLE:
		{
			uint64_t bits = le_n(p, 8);
			double d;

			memcpy(&d, &bits, sizeof(d));
			if (c->double_scale >= 0 && isfinite(d))
				sbuf_addf(out, "%.*f", c->double_scale, d);
			else
				binlogrow_double_text(d, out);
			break;
		}
		case BINLOG_TYPE_NEWDECIMAL:
		{
			const char *err = binlogrow_decimal_text(p, avail, c->precision, c->scale, out, &n);

			if (err)
				return err;
			break;
		}
		case BINLOG_TYPE_YEAR:
			if (p[0] == 0)
				sbuf_addstr(out, "0000");
			else
				sbuf_addf(out, "%04u", 1900u + p[0]);
			break;
		case BINLOG_TYPE_DATE:
		case BINLOG_TYPE_NEWDATE:
		{
			uint32_t v = (uint32_t) le_n(p, 3);

			add_date(out, v >> 9, (v >> 5) & 15, v & 31);
			break;
		}
		case BINLOG_TYPE_TIME:
		{
			/* The old TIME: HHMMSS as a signed 3-byte number. */
			int64_t v = sign_extend(le_n(p, 3), 24);
			const char *sign = v < 0 ? "-" : "";

			if (v < 0)
				v = -v;
			sbuf_addf(out, "%s%02u:%02u:%02u", sign, (unsigned) (v / 10000), (unsigned) (v / 100 % 100),
					  (unsigned) (v % 100));
			break;
		}
		case BINLOG_TYPE_DATETIME:
		{
			/* The old DATETIME: YYYYMMDDhhmmss as a number. */
			uint64_t v = le_n(p, 8);
			uint64_t d = v / 1000000;
			uint64_t t = v % 1000000;

			sbuf_addf(out, "%04u-%02u-%02u %02u:%02u:%02u", (unsigned) (d / 10000 % 10000), (unsigned) (d / 100 % 100),
					  (unsigned) (d % 100), (unsigned) (t / 10000), (unsigned) (t / 100 % 100), (unsigned) (t % 100));
			break;
		}
		case BINLOG_TYPE_TIMESTAMP:
			add_utc((uint32_t) le_n(p, 4), 0, 0, out);
			break;
		case BINLOG_TYPE_TIMESTAMP2:
		{
			uint32_t sec = (uint32_t) be_n(p, 4);
			uint32_t usec = 0;

			switch (c->fsp)
			{
				case 1:
				case 2:
					usec = p[4] * 10000u;
					break;
				case 3:
				case 4:
					usec = (uint32_t) be_n(p + 4, 2) * 100u;
					break;
				case 5:
				case 6:
					usec = (uint32_t) be_n(p + 4, 3);
					break;
				default:
					break;
			}
			add_utc(sec, usec, c->fsp, out);
			break;
		}
		case BINLOG_TYPE_DATETIME2:
			binlogrow_datetime_packed_text(datetime2_packed(p, c->fsp), c->fsp, false, out);
			break;
		case BINLOG_TYPE_TIME2:
			binlogrow_time_packed_text(time2_packed(p, c->fsp), c->fsp, out);
			break;
		case BINLOG_TYPE_BIT:
			/* The server sends the bytes, most significant first, as they are stored. */
			sbuf_add(out, p, n);
			break;
		case BINLOG_TYPE_ENUM:
		{
			uint64_t idx = le_n(p, (int) n);

			if (c->nlabels < 0)
				sbuf_addf(out, "%" PRIu64, idx);
			else if (idx == 0)
				; /* the empty string MySQL stores for an invalid value */
			else if (idx > (uint64_t) c->nlabels)
				return "ENUM value out of range";
			else
				sbuf_addstr(out, c->labels[idx - 1]);
			break;
		}
		case BINLOG_TYPE_SET:
		{
			uint64_t bits = le_n(p, (int) n);
			bool first = true;

			if (c->nlabels < 0)
			{
				sbuf_addf(out, "%" PRIu64, bits);
				break;
			}
			for (int k = 0; k < c->nlabels && k < 64; k++)
				if (bits & ((uint64_t) 1 << k))
				{
					if (!first)
						sbuf_addch(out, ',');
					sbuf_addstr(out, c->labels[k]);
					first = false;
				}
			break;
		}
		case BINLOG_TYPE_VARCHAR:
		case BINLOG_TYPE_VAR_STRING:
		case BINLOG_TYPE_STRING:
		{
			int lb = c->length < 256 ? 1 : 2;

			if (!length_prefix(p, avail, lb, &len))
				return "string value truncated";
			n = (size_t) lb + (size_t) len;
			if (c->special != BINLOG_SPECIAL_NONE)
			{
				const uint8_t *v = p + lb;
				uint8_t full[16] = { 0 };

				/* Fixed-size binary values lose trailing zero bytes in the binlog. */
				if (len > 16)
					return "UUID/INET value too long";
				memcpy(full, v, (size_t) len);
				if (c->special == BINLOG_SPECIAL_INET4)
					sbuf_addf(out, "%u.%u.%u.%u", full[0], full[1], full[2], full[3]);
				else if (c->special == BINLOG_SPECIAL_INET6)
					add_inet6(full, out);
				else
					add_uuid(full, out);
				break;
			}
			if (c->real_type == BINLOG_TYPE_STRING && c->charset == BINLOG_CHARSET_BINARY)
			{
				/* BINARY(n): the binlog drops trailing zero bytes; the server pads them back. */
				sbuf_add(out, p + lb, (size_t) len);
				for (uint64_t k = len; k < c->length; k++)
					sbuf_addch(out, '\0');
				break;
			}
			add_text(it, c, p + lb, (size_t) len, out);
			break;
		}
		case BINLOG_TYPE_TINY_BLOB:
		case BINLOG_TYPE_MEDIUM_BLOB:
		case BINLOG_TYPE_LONG_BLOB:
		case BINLOG_TYPE_BLOB:
			if (!length_prefix(p, avail, (int) c->length, &len))
				return "BLOB value truncated";
			n = c->length + (size_t) len;
			add_text(it, c, p + c->length, (size_t) len, out);
			break;
		case BINLOG_TYPE_GEOMETRY:
		case BINLOG_TYPE_VECTOR:
			if (!length_prefix(p, avail, (int) c->length, &len))
				return "value truncated";
			n = c->length + (size_t) len;
			sbuf_add(out, p + c->length, (size_t) len);
			break;
		case BINLOG_TYPE_JSON:
		{
			const char *err = NULL;

			if (!length_prefix(p, avail, (int) c->length, &len))
				return "JSON value truncated";
			n = c->length + (size_t) len;
			if (json_raw)
			{
				*json_raw = p + c->length;
				*json_raw_len = (size_t) len;
			}
			if (!binlogjson_to_text(p + c->length, (size_t) len, out, &err))
				return err;
			break;
		}
		case BINLOG_TYPE_NULL:
			n = 0;
			break;
		default:
			return "column type not supported";
	}
	*used = n;
	return NULL;
}

static void
row_error(binlog_rows_iter *it, uint32_t col, const char *what)
{
	const binlog_table_map *tm = it->tm;
	const binlog_header *h = &it->ev->header;
	char where[300] = "";

	if (it->fmt && it->fmt->log_name[0])
		snprintf(where, sizeof(where), " of \"%s\"", it->fmt->log_name);
	if (col < tm->ncols)
		log_error("could not decode binlog event %s at position %" PRIu64 "%s: table \"%s.%s\", row %" PRIu64
				  ", column %u%s%s%s: %s",
				  binlog_event_type_name(h->type), binlog_event_start(h), where, tm->schema, tm->table, it->row + 1,
				  col + 1, tm->cols[col].name ? " \"" : "", tm->cols[col].name ? tm->cols[col].name : "",
				  tm->cols[col].name ? "\"" : "", what);
	else
		log_error("could not decode binlog event %s at position %" PRIu64 "%s: table \"%s.%s\", row %" PRIu64 ": %s",
				  binlog_event_type_name(h->type), binlog_event_start(h), where, tm->schema, tm->table, it->row + 1,
				  what);
}

/*
 * Reads one row image: the null bitmap over the columns in cols, then their
 * values. For the after image of a partial update, partial_bits marks the
 * JSON columns given as diffs against the before image.
 */
static bool
read_image(binlog_rows_iter *it, const uint8_t *cols, binlog_row *row, bool before, const uint8_t *partial_bits)
{
	const binlog_table_map *tm = it->tm;
	uint32_t present = 0;
	uint32_t k = 0;
	uint32_t json_ord = 0;
	const uint8_t *nulls;

	for (uint32_t i = 0; i < it->ncols; i++)
		if (bit_is_set(cols, i))
			present++;
	row_reset(row, it->ncols);
	if (before && it->json_before)
		memset(it->json_before, 0, it->tm->njson * sizeof(*it->json_before));
	if ((size_t) (it->end - it->p) < (present + 7) / 8)
	{
		row_error(it, UINT32_MAX, "row image truncated in its null bitmap");
		return false;
	}
	nulls = it->p;
	it->p += (present + 7) / 8;
	for (uint32_t i = 0; i < it->ncols; i++)
	{
		const binlog_column *c = &tm->cols[i];
		binlog_value *v;
		bool is_json = c->type == BINLOG_TYPE_JSON;
		uint32_t ord = json_ord;

		if (is_json)
			json_ord++;
		if (!bit_is_set(cols, i))
			continue;
		v = &row->values[row->n++];
		v->col = i;
		v->off = row->text.len;
		v->len = 0;
		v->data = NULL;
		v->is_json_diff = false;
		v->is_null = bit_is_set(nulls, k++);
		if (v->is_null)
		{
			if (before && is_json && it->json_before)
				it->json_before[ord] = NULL, it->json_before_len[ord] = 0;
			continue;
		}
		if (is_json && partial_bits && bit_is_set(partial_bits, ord))
		{
			/* A partial update: diffs against the before image's document. */
			uint64_t len;
			const char *err = NULL;

			if (!length_prefix(it->p, (size_t) (it->end - it->p), (int) c->length, &len))
			{
				row_error(it, i, "JSON diff truncated");
				return false;
			}
			if (it->json_before == NULL || it->json_before[ord] == NULL)
			{
				/* No document to apply them to (a MINIMAL before image): hand the diffs on. */
				v->is_json_diff = true;
				if (!binlogjson_diffs_to_text(it->p + c->length, (size_t) len, &row->text, &err))
				{
					row_error(it, i, err);
					return false;
				}
			}
			else if (!binlogjson_apply_diffs(it->json_before[ord], it->json_before_len[ord], it->p + c->length,
											 (size_t) len, &row->text, &err))
			{
				row_error(it, i, err);
				return false;
			}
			it->p += c->length + (size_t) len;
		}
		else
		{
			size_t used = 0;
			const uint8_t *raw = NULL;
			size_t raw_len = 0;
			const char *err = decode_value(it, c, it->p, (size_t) (it->end - it->p), &row->text, &used, &raw,
										   &raw_len);

			if (err)
			{
				row_error(it, i, err);
				return false;
			}
			if (before && is_json && it->json_before)
			{
				it->json_before[ord] = raw;
				it->json_before_len[ord] = raw_len;
			}
			it->p += used;
		}
		v->len = row->text.len - v->off;
		/* Each value NUL-terminated, so it can be used as a C string when it holds no NUL. */
		sbuf_addch(&row->text, '\0');
	}
	row_finish(row);
	return true;
}

bool
binlogrow_rows_next(binlog_rows_iter *it, binlog_row *before, binlog_row *after, bool *failed)
{
	const binlog_rows *r = &it->ev->u.rows;
	const uint8_t *start = it->p;

	*failed = false;
	before->n = 0;
	after->n = 0;
	if (it->p >= it->end)
		return false;
	switch (r->kind)
	{
		case BINLOG_ROWS_WRITE:
			if (!read_image(it, r->cols_after, after, false, NULL))
				goto fail;
			break;
		case BINLOG_ROWS_DELETE:
			if (!read_image(it, r->cols_before, before, true, NULL))
				goto fail;
			break;
		case BINLOG_ROWS_UPDATE:
		{
			const uint8_t *partial_bits = NULL;

			if (!read_image(it, r->cols_before, before, true, NULL))
				goto fail;
			if (r->partial)
			{
				/* The shared image: value options, and with PARTIAL_JSON a bit per JSON column. */
				uint64_t options;

				if (!binlog_read_packed(&it->p, it->end, &options))
				{
					row_error(it, UINT32_MAX, "row truncated in its value options");
					goto fail;
				}
				if (options & 1)
				{
					size_t nb = (it->tm->njson + 7) / 8;

					if ((size_t) (it->end - it->p) < nb)
					{
						row_error(it, UINT32_MAX, "row truncated in its partial JSON bits");
						goto fail;
					}
					partial_bits = it->p;
					it->p += nb;
				}
			}
			if (!read_image(it, r->cols_after, after, false, partial_bits))
				goto fail;
			break;
		}
	}
	/* A row takes at least one byte; one that takes none (no columns) would repeat forever. */
	if (it->p == start)
	{
		row_error(it, UINT32_MAX, "row image without columns");
		goto fail;
	}
	it->row++;
	return true;

fail:
	*failed = true;
	it->p = it->end;
	return false;
}
