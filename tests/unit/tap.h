/* tap.h: a minimal TAP producer for the C unit tests (run by prove). */
#ifndef CHAM_TAP_H
#define CHAM_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

/* ok(cond, fmt, ...): one test point; the description says what was expected. */
#define ok(cond, ...)                                                          \
	do                                                                         \
	{                                                                          \
		int tap_ok_ = (cond) ? 1 : 0;                                          \
		tap_count++;                                                           \
		if (!tap_ok_)                                                          \
			tap_failed++;                                                      \
		printf("%sok %d - ", tap_ok_ ? "" : "not ", tap_count);                \
		printf(__VA_ARGS__);                                                   \
		printf("\n");                                                          \
		if (!tap_ok_)                                                          \
			fprintf(stderr, "#   failed at %s line %d\n", __FILE__, __LINE__); \
	} while (0)

/* is_str(got, expected, name): equality of two C strings, showing both on failure. */
#define is_str(got, expected, ...)                                                                                                   \
	do                                                                                                                               \
	{                                                                                                                                \
		const char *tap_g_ = (got);                                                                                                  \
		const char *tap_e_ = (expected);                                                                                             \
		int tap_eq_ = (tap_g_ && tap_e_) ? strcmp(tap_g_, tap_e_) == 0 : tap_g_ == tap_e_;                                           \
		ok(tap_eq_, __VA_ARGS__);                                                                                                    \
		if (!tap_eq_)                                                                                                                \
			fprintf(stderr, "#          got: '%s'\n#     expected: '%s'\n", tap_g_ ? tap_g_ : "(null)", tap_e_ ? tap_e_ : "(null)"); \
	} while (0)

#define is_int(got, expected, ...)                                                           \
	do                                                                                       \
	{                                                                                        \
		long long tap_g_ = (long long) (got);                                                \
		long long tap_e_ = (long long) (expected);                                           \
		ok(tap_g_ == tap_e_, __VA_ARGS__);                                                   \
		if (tap_g_ != tap_e_)                                                                \
			fprintf(stderr, "#          got: %lld\n#     expected: %lld\n", tap_g_, tap_e_); \
	} while (0)

/* Prints the plan and returns the exit status: 0 only when every point passed. */
static inline int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
