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

#endif
