/* SPDX-License-Identifier: GPL-2.0 */
/* How vmlabctl classifies and prints the contents of a debugfs file. */
#ifndef _VMLAB_STATFMT_H
#define _VMLAB_STATFMT_H

#include <stdbool.h>
#include <stdio.h>

#include "json.h"

enum statfmt_kind {
	STATFMT_NUMBER,		/* one unsigned integer */
	STATFMT_PAIRS,		/* "name value" lines, every value a number */
	STATFMT_TEXT,		/* anything else, e.g. a histogram */
};

enum statfmt_kind statfmt_classify(const char *text);
/* The file as a JSON value: a number, an object of pairs or a string. */
void statfmt_json_value(struct json *j, const char *text);
void statfmt_text_value(FILE *out, const char *name, const char *text);

#endif /* _VMLAB_STATFMT_H */
