// SPDX-License-Identifier: GPL-2.0
/* Strict whole-number arguments: see number.h. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "number.h"

int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	/* strtol() skips leading blanks: a quoted " 5" is still a typo. */
	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
