/* include/generated/timeconst.h, which the kernel build computes from
 * CONFIG_HZ and header packages ship for their own HZ only. */
#ifndef PH_KCONFIG_TIMECONST_H
#define PH_KCONFIG_TIMECONST_H

/* The header for HZ, as kernel/time/timeconst.bc computes it; the caller
 * frees it. NULL when memory ran out. */
char *kconfig_timeconst(unsigned hz);

#endif
