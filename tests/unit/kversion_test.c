/* Every source of LINUX_VERSION_CODE, including the clamping of the
 * sublevel and text that must be refused. */
#include "lib/kernel/kversion.h"
#include "tap.h"

#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static long long code_or_err(int (*fn)(const char *, unsigned *), const char *text)
{
	unsigned code = 0xdeadbeef;
	int ret = fn(text, &code);

	return ret < 0 ? (long long)ret : (long long)code;
}

/* A minimal ELF image with one PT_NOTE holding notes as the vDSO does. */
static size_t make_vdso(unsigned char *buf, size_t size, uint32_t code, int with_other_note)
{
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph = { 0 };
	size_t off = sizeof(eh) + sizeof(ph), start;
	Elf64_Nhdr nh;

	memset(buf, 0, size);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_phoff = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = 1;
	start = off;
	if (with_other_note) {
		nh.n_namesz = 4, nh.n_descsz = 8, nh.n_type = 3;
		memcpy(buf + off, &nh, sizeof(nh));
		memcpy(buf + off + sizeof(nh), "GNU", 4);
		off += sizeof(nh) + 4 + 8;
	}
	nh.n_namesz = 6, nh.n_descsz = 4, nh.n_type = 0;
	memcpy(buf + off, &nh, sizeof(nh));
	memcpy(buf + off + sizeof(nh), "Linux", 6);
	memcpy(buf + off + sizeof(nh) + 8, &code, 4);
	off += sizeof(nh) + 8 + 4;
	ph.p_type = PT_NOTE;
	ph.p_offset = start;
	ph.p_filesz = off - start;
	memcpy(buf, &eh, sizeof(eh));
	memcpy(buf + sizeof(eh), &ph, sizeof(ph));
	return off;
}

int main(void)
{
	unsigned char img[512];
	unsigned code = 0;
	size_t n;

	struct kversion v;

	is_int(kversion_code(6, 1, 176), 393648, "KERNEL_VERSION(6,1,176)");
	ok(kversion_parse("6.12.300-1~bpo12+1", &v) == 0 && v.major == 6 && v.minor == 12 && v.sublevel == 300 &&
		   v.has_sublevel,
	   "kversion_parse: a package version, sublevel unclamped");
	ok(kversion_parse("6.12-amd64", &v) == 0 && v.minor == 12 && !v.has_sublevel && v.sublevel == 0,
	   "kversion_parse: no sublevel");
	is_int(kversion_parse("6.1x", &v), -EINVAL, "kversion_parse: trailing letters refused");
	is_int(kversion_parse("*", &v), -EINVAL, "kversion_parse: not a version");
	is_int(kversion_code(4, 9, 255), (4 << 16) + (9 << 8) + 255, "sublevel 255 kept");
	is_int(kversion_code(4, 9, 256), (4 << 16) + (9 << 8) + 255, "sublevel 256 clamped to 255");
	is_int(kversion_code(4, 14, 300), (4 << 16) + (14 << 8) + 255, "sublevel 300 clamped to 255");

	is_int(code_or_err(kversion_from_release, "6.1.0-50-amd64"), kversion_code(6, 1, 0), "Debian release");
	is_int(code_or_err(kversion_from_release, "5.15.0-91-generic"), kversion_code(5, 15, 0), "Ubuntu release");
	is_int(code_or_err(kversion_from_release, "6.18.44-fc-v769"), kversion_code(6, 18, 44), "plain release");
	is_int(code_or_err(kversion_from_release, "4.9"), kversion_code(4, 9, 0), "release without sublevel");
	is_int(code_or_err(kversion_from_release, "4.4.300"), kversion_code(4, 4, 255), "release sublevel 300");
	is_int(code_or_err(kversion_from_release, "5.4.256+"), kversion_code(5, 4, 255), "release sublevel 256 with +");
	is_int(code_or_err(kversion_from_release, "garbage"), -EINVAL, "garbage release refused");
	is_int(code_or_err(kversion_from_release, "6.x.1"), -EINVAL, "non-numeric minor refused");
	is_int(code_or_err(kversion_from_release, "6.1.1abc"), -EINVAL, "trailing letters refused");
	is_int(code_or_err(kversion_from_release, ""), -EINVAL, "empty release refused");
	is_int(code_or_err(kversion_from_release, "99999999999.1.1"), -EINVAL, "huge major refused");

	is_int(code_or_err(kversion_from_version_signature, "Ubuntu 5.15.0-91.101-generic 5.15.131\n"),
	       kversion_code(5, 15, 131), "Ubuntu version_signature");
	is_int(code_or_err(kversion_from_version_signature, "Ubuntu 4.15.0-213.224-generic 4.15.300\n"),
	       kversion_code(4, 15, 255), "version_signature sublevel 300 clamped");
	is_int(code_or_err(kversion_from_version_signature, "Ubuntu\n"), -EINVAL, "version_signature without version");
	is_int(code_or_err(kversion_from_version_signature, ""), -EINVAL, "empty version_signature");

	is_int(code_or_err(kversion_from_proc_version, "#1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2025-07-02)\n"),
	       kversion_code(6, 1, 176), "Debian kernel version banner");
	is_int(code_or_err(kversion_from_proc_version, "#1 SMP Debian 4.19.316-1 (2024-06-25)\n"),
	       kversion_code(4, 19, 255), "Debian banner sublevel 316 clamped");
	is_int(code_or_err(kversion_from_proc_version, "#1 SMP PREEMPT_DYNAMIC @0\n"), -EINVAL,
	       "plain banner carries no version");
	is_int(code_or_err(kversion_from_proc_version, "#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023\n"), -EINVAL,
	       "Ubuntu banner carries no version");

	n = make_vdso(img, sizeof(img), kversion_code(6, 1, 176), 0);
	ok(kversion_from_vdso_image(img, n, &code) == 0 && code == 393648, "vDSO Linux note");
	n = make_vdso(img, sizeof(img), kversion_code(5, 10, 255), 1);
	ok(kversion_from_vdso_image(img, n, &code) == 0 && code == kversion_code(5, 10, 255),
	   "vDSO Linux note after another note");
	ok(kversion_from_vdso_image(img, 10, &code) == -EINVAL, "truncated vDSO image refused");
	img[1] = 'X';
	ok(kversion_from_vdso_image(img, n, &code) == -EINVAL, "bad ELF magic refused");
	img[1] = 'E';
	/* Found by fuzzing: offsets whose sum wraps (under UBSan, the old
	 * bounds check overflowed before refusing). */
	{
		Elf64_Ehdr eh;

		n = make_vdso(img, sizeof(img), kversion_code(6, 1, 176), 0);
		memcpy(&eh, img, sizeof(eh));
		eh.e_phoff = UINT64_MAX - 8;
		memcpy(img, &eh, sizeof(eh));
		ok(kversion_from_vdso_image(img, n, &code) == -EINVAL, "a program header offset that wraps is refused");
	}
	return tap_done();
}
