/* A few lines of TAP for the C unit tests; prove reads the output. */
#ifndef PH_TAP_H
#define PH_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...)                                          \
	do {                                                   \
		int ok_ = !!(cond);                            \
		printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n); \
		printf(__VA_ARGS__);                           \
		printf("\n");                                  \
		if (!ok_) {                                    \
			tap_failed++;                          \
			printf("#   failed at %s:%d\n", __FILE__, __LINE__); \
		}                                              \
	} while (0)

#define is_int(got, want, name)                                                          \
	do {                                                                             \
		long long g_ = (long long)(got), w_ = (long long)(want);                 \
		ok(g_ == w_, "%s", name);                                                \
		if (g_ != w_)                                                            \
			printf("#   got %lld, want %lld\n", g_, w_);                     \
	} while (0)

#define is_str(got, want, name)                                                          \
	do {                                                                             \
		const char *g_ = (got), *w_ = (want);                                    \
		ok(g_ && w_ && strcmp(g_, w_) == 0, "%s", name);                         \
		if (!(g_ && w_ && strcmp(g_, w_) == 0))                                  \
			printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
