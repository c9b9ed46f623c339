/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one JSON writer of vmlab's programs.  It keeps track of nesting so
 * that callers never place commas themselves, escapes every string per
 * RFC 8259, prints integers exactly and prints non-finite doubles as null,
 * so that whatever a program emits is valid JSON.
 */
#ifndef _VMLAB_JSON_H
#define _VMLAB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *out;
	bool pretty;		/* one member per line, two spaces per level */
	int depth;
	bool has_items[JSON_MAX_DEPTH];	/* a comma goes before the next item */
	bool after_key;		/* the next value belongs to a key */
};

void json_init(struct json *j, FILE *out, bool pretty);

void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
/* The key of the next value; only inside an object. */
void json_key(struct json *j, const char *name);
void json_key_len(struct json *j, const char *name, size_t len);

void json_string(struct json *j, const char *s);
/* @len bytes of @s, which may hold NULs (written as \u0000). */
void json_string_len(struct json *j, const char *s, size_t len);
void json_u64(struct json *j, uint64_t v);
void json_s64(struct json *j, int64_t v);
/* A finite double, exactly (it reads back the same); NaN and infinities as null. */
void json_double(struct json *j, double v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/*
 * A decimal number as written in a kernel file (digits, maybe a leading
 * '-'), as a JSON number: leading zeros dropped, so "007" is 7.  Text that
 * is not such a number, or that does not fit 64 bits, is written as a
 * string, so that no digit is lost.
 */
void json_number_text(struct json *j, const char *s, size_t len);

#endif /* _VMLAB_JSON_H */
