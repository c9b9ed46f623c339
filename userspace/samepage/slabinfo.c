// SPDX-License-Identifier: GPL-2.0
/* /proc/slabinfo readings and their differences: see slabinfo.h. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slabinfo.h"

int slab_parse(const char *text, struct slab_snapshot *s)
{
	const char *line = text, *eol;
	size_t cap = 0;

	s->caches = NULL;
	s->n = 0;
	if (strncmp(text, "slabinfo - version: 2.1", 23))
		return -1;
	for (; line && *line; line = eol ? eol + 1 : NULL) {
		struct slab_cache c = { 0 };
		long long objperslab;
		const char *slabdata;

		eol = strchr(line, '\n');
		if (*line == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		/*
		 * name active_objs num_objs objsize objperslab pagesperslab
		 * : tunables ... : slabdata active_slabs num_slabs sharedavail
		 */
		slabdata = strstr(line, ": slabdata ");
		if (!slabdata || (eol && slabdata > eol) ||
		    sscanf(line, "%63s %lld %lld %lld %lld %lld", c.name, &c.active_objs,
			   &c.num_objs, &c.objsize, &objperslab, &c.pagesperslab) != 6 ||
		    sscanf(slabdata, ": slabdata %*d %lld", &c.num_slabs) != 1)
			goto bad;
		if (s->n == cap) {
			struct slab_cache *more;

			cap = cap ? 2 * cap : 256;
			more = realloc(s->caches, cap * sizeof(*more));
			if (!more)
				goto bad;
			s->caches = more;
		}
		s->caches[s->n++] = c;
	}
	return 0;
bad:
	slab_free(s);
	return -1;
}

int slab_read(struct slab_snapshot *s)
{
	/* Over 200 caches of about 120 characters; read() gives a page a call. */
	static char buf[1 << 18];
	size_t got = 0;
	ssize_t n;
	int fd = open("/proc/slabinfo", O_RDONLY);

	if (fd < 0)
		return -1;
	while (got < sizeof(buf) - 1 && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return slab_parse(buf, s);
}

const struct slab_cache *slab_find(const struct slab_snapshot *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->caches[i].name, name))
			return &s->caches[i];
	return NULL;
}

struct slab_growth slab_grew(const struct slab_snapshot *before,
			     const struct slab_snapshot *after, const char *name,
			     long long page_size)
{
	static const struct slab_cache none;
	const struct slab_cache *b = slab_find(before, name);
	const struct slab_cache *a = slab_find(after, name);
	struct slab_growth g;

	b = b ? b : &none;
	a = a ? a : &none;
	g.objs = a->active_objs - b->active_objs;
	/* The object size of whichever reading has the cache. */
	g.obj_bytes = g.objs * (a->objsize ? a->objsize : b->objsize);
	g.slab_bytes = (a->num_slabs * a->pagesperslab - b->num_slabs * b->pagesperslab) *
		       page_size;
	return g;
}

void slab_free(struct slab_snapshot *s)
{
	free(s->caches);
	s->caches = NULL;
	s->n = 0;
}
