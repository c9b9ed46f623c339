/* SPDX-License-Identifier: GPL-2.0 */
/* vmlab-samepage hashcost: CPU time of xxh64 over one 4 KiB page. */
#ifndef _SAMEPAGE_HASHCOST_H
#define _SAMEPAGE_HASHCOST_H

/* @argv[0] is "hashcost"; returns the exit status (2: usage). */
int hashcost_main(int argc, char **argv);

#endif /* _SAMEPAGE_HASHCOST_H */
