#include "lib/kernel/arch.h"

#include "util/macro.h"

#include <string.h>

/* Matched by prefix, first row first: specific machines (armv7l) come
 * before their family (arm). deb NULL: dpkg uses the machine's name. */
static const struct arch_row {
	const char *machine, *kernel, *deb;
} arch_table[] = {
	{ "x86_64", "x86", "amd64" },
	{ "i386", "x86", "i386" },
	{ "i486", "x86", "i386" },
	{ "i586", "x86", "i386" },
	{ "i686", "x86", "i386" },
	{ "aarch64", "arm64", "arm64" },
	{ "arm64", "arm64", "arm64" },
	{ "armv7l", "arm", "armhf" },
	{ "arm", "arm", NULL },
	{ "ppc64le", "powerpc", "ppc64el" },
	{ "ppc", "powerpc", NULL },
	{ "s390x", "s390", "s390x" },
	{ "s390", "s390", NULL },
	{ "riscv64", "riscv", "riscv64" },
	{ "riscv", "riscv", NULL },
	{ "loongarch64", "loongarch", "loong64" },
	{ "loongarch", "loongarch", NULL },
	{ "mips", "mips", NULL },
	{ "sparc", "sparc", NULL },
	{ "parisc", "parisc", NULL },
	{ "alpha", "alpha", NULL },
	{ "ia64", "ia64", NULL },
	{ "m68k", "m68k", NULL },
	{ "sh", "sh", NULL },
};

static const struct arch_row *find_row(const char *machine)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(arch_table); i++)
		if (strncmp(machine, arch_table[i].machine, strlen(arch_table[i].machine)) == 0)
			return &arch_table[i];
	return NULL;
}

const char *arch_kernel_for_machine(const char *machine)
{
	const struct arch_row *r = find_row(machine);

	return r ? r->kernel : NULL;
}

const char *arch_deb_for_machine(const char *machine)
{
	const struct arch_row *r = find_row(machine);

	/* Only an exact machine name has a Debian name: a prefix match says
	 * the family, not the ABI. */
	return r && r->deb && strcmp(r->machine, machine) == 0 ? r->deb : machine;
}

const char *arch_machine_for_name(const char *name)
{
	size_t i;

	/* Exact names of rows with a Debian name only: "arm" is a family, not
	 * an architecture packages are built for. The first row a Debian name
	 * appears in is its canonical machine (arm64 -> aarch64). */
	for (i = 0; i < ARRAY_SIZE(arch_table); i++)
		if (arch_table[i].deb && (strcmp(name, arch_table[i].machine) == 0 || strcmp(name, arch_table[i].deb) == 0))
			return arch_table[i].machine;
	return NULL;
}
