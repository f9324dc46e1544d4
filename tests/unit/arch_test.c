/* The one arch table: uname machine -> kernel arch/ and Debian arch, and
 * either name -> the machine. */
#include "lib/kernel/arch.h"
#include "tap.h"

#include <stddef.h>

int main(void)
{
	is_str(arch_deb_for_machine("x86_64"), "amd64", "x86_64 is amd64");
	is_str(arch_deb_for_machine("aarch64"), "arm64", "aarch64 is arm64");
	is_str(arch_deb_for_machine("armv7l"), "armhf", "armv7l is armhf");
	is_str(arch_deb_for_machine("ppc64le"), "ppc64el", "ppc64le is ppc64el");
	is_str(arch_deb_for_machine("i686"), "i386", "i686 is i386");
	is_str(arch_deb_for_machine("armv6l"), "armv6l", "a machine with no Debian name keeps its own");
	is_str(arch_kernel_for_machine("x86_64"), "x86", "x86_64 builds arch/x86");
	is_str(arch_kernel_for_machine("i586"), "x86", "i586 builds arch/x86");
	is_str(arch_kernel_for_machine("aarch64"), "arm64", "aarch64 builds arch/arm64");
	is_str(arch_kernel_for_machine("armv7l"), "arm", "armv7l builds arch/arm");
	is_str(arch_kernel_for_machine("ppc64le"), "powerpc", "ppc64le builds arch/powerpc");
	is_str(arch_kernel_for_machine("s390x"), "s390", "s390x builds arch/s390");
	is_str(arch_kernel_for_machine("riscv64"), "riscv", "riscv64 builds arch/riscv");
	ok(arch_kernel_for_machine("vax") == NULL, "an unknown machine has no kernel arch");
	is_str(arch_machine_for_name("amd64"), "x86_64", "--arch amd64 is the machine x86_64");
	is_str(arch_machine_for_name("x86_64"), "x86_64", "--arch x86_64 is itself");
	is_str(arch_machine_for_name("arm64"), "aarch64", "--arch arm64 is the machine aarch64");
	is_str(arch_machine_for_name("aarch64"), "aarch64", "--arch aarch64 is itself");
	is_str(arch_machine_for_name("ppc64el"), "ppc64le", "--arch ppc64el is ppc64le");
	ok(arch_machine_for_name("arm") == NULL, "a family is no architecture to build for");
	ok(arch_machine_for_name("x86_6") == NULL, "nor is a prefix of one");
	return tap_done();
}
