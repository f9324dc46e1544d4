/* The one table of architectures: a uname machine, the kernel's arch/
 * directory for it, and the Debian architecture its packages use. */
#ifndef PH_ARCH_H
#define PH_ARCH_H

/* The kernel's arch/ directory for a uname machine ("x86_64" -> "x86");
 * NULL when unknown. */
const char *arch_kernel_for_machine(const char *machine);
/* The dpkg architecture of a uname machine ("x86_64" -> "amd64"); the
 * machine itself when it has no other name. */
const char *arch_deb_for_machine(const char *machine);
/* The uname machine of an architecture named either way, Debian's or the
 * kernel's and RPM's ("amd64" and "x86_64" -> "x86_64", "arm64" and
 * "aarch64" -> "aarch64"); NULL when the table has no such name. */
const char *arch_machine_for_name(const char *name);

#endif
