// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

/*
 * The module's rule (modules/balloon/target.c): "0x" and hex digits, or
 * decimal digits (base 10, leading zeros too) with an optional K/M/G/T;
 * hex takes no suffix, since its digits a-f are not sizes.
 */
int vbp_parse_target(const char *s, uint64_t *pages)
{
	static const char dec[] = "0123456789", hex[] = "0123456789abcdefABCDEF";
	unsigned int shift = 0;
	char buf[64], *num, *end;
	size_t len = strlen(s);
	int is_hex;
	uint64_t v;

	if (!len || len >= sizeof(buf) || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	memcpy(buf, s, len + 1);
	is_hex = buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X');
	if (!is_hex) {
		switch (toupper((unsigned char)buf[len - 1])) {
		case 'K':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		case 'T':
			shift = 40;
			break;
		}
	}
	if (shift)
		buf[--len] = '\0';
	num = is_hex ? buf + 2 : buf;
	/* strtoull() would take spaces, a sign or a second "0x". */
	if (!*num || strspn(num, is_hex ? hex : dec) != strlen(num))
		return -EINVAL;
	errno = 0;
	v = strtoull(num, &end, is_hex ? 16 : 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (shift) {
		if (v > (UINT64_MAX >> shift))
			return -ERANGE;
		v <<= shift;
		v = (v >> 12) + !!(v & 4095);
	} else if (v > (UINT64_MAX >> 12)) {
		return -ERANGE;
	}
	*pages = v;
	return 0;
}

int vbp_parse_line(const char *line, struct vbp_step *step)
{
	char buf[256], *p, *sec, *tgt, *extra, *end, *save = NULL;
	double s;

	if (strlen(line) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, line);
	p = strchr(buf, '#');
	if (p)
		*p = '\0';
	sec = strtok_r(buf, " \t\r\n", &save);
	if (!sec)
		return 1;
	tgt = strtok_r(NULL, " \t\r\n", &save);
	extra = strtok_r(NULL, " \t\r\n", &save);
	if (!tgt || extra || !isdigit((unsigned char)sec[0]))
		return -EINVAL;
	errno = 0;
	s = strtod(sec, &end);
	if (errno || *end || s < 0 || s > 1e9)
		return -EINVAL;
	if (vbp_parse_target(tgt, &step->pages))
		return -EINVAL;
	step->ms = (uint64_t)(s * 1000.0 + 0.5);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t vbp_percentile(uint64_t *v, size_t n, unsigned int pct)
{
	size_t rank;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	if (pct >= 100)
		return v[n - 1];
	/* nearest rank: ceil(pct/100 * n), 1-based */
	rank = ((size_t)pct * n + 99) / 100;
	return v[rank ? rank - 1 : 0];
}
