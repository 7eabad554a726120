#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"

/* splitmix64's finalizer over both halves: every key bit reaches the low bits. */
static uint64_t mix(int64_t a, int64_t b)
{
	uint64_t x = (uint64_t)a * 0x9E3779B97F4A7C15ull ^ ((uint64_t)b + 0x632BE59BD9B4E019ull);

	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static struct hashmap_slot *find_slot(struct hashmap_slot *slots, size_t cap, int64_t a, int64_t b)
{
	size_t i = mix(a, b) & (cap - 1);

	while (slots[i].value && !(slots[i].a == a && slots[i].b == b))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

void hashmap__free(struct hashmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

int hashmap__get(const struct hashmap *m, int64_t a, int64_t b, uint32_t *value)
{
	struct hashmap_slot *slot;

	if (!m->cap)
		return 0;
	slot = find_slot(m->slots, m->cap, a, b);
	if (!slot->value)
		return 0;
	*value = slot->value - 1;
	return 1;
}

static int grow(struct hashmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i;
	struct hashmap_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++)
		if (m->slots[i].value)
			*find_slot(slots, cap, m->slots[i].a, m->slots[i].b) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int hashmap__put(struct hashmap *m, int64_t a, int64_t b, uint32_t value)
{
	struct hashmap_slot *slot;

	if (m->cap) {
		slot = find_slot(m->slots, m->cap, a, b);
		if (slot->value) {
			slot->value = value + 1;
			return 0;
		}
	}
	if ((m->used + 1) * 2 > m->cap && grow(m))
		return -ENOMEM;
	slot = find_slot(m->slots, m->cap, a, b);
	slot->a = a;
	slot->b = b;
	slot->value = value + 1;
	m->used++;
	return 0;
}
