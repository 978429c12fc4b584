/* namehash.c: a short stable hash that keeps shortened names apart. */
#include "namehash.h"

uint32_t
namehash_fnv1a(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
	{
		h ^= (unsigned char) s[i];
		h *= 16777619u;
	}
	return h;
}
