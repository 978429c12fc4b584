/* namehash.h: a short stable hash that keeps shortened names apart. */
#ifndef CHAM_NAMEHASH_H
#define CHAM_NAMEHASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a of the bytes: the same on every run and platform, so names stay stable. */
uint32_t namehash_fnv1a(const char *s, size_t len);

#endif
