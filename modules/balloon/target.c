// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing a write to target_pages (see target.h and
 * Documentation/balloon.rst, "target_pages").
 */
#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <vmlab/compat.h>	/* EXPORT_SYMBOL_IF_KUNIT() on every kernel */

#include "target.h"

/* A K, M, G or T suffix: the power of two it multiplies by, else 0. */
static unsigned int vb_size_shift(char c)
{
	switch (tolower(c)) {
	case 'k':
		return 10;
	case 'm':
		return 20;
	case 'g':
		return 30;
	case 't':
		return 40;
	}
	return 0;
}

/**
 * vb_parse_target - what a write to target_pages asks for, in pages
 * @buf: the bytes written (need not be NUL-terminated)
 * @count: how many
 * @pages: the target; written only on success
 *
 * "0x" and hex digits is a page count.  Decimal digits are a page count,
 * or with one K, M, G or T suffix (binary, case-insensitive) a size in
 * bytes, rounded up to whole pages.  One trailing newline is accepted.
 * Hex has no suffix: its digits a to f would otherwise be read as one
 * (writing 0xff once gave one page, not 255).  Decimal is base 10 even
 * with leading zeros: "010" is 10 pages, not 8.
 *
 * Return: 0; -EINVAL for anything else: nothing, signs, spaces, a second
 * newline, an embedded NUL, a suffix on hex or on nothing, other letters,
 * or more than VB_TARGET_MAX_INPUT - 1 bytes; -ERANGE when the number, its
 * size in bytes or its page count does not fit (above VB_MAX_TARGET).
 */
int vb_parse_target(const char *buf, size_t count, u64 *pages)
{
	char num[VB_TARGET_MAX_INPUT];
	unsigned int shift = 0, base = 10;
	size_t len = count;
	u64 val;
	int ret;

	if (len >= sizeof(num) || memchr(buf, '\0', len))
		return -EINVAL;
	if (len && buf[len - 1] == '\n')
		len--;
	memcpy(num, buf, len);
	num[len] = '\0';
	/* kstrtou64() would accept a leading '+' and a trailing newline. */
	if (!len || !isdigit(num[0]))
		return -EINVAL;
	if (num[0] == '0' && tolower(num[1]) == 'x') {
		/* kstrtou64() skips the one "0x" itself in base 16. */
		base = 16;
	} else {
		shift = vb_size_shift(num[len - 1]);
		if (shift)
			num[--len] = '\0';
	}
	if (!isxdigit(num[len - 1]))
		return -EINVAL;
	ret = kstrtou64(num, base, &val);
	if (ret)
		return ret;
	if (shift) {
		if (val > U64_MAX >> shift)
			return -ERANGE;
		val <<= shift;
		val = (val >> PAGE_SHIFT) + !!(val & ~PAGE_MASK);
	}
	if (val > VB_MAX_TARGET)
		return -ERANGE;
	*pages = val;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vb_parse_target);
