#include "lib/kernel/osrelease.h"

#include "util/fs.h"
#include "util/hostroot.h"

#include <ctype.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

/* Copies an os-release value into out, removing the quoting. A value
 * that does not fit is not cut short (a shortened BUILD_ID or VERSION_ID
 * names another release): out is left empty and -ENAMETOOLONG returned. */
static int unquote_value(const char *v, size_t len, char *out, size_t outsz)
{
	size_t o = 0, i = 0;
	char quote = 0;

	if (len > 0 && (v[0] == '"' || v[0] == '\'')) {
		quote = v[0];
		i = 1;
		if (len > 1 && v[len - 1] == quote)
			len--;
	}
	for (; i < len && o + 1 < outsz; i++) {
		if (quote != '\'' && v[i] == '\\' && i + 1 < len)
			i++;
		out[o++] = v[i];
	}
	out[o] = '\0';
	if (i < len) {
		out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

static void assign_known_key(struct os_release *r, const char *key, size_t klen, const char *v, size_t vlen)
{
	static const struct {
		const char *name;
		size_t offset, size;
		unsigned bit;
	} keys[] = {
		{ "ID", offsetof(struct os_release, id), sizeof(((struct os_release *)0)->id), OS_RELEASE_ID },
		{ "ID_LIKE", offsetof(struct os_release, id_like), sizeof(((struct os_release *)0)->id_like),
		  OS_RELEASE_ID_LIKE },
		{ "VERSION_ID", offsetof(struct os_release, version_id), sizeof(((struct os_release *)0)->version_id),
		  OS_RELEASE_VERSION_ID },
		{ "VERSION_CODENAME", offsetof(struct os_release, version_codename),
		  sizeof(((struct os_release *)0)->version_codename), OS_RELEASE_VERSION_CODENAME },
		{ "PLATFORM_ID", offsetof(struct os_release, platform_id), sizeof(((struct os_release *)0)->platform_id),
		  OS_RELEASE_PLATFORM_ID },
		{ "PRETTY_NAME", offsetof(struct os_release, pretty_name), sizeof(((struct os_release *)0)->pretty_name),
		  OS_RELEASE_PRETTY_NAME },
		{ "BUILD_ID", offsetof(struct os_release, build_id), sizeof(((struct os_release *)0)->build_id),
		  OS_RELEASE_BUILD_ID },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strlen(keys[i].name) == klen && strncmp(keys[i].name, key, klen) == 0) {
			if (unquote_value(v, vlen, (char *)r + keys[i].offset, keys[i].size) < 0)
				r->too_long |= keys[i].bit;
			else
				r->too_long &= ~keys[i].bit; /* a later line of the key wins */
			return;
		}
	}
}

void os_release_parse(const char *text, struct os_release *ret)
{
	const char *p = text;

	memset(ret, 0, sizeof(*ret));
	while (*p) {
		const char *line = p, *eol = strchr(p, '\n'), *eq;
		size_t len;

		if (!eol)
			eol = p + strlen(p);
		p = *eol ? eol + 1 : eol;
		while (line < eol && isspace((unsigned char)*line))
			line++;
		len = (size_t)(eol - line);
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		eq = memchr(line, '=', len);
		if (!eq)
			continue;
		assign_known_key(ret, line, (size_t)(eq - line), eq + 1, len - (size_t)(eq + 1 - line));
	}
}

int os_release_read(const struct hostroot *hr, struct os_release *ret)
{
	static const char *const candidates[] = { "/etc/os-release", "/usr/lib/os-release" };
	size_t i;

	for (i = 0; i < 2; i++) {
		/* /etc/os-release is usually a symlink into /usr/lib: followed,
		 * but never out of the host root. */
		int fd = hostroot_open(hr, candidates[i], O_RDONLY), r;
		char *text = NULL;

		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			return fd;
		r = fs_read_fd(fd, 65536, &text, NULL);
		close(fd);
		if (r < 0)
			return r;
		os_release_parse(text, ret);
		free(text);
		return 0;
	}
	return -ENOENT;
}
