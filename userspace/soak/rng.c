// SPDX-License-Identifier: GPL-2.0
/*
 * A small seeded generator (xorshift128+), one stream per worker, so that
 * the seed alone reproduces every worker's sequence of operations.
 */
#include <string.h>

#include "soak.h"

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_init(struct rng *r, uint64_t seed, unsigned int stream)
{
	uint64_t x = seed ^ ((uint64_t)stream << 32 | stream);

	r->s[0] = splitmix(&x);
	r->s[1] = splitmix(&x);
	if (!r->s[0] && !r->s[1])
		r->s[1] = 1;
}

uint64_t rng_next(struct rng *r)
{
	uint64_t s1 = r->s[0];
	const uint64_t s0 = r->s[1];

	r->s[0] = s0;
	s1 ^= s1 << 23;
	r->s[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return r->s[1] + s0;
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

bool rng_chance(struct rng *r, unsigned int percent)
{
	return rng_below(r, 100) < percent;
}

void rng_fill(struct rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		uint64_t v = rng_next(r);
		size_t n = len < sizeof(v) ? len : sizeof(v);

		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}
