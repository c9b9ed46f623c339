// SPDX-License-Identifier: GPL-2.0
/* Turning vmlab's debugfs files into text for people and JSON for machines. */
#include <ctype.h>
#include <string.h>

#include "statfmt.h"

static bool is_number(const char *s, const char *end)
{
	if (s == end)
		return false;
	for (; s < end; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

enum statfmt_kind statfmt_classify(const char *text)
{
	const char *line = text, *nl, *sp;
	size_t len = strlen(text);
	int lines = 0;

	while (len && text[len - 1] == '\n')
		len--;
	if (is_number(text, text + len))
		return STATFMT_NUMBER;
	if (!len)
		return STATFMT_TEXT;
	while (line < text + len) {
		nl = memchr(line, '\n', text + len - line);
		if (!nl)
			nl = text + len;
		sp = memchr(line, ' ', nl - line);
		if (!sp || sp == line || !is_number(sp + 1, nl))
			return STATFMT_TEXT;
		lines++;
		line = nl + 1;
	}
	return lines ? STATFMT_PAIRS : STATFMT_TEXT;
}

/* One "name value" line's value, or the file's one number. */
static void json_number_line(struct json *j, const char *s)
{
	json_number_text(j, s, strcspn(s, "\n"));
}

void statfmt_json_value(struct json *j, const char *text)
{
	const char *line, *sp, *nl;
	size_t len;

	switch (statfmt_classify(text)) {
	case STATFMT_NUMBER:
		json_number_line(j, text);
		return;
	case STATFMT_PAIRS:
		json_begin_object(j);
		for (line = text; *line; line = nl + (*nl ? 1 : 0)) {
			nl = line + strcspn(line, "\n");
			if (nl == line)
				break;
			sp = memchr(line, ' ', nl - line);
			json_key_len(j, line, sp - line);
			json_number_line(j, sp + 1);
		}
		json_end_object(j);
		return;
	case STATFMT_TEXT:
		len = strlen(text);
		while (len && text[len - 1] == '\n')
			len--;
		json_string_len(j, text, len);
		return;
	}
}

void statfmt_text_value(FILE *out, const char *name, const char *text)
{
	const char *line, *nl;

	if (statfmt_classify(text) == STATFMT_NUMBER) {
		fprintf(out, "  %-24s %.*s\n", name, (int)strcspn(text, "\n"), text);
		return;
	}
	fprintf(out, "  %s:\n", name);
	for (line = text; *line; line = nl + (*nl ? 1 : 0)) {
		nl = line + strcspn(line, "\n");
		fprintf(out, "    %.*s\n", (int)(nl - line), line);
	}
}
