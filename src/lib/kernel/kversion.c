#include "lib/kernel/kversion.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

unsigned kversion_code(unsigned major, unsigned minor, unsigned sublevel)
{
	return (major << 16) + (minor << 8) + (sublevel > 255 ? 255 : sublevel);
}

void kversion_split(unsigned code, unsigned *major, unsigned *minor, unsigned *sublevel)
{
	*major = code >> 16;
	*minor = (code >> 8) & 0xff;
	*sublevel = code & 0xff;
}

/* Parses one decimal number of at most 9 digits at *p, advancing *p. */
static int parse_number(const char **p, unsigned *ret)
{
	unsigned long v = 0;
	int digits = 0;

	while (isdigit((unsigned char)**p)) {
		if (++digits > 9)
			return -EINVAL;
		v = v * 10 + (unsigned long)(**p - '0');
		(*p)++;
	}
	if (digits == 0)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

int kversion_parse(const char *s, struct kversion *ret)
{
	struct kversion v = { 0 };
	const char *p = s;

	if (parse_number(&p, &v.major) < 0 || *p != '.')
		return -EINVAL;
	p++;
	if (parse_number(&p, &v.minor) < 0)
		return -EINVAL;
	if (*p == '.') {
		p++;
		if (parse_number(&p, &v.sublevel) < 0)
			return -EINVAL;
		v.has_sublevel = 1;
	}
	if (*p && !strchr("-+_~ \t\n", *p))
		return -EINVAL;
	if (v.major == 0 || v.major > 255 || v.minor > 255)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* kversion_parse as a code; require_sublevel insists on the third number. */
static int parse_dotted(const char *s, int require_sublevel, unsigned *ret_code)
{
	struct kversion v;

	if (kversion_parse(s, &v) < 0 || (require_sublevel && !v.has_sublevel))
		return -EINVAL;
	*ret_code = kversion_code(v.major, v.minor, v.sublevel);
	return 0;
}

int kversion_from_release(const char *release, unsigned *ret_code)
{
	return parse_dotted(release, 0, ret_code);
}

/* Calls parse_dotted on each whitespace-separated word; with want_last,
 * the last word that parses wins, else the first. */
static int scan_words(const char *text, int want_last, unsigned *ret_code)
{
	const char *p = text;
	int found = -EINVAL;

	while (*p) {
		unsigned code;

		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (parse_dotted(p, 1, &code) == 0) {
			*ret_code = code;
			found = 0;
			if (!want_last)
				return 0;
		}
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	return found;
}

int kversion_from_version_signature(const char *text, unsigned *ret_code)
{
	/* The last word is the upstream version the ABI is based on. */
	const char *end = text + strlen(text);
	const char *w;

	while (end > text && isspace((unsigned char)end[-1]))
		end--;
	w = end;
	while (w > text && !isspace((unsigned char)w[-1]))
		w--;
	if (w == end)
		return -EINVAL;
	{
		char word[64];
		size_t n = (size_t)(end - w);

		if (n >= sizeof(word))
			return -EINVAL;
		memcpy(word, w, n);
		word[n] = '\0';
		return parse_dotted(word, 1, ret_code);
	}
}

int kversion_from_proc_version(const char *text, unsigned *ret_code)
{
	/* Distribution kernels (Debian) put "<distro> X.Y.Z-N" in the build
	 * banner; plain kernels have only "#1 SMP ..." and no such word. */
	return scan_words(text, 0, ret_code);
}

static int notes_find_linux(const unsigned char *notes, size_t size, unsigned *ret_code)
{
	size_t off = 0;

	while (sizeof(Elf64_Nhdr) <= size - off) {
		Elf64_Nhdr h; /* copied: the image need not be aligned */
		const Elf64_Nhdr *nh = &h;
		size_t name_off, desc_off, next;

		memcpy(&h, notes + off, sizeof(h));
		name_off = off + sizeof(h);
		desc_off = name_off + (((size_t)nh->n_namesz + 3u) & ~(size_t)3u);
		next = desc_off + (((size_t)nh->n_descsz + 3u) & ~(size_t)3u);
		if (next > size || next <= off)
			return -EINVAL;
		if (nh->n_namesz == 6 && nh->n_type == 0 && nh->n_descsz == 4 &&
		    memcmp(notes + name_off, "Linux", 6) == 0) {
			uint32_t code;

			memcpy(&code, notes + desc_off, sizeof(code));
			*ret_code = code;
			return 0;
		}
		off = next;
	}
	return -ENOENT;
}

int kversion_from_vdso_image(const void *image, unsigned long size, unsigned *ret_code)
{
	const unsigned char *base = image;
	Elf64_Ehdr eh;
	unsigned i;

	if (!image || size < sizeof(eh))
		return -EINVAL;
	memcpy(&eh, base, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr))
		return -EINVAL;
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		unsigned long at;

		/* Bounds checked by subtraction: offsets from the image may be
		 * anything, and a sum could wrap. */
		if (eh.e_phoff > size || (unsigned long)i * sizeof(ph) > size - eh.e_phoff)
			return -EINVAL;
		at = eh.e_phoff + (unsigned long)i * sizeof(ph);
		if (sizeof(ph) > size - at)
			return -EINVAL;
		memcpy(&ph, base + at, sizeof(ph));
		if (ph.p_type != PT_NOTE)
			continue;
		if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset)
			return -EINVAL;
		if (notes_find_linux(base + ph.p_offset, ph.p_filesz, ret_code) == 0)
			return 0;
	}
	return -ENOENT;
}

const char *kversion_release_problem(const char *release)
{
	unsigned code;
	const char *p;

	if (!release || !*release)
		return "it is empty";
	for (p = release; *p; p++) {
		if (*p == '\n' || *p == '\r')
			return "it contains a newline";
		if (iscntrl((unsigned char)*p))
			return "it contains a control character";
		if (isspace((unsigned char)*p))
			return "it contains a space";
		if (*p == '/')
			return "it contains '/'";
		if ((unsigned char)*p >= 0x80)
			return "it contains a byte that is not ASCII";
		/* Not a shell's, a URL's nor a path's: ; $ ( ) ` | & * ? ... */
		if (!strchr(KVERSION_RELEASE_CHARS, *p))
			return "it contains a character other than letters, digits and . _ + ~ -";
	}
	if (strlen(release) > KVERSION_RELEASE_MAX)
		return "it is longer than 64 characters";
	if (strstr(release, ".."))
		return "it contains '..'";
	if (release[0] == '.')
		return "it starts with '.'";
	if (kversion_from_release(release, &code) < 0)
		return "it does not start with a version (expected the form of uname -r, e.g. 6.1.0-18-amd64)";
	return NULL;
}
