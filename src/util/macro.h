/* Small helpers every layer uses: array sizes and cleanup attributes
 * (as systemd and kmod use them), so error paths cannot leak. */
#ifndef PH_MACRO_H
#define PH_MACRO_H

#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(const int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

/* Hands a cleanup variable's value to the caller: the variable is left
 * empty so its cleanup does nothing. */
#define TAKE_PTR(p)                                                                                                    \
	({                                                                                                             \
		__typeof__(p) _taken = (p);                                                                            \
		(p) = NULL;                                                                                            \
		_taken;                                                                                                \
	})
#define TAKE_FD(fd)                                                                                                    \
	({                                                                                                             \
		int _taken = (fd);                                                                                     \
		(fd) = -1;                                                                                             \
		_taken;                                                                                                \
	})

#endif
