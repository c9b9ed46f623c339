// SPDX-License-Identifier: GPL-2.0
/* The JSON writer of json.h. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

void json_init(struct json *j, FILE *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
}

/*
 * What goes before a value or a key: nothing for the value of a key or a
 * top-level value, else a comma after an earlier item and, in pretty
 * output, a line break and indentation ("a, b" in compact output).
 */
static void item(struct json *j)
{
	bool more;

	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->depth)
		return;
	more = j->has_items[j->depth];
	j->has_items[j->depth] = true;
	if (more)
		fputc(',', j->out);
	if (j->pretty)
		fprintf(j->out, "\n%*s", j->depth * 2, "");
	else if (more)
		fputc(' ', j->out);
}

static void begin(struct json *j, char c)
{
	item(j);
	/* Nesting is fixed by the program, never by its input. */
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		abort();
	j->depth++;
	j->has_items[j->depth] = false;
	fputc(c, j->out);
}

static void end(struct json *j, char c)
{
	if (j->pretty && j->has_items[j->depth])
		fprintf(j->out, "\n%*s", (j->depth - 1) * 2, "");
	j->depth--;
	fputc(c, j->out);
	if (!j->depth)
		fputc('\n', j->out);
}

void json_begin_object(struct json *j)
{
	begin(j, '{');
}

void json_end_object(struct json *j)
{
	end(j, '}');
}

void json_begin_array(struct json *j)
{
	begin(j, '[');
}

void json_end_array(struct json *j)
{
	end(j, ']');
}

/* Length of the valid UTF-8 sequence at @s, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	/* The lead byte gives the length and the top bits of the value. */
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	cp = s[0] & (0x7f >> n);
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and values above U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * RFC 8259 wants UTF-8: bytes that are not (a kernel file may hold any)
 * become U+FFFD rather than an invalid document.
 */
void json_string_len(struct json *j, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t n;

	item(j);
	fputc('"', j->out);
	while (p < end) {
		if (*p == '"' || *p == '\\') {
			fprintf(j->out, "\\%c", *p++);
		} else if (*p == '\n') {
			fputs("\\n", j->out);
			p++;
		} else if (*p == '\t') {
			fputs("\\t", j->out);
			p++;
		} else if (*p < 0x20) {
			fprintf(j->out, "\\u%04x", *p++);
		} else {
			n = utf8_len(p, end - p);
			if (n) {
				fwrite(p, 1, n, j->out);
				p += n;
			} else {
				fputs("\\ufffd", j->out);
				p++;
			}
		}
	}
	fputc('"', j->out);
}

void json_string(struct json *j, const char *s)
{
	json_string_len(j, s, strlen(s));
}

void json_key_len(struct json *j, const char *name, size_t len)
{
	json_string_len(j, name, len);
	fputs(": ", j->out);
	j->after_key = true;
}

void json_key(struct json *j, const char *name)
{
	json_key_len(j, name, strlen(name));
}

void json_u64(struct json *j, uint64_t v)
{
	item(j);
	fprintf(j->out, "%" PRIu64, v);
}

void json_s64(struct json *j, int64_t v)
{
	item(j);
	fprintf(j->out, "%" PRId64, v);
}

void json_double(struct json *j, double v)
{
	char buf[32];
	int prec;

	if (!isfinite(v)) {
		json_null(j);
		return;
	}
	/*
	 * The fewest digits that read back as the same double, so that a
	 * parser gets the exact value.  %g never prints a bare "." or a
	 * leading "+": its output is always a JSON number.
	 */
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	snprintf(buf, sizeof(buf), "%.*g", prec, v);
	item(j);
	fputs(buf, j->out);
}

void json_bool(struct json *j, bool v)
{
	item(j);
	fputs(v ? "true" : "false", j->out);
}

void json_null(struct json *j)
{
	item(j);
	fputs("null", j->out);
}

void json_number_text(struct json *j, const char *s, size_t len)
{
	char buf[24], *end;
	bool neg = len && s[0] == '-';
	size_t i;

	for (i = neg; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			break;
	if (len == neg || i < len || len >= sizeof(buf)) {
		json_string_len(j, s, len);
		return;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	if (neg) {
		long long v = strtoll(buf, &end, 10);

		if (!errno) {
			json_s64(j, v);
			return;
		}
	} else {
		unsigned long long v = strtoull(buf, &end, 10);

		if (!errno) {
			json_u64(j, v);
			return;
		}
	}
	json_string_len(j, s, len);
}
