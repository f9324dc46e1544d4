/* include/generated/timeconst.h, which the kernel build computes from
 * CONFIG_HZ and header packages ship for their own HZ only. */
#ifndef PH_KCONFIG_TIMECONST_H
#define PH_KCONFIG_TIMECONST_H

/* The tick rates a timeconst.h is made for. The kernel's own Kconfig
 * offers 100 to 1000; timeconst.bc refuses HZ below 2 with an #error, and
 * the 32-bit shifts it computes need HZ far below 2^32. */
#define KCONFIG_HZ_MIN 2
#define KCONFIG_HZ_MAX 100000

/* CONFIG_HZ's value as a tick rate: decimal digits only, from
 * KCONFIG_HZ_MIN to KCONFIG_HZ_MAX. -EINVAL for anything else (0, 1, a
 * sign, beyond 32 bits, trailing text): a kernel with such an HZ does not
 * build, so no header is made for it. */
int kconfig_parse_hz(const char *value, unsigned *ret);

/* The header for HZ, as kernel/time/timeconst.bc computes it; the caller
 * frees it. NULL when memory ran out or hz is outside the range above
 * (never a header that stops the build with #error). */
char *kconfig_timeconst(unsigned hz);

#endif
