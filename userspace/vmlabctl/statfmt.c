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

void statfmt_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void statfmt_json_value(FILE *out, const char *text)
{
	const char *line, *sp, *nl;
	bool first = true;
	size_t len;

	switch (statfmt_classify(text)) {
	case STATFMT_NUMBER:
		fprintf(out, "%.*s", (int)strcspn(text, "\n"), text);
		return;
	case STATFMT_PAIRS:
		fputc('{', out);
		for (line = text; *line; line = nl + (*nl ? 1 : 0)) {
			nl = line + strcspn(line, "\n");
			if (nl == line)
				break;
			sp = memchr(line, ' ', nl - line);
			fprintf(out, "%s\"%.*s\": %.*s", first ? "" : ", ",
				(int)(sp - line), line, (int)(nl - sp - 1), sp + 1);
			first = false;
		}
		fputc('}', out);
		return;
	case STATFMT_TEXT:
		len = strlen(text);
		while (len && text[len - 1] == '\n')
			len--;
		{
			char copy[len + 1];

			memcpy(copy, text, len);
			copy[len] = '\0';
			statfmt_json_string(out, copy);
		}
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
