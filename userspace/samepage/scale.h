/* SPDX-License-Identifier: GPL-2.0 */
/* vmlab-samepage scale: page faults per second in parallel processes. */
#ifndef _SAMEPAGE_SCALE_H
#define _SAMEPAGE_SCALE_H

/* @argv[0] is "scale"; returns the exit status (2: usage). */
int scale_main(int argc, char **argv);

#endif /* _SAMEPAGE_SCALE_H */
