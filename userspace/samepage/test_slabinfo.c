// SPDX-License-Identifier: GPL-2.0
/* Host unit tests for the /proc/slabinfo reader: kselftest TAP. */
#include <stdio.h>
#include <string.h>

#include "slabinfo.h"
#include "kselftest.h"

#define HEADER "slabinfo - version: 2.1\n" \
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>" \
	" : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs>" \
	" <num_slabs> <sharedavail>\n"

/* Lines of 6.1, their padding squeezed but for the last (as printed). */
static const char before_text[] = HEADER
	"ksm_rmap_item 0 0 64 64 1 : tunables 0 0 0 : slabdata 0 0 0\n"
	"kmalloc-cg-96 1302 1302 96 42 1 : tunables 0 0 0 : slabdata 31 31 0\n"
	"radix_tree_node 2632 2632 576 28 4 : tunables 0 0 0 : slabdata 94 94 0\n"
	"kmalloc-8   10   20    8  512    1 : tunables    0    0    0 : slabdata      1  1  0\n";

static const char after_text[] = HEADER
	"ksm_rmap_item 65536 65600 64 64 1 : tunables 0 0 0 : slabdata 1025 1025 0\n"
	"kmalloc-cg-96 33552 33558 96 42 1 : tunables 0 0 0 : slabdata 799 799 0\n"
	"radix_tree_node 3144 3164 576 28 4 : tunables 0 0 0 : slabdata 113 113 0\n"
	"ksm_stable_node 512 512 40 102 1 : tunables 0 0 0 : slabdata 5 5 0\n";

int main(void)
{
	struct slab_snapshot before, after, none;
	const struct slab_cache *c;
	struct slab_growth g;

	ksft_print_header();
	ksft_set_plan(10);
	ksft_test_result(!slab_parse(before_text, &before) && before.n == 4,
			 "four caches read, header lines skipped\n");
	ksft_test_result(!slab_parse(after_text, &after) && after.n == 4,
			 "four caches in the second reading\n");
	c = slab_find(&after, "radix_tree_node");
	ksft_test_result(c && c->active_objs == 3144 && c->num_objs == 3164 && c->objsize == 576 &&
			 c->pagesperslab == 4 && c->num_slabs == 113,
			 "every field of a line\n");
	ksft_test_result(!slab_find(&after, "kmalloc-96"), "a cache not listed is not found\n");
	c = slab_find(&before, "kmalloc-8");
	ksft_test_result(c && c->active_objs == 10 && c->objsize == 8 && c->num_slabs == 1,
			 "a line padded as the kernel pads it\n");
	g = slab_grew(&before, &after, "kmalloc-cg-96", 4096);
	ksft_test_result(g.objs == 32250 && g.obj_bytes == 32250 * 96 &&
			 g.slab_bytes == 768 * 4096, "growth in objects, bytes and slabs\n");
	g = slab_grew(&before, &after, "radix_tree_node", 4096);
	ksft_test_result(g.slab_bytes == 19 * 4 * 4096, "slabs of 4 pages\n");
	g = slab_grew(&before, &after, "ksm_stable_node", 4096);
	ksft_test_result(g.objs == 512 && g.obj_bytes == 512 * 40 && g.slab_bytes == 5 * 4096,
			 "a cache born between readings grew from nothing\n");
	g = slab_grew(&after, &before, "ksm_stable_node", 4096);
	ksft_test_result(g.objs == -512 && g.obj_bytes == -512 * 40,
			 "a cache gone since counts as emptied\n");
	ksft_test_result(slab_parse("slabinfo - version: 2.0\n", &none) == -1 &&
			 slab_parse(HEADER "kmalloc-8 1 2\n", &none) == -1,
			 "another version or a short line is refused\n");
	slab_free(&before);
	slab_free(&after);
	ksft_finished();
}
