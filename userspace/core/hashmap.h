/*
 * hashmap: the one hash table. Maps a key of two int64s, (a, b), to a uint32 value,
 * usually an index into an array the caller owns: functions by store key, tree nodes by
 * (parent, function), threads by tid. Open addressing with linear probing, kept at most
 * half full; memory grows with the keys. A zeroed struct is an empty map.
 */
#ifndef FERRET_HASHMAP_H
#define FERRET_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

struct hashmap_slot {
	int64_t a, b;
	uint32_t value; /* value + 1; 0: empty */
};

struct hashmap {
	struct hashmap_slot *slots;
	size_t cap, used;
};

void hashmap__free(struct hashmap *m); /* frees the slots; the map is empty again */
/* 1 and *value when (a, b) is in the map, else 0. */
int hashmap__get(const struct hashmap *m, int64_t a, int64_t b, uint32_t *value);
/* Adds (a, b) -> value, or replaces its value. 0, or -ENOMEM (the map is unchanged). */
int hashmap__put(struct hashmap *m, int64_t a, int64_t b, uint32_t value);

#endif
