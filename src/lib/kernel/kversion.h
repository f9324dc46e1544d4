/* LINUX_VERSION_CODE: computing it and parsing it out of each of the
 * places a kernel advertises its version. Pure functions, unit tested. */
#ifndef PH_KVERSION_H
#define PH_KVERSION_H

/* The kernel's KERNEL_VERSION(a, b, c), with c clamped to 255 exactly as
 * include/generated/uapi/linux/version.h does since 4.9.256/4.14.218. */
unsigned kversion_code(unsigned major, unsigned minor, unsigned sublevel);
void kversion_split(unsigned code, unsigned *major, unsigned *minor, unsigned *sublevel);

/* The one parser of "X.Y[.Z]" at the start of s (a release, a package's
 * upstream version, a bound in patches/series), followed by the end,
 * '-', '+', '_', '~' or whitespace. X is 1..255, Y at most 255; the
 * sublevel is kept unclamped (has_sublevel 0 and sublevel 0 without it).
 * -EINVAL otherwise. */
struct kversion {
	unsigned major, minor, sublevel;
	int has_sublevel;
};
int kversion_parse(const char *s, struct kversion *ret);

/* Each returns 0 and the code, or -EINVAL when the text does not carry a
 * version in the form that source uses. */
/* "6.1.0-50-amd64", "5.15.0-91-generic", "6.18.44-fc-v769", "4.9" */
int kversion_from_release(const char *release, unsigned *ret_code);

/* The longest release accepted: uname's field holds 64 characters. */
#define KVERSION_RELEASE_MAX 64

/* The characters a release may have: those of uname -r. */
#define KVERSION_RELEASE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+~-"

/* Why release cannot be a kernel release, wherever it came from (an
 * option, the environment, uname, a host file, --kernels-from, an index
 * --latest reads): the one check. It names folders in the volume, goes
 * into logs and shell-facing lists and is written into headers, so any
 * character outside KVERSION_RELEASE_CHARS, "..", a leading '.', more than
 * KVERSION_RELEASE_MAX characters or no version at its start is refused.
 * NULL when it is fine; else a phrase such as "it contains a newline". */
const char *kversion_release_problem(const char *release);
/* Ubuntu's /proc/version_signature: "Ubuntu 5.15.0-91.101-generic 5.15.131" */
int kversion_from_version_signature(const char *text, unsigned *ret_code);
/* /proc/sys/kernel/version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2025-07-02)" */
int kversion_from_proc_version(const char *text, unsigned *ret_code);
/* The vDSO's ELF image: its "Linux" note of type 0 holds the code. */
int kversion_from_vdso_image(const void *image, unsigned long size, unsigned *ret_code);

#endif
