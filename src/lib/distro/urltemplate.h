/* Download URLs from the templates of a data file (distros/cos.json's
 * headers_url_template): no host name lives in code, and --mirror
 * replaces the template's base. The folders of a package's tree
 * (distros/suse.json's build_dir_template) expand the same way. */
#ifndef PH_URLTEMPLATE_H
#define PH_URLTEMPLATE_H

#include <stddef.h>

/* The values a template may use; NULL or "" where the host has none. */
struct url_vars {
	const char *build_id;   /* {build_id}: os-release BUILD_ID */
	const char *release;    /* {release}: uname -r */
	const char *version_id; /* {version_id}: os-release VERSION_ID */
	const char *arch;       /* {arch}: the kernel's machine (x86_64) */
	const char *url;        /* {url}: the headers URL (checksum templates) */
	const char *version;    /* {version}: the release without its flavour (dir templates) */
	const char *flavour;    /* {flavour}: the release's flavour ("default") */
	const char *variant;    /* {variant}: "-<flavour>" for a flavour built from its own sources (SUSE's
				 * azure, rt), else "" (the one value that may be empty) */
};

/* Expands the placeholders of tmpl into out. With a mirror (not NULL or
 * ""), the template's base (everything before the path segment holding
 * the first placeholder) becomes the mirror: "https://h/p/{build_id}/x"
 * with mirror "http://m/cos" is "http://m/cos/<build_id>/x".
 * -EINVAL (why) for an unknown placeholder, a value the host lacks, a
 * value that is not one safe path segment (the host's os-release is not
 * trusted to pick paths: no '/', no "..", letters, digits and ._+~- only)
 * or a template without placeholder under a mirror; -ENAMETOOLONG when
 * out is too small. */
int urltemplate_expand(const char *tmpl, const struct url_vars *v, const char *mirror, char *out, size_t outlen,
		       char *why, size_t whylen);

/* Whether url's host is under the reserved .example top-level domain
 * (RFC 2606): a data file's placeholder that only --mirror makes real. */
int urltemplate_host_is_placeholder(const char *url);

/* The SHA-256 of file (a base name) from a published checksum file into
 * hex, lowercase: a lone "<64 hex>" line, or the one line of sha256sum's
 * "<64 hex>  <name>" lines (text or binary mode, any folder in name
 * ignored) whose name is file; '#' lines are comments. -EINVAL when a
 * line is anything else (an HTML error page), -ENOENT when no line, or
 * more than one, speaks for file. */
int urltemplate_parse_sha256(const char *text, size_t len, const char *file, char hex[65]);

/* Is this --mirror value a lone URL (the base of a tarball distribution's
 * template) rather than an apt source ("URL SUITE [COMPONENT...]")? */
int urltemplate_mirror_is_base(const char *spec);

#endif
