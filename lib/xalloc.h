/* xalloc.h: allocation helpers that exit on out-of-memory, in one place. */
#ifndef CHAM_XALLOC_H
#define CHAM_XALLOC_H

#include <stddef.h>

/* Each returns memory the caller owns and frees with free(); none returns NULL. */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* printf into a new string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
