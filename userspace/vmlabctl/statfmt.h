/* SPDX-License-Identifier: GPL-2.0 */
/* How vmlabctl classifies and prints the contents of a debugfs file. */
#ifndef _VMLAB_STATFMT_H
#define _VMLAB_STATFMT_H

#include <stdbool.h>
#include <stdio.h>

enum statfmt_kind {
	STATFMT_NUMBER,		/* one unsigned integer */
	STATFMT_PAIRS,		/* "name value" lines, every value a number */
	STATFMT_TEXT,		/* anything else, e.g. a histogram */
};

enum statfmt_kind statfmt_classify(const char *text);
void statfmt_json_string(FILE *out, const char *s);
void statfmt_json_value(FILE *out, const char *text);
void statfmt_text_value(FILE *out, const char *name, const char *text);

#endif
