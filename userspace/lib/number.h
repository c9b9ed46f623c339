/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whole-number command-line arguments, parsed strictly: atoi() turns
 * "abc" into 0 and "10s" into 10, and a mistyped option then means
 * something else instead of a usage error.
 */
#ifndef VMLAB_NUMBER_H
#define VMLAB_NUMBER_H

/*
 * parse_long() - @s as a decimal number in [@min, @max], into *@out.
 * Return: 0, or -1 when @s is empty, has anything but an optional sign
 * and digits (surrounding blanks included), or is out of range; *@out is
 * then untouched.
 */
int parse_long(const char *s, long min, long max, long *out);

#endif
