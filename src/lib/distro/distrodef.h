/* Distribution definitions: the data files in distros/, chosen by the
 * host's os-release ID (or ID_LIKE). */
#ifndef PH_DISTRODEF_H
#define PH_DISTRODEF_H

#include <limits.h>
#include <stddef.h>

struct os_release;

#define DISTRO_MAX_LIST 16

struct distro_def {
	char file[PATH_MAX];
	char name[64];
	char package_manager[16];
	char header_package[128];        /* template, {release} */
	const char *follow_depends[DISTRO_MAX_LIST + 1]; /* NULL-terminated */
	const char *index_patterns[DISTRO_MAX_LIST + 1];
	const char *components[DISTRO_MAX_LIST + 1];
	const char *trusted_keyrings[DISTRO_MAX_LIST + 1];
	const char *related_suites[DISTRO_MAX_LIST + 1];
	const char *releases[DISTRO_MAX_LIST + 1];  /* in order, for {next} */
	char flavour_suffix[64];                    /* "-amd64", "-generic": close-match candidates */
	/* rpm */
	const char *header_packages[DISTRO_MAX_LIST + 1]; /* names that may hold a release's headers ({major}, {minor}, {flavour}) */
	char release_provide[64];                   /* "kernel-devel-uname-r": provides the release's headers */
	const char *repo_dirs[DISTRO_MAX_LIST + 1]; /* host folders of *.repo files */
	const char *vars_dirs[DISTRO_MAX_LIST + 1]; /* host folders of dnf variables */
	char releasever[64];                        /* $releasever: "{version_id}", "{version_id_major}" */
	int gpgcheck_default, repo_gpgcheck_default; /* rpm: for a repo file that says nothing (zypper: 1) */
	const char *key_dirs[DISTRO_MAX_LIST + 1];  /* rpm: host folders of keys for repos naming no gpgkey */
	const char *fallback_repos[DISTRO_MAX_LIST + 1]; /* rpm: "[ID=]baseurl" templates read when the host's
							  * repositories lack the release (vault, archive) */
	char flavour_separator[4];                  /* what comes before a release's flavour: "+" (default: RHEL's
						     * "...x86_64+rt"), "-" (SUSE: the last one, "...-default") */
	char companion_package[128];                /* rpm: another package of the same {version} holding the rest
						     * of the tree (SUSE's kernel-devel beside kernel-default-devel) */
	char build_dir_template[256];               /* rpm: the build tree inside the packages: {version}, {flavour},
						     * {arch}; "": found by release as on a host */
	char source_dir_template[256];              /* rpm: the source tree beside it ("": not split) */
	const char *arch_names[DISTRO_MAX_LIST + 1]; /* "machine=name": {arch} in the dir templates (aarch64=arm64) */
	const char *variant_flavours[DISTRO_MAX_LIST + 1]; /* flavours with sources of their own: {variant} is
							     * "-<flavour>" for them (SUSE's azure, rt) */
	/* tarball (Container-Optimized OS): one headers tarball per build */
	char headers_url_template[1024];            /* {build_id}, {release}, {version_id}, {arch} */
	char checksum_url_template[1024];           /* {url} and the above; default "{url}.sha256" */
	char strings[8192]; /* storage for the lists above */
	size_t used;
};

/* Where distros/ lives: --data-dir, else the installed data directory,
 * else beside the binary in a source tree. */
int distrodef_data_dir(const char *override, char out[PATH_MAX]);

/* Loads the definition matching os (ID, then each word of ID_LIKE, then
 * PLATFORM_ID), among the files whose version_ids (if any) match
 * VERSION_ID.
 * -ENOENT when none matches; -EINVAL for a malformed file (why). */
int distrodef_load(const char *data_dir, const struct os_release *os, struct distro_def *def, char *why,
		   size_t whylen);
/* Loads one file by name ("debian"), for --mirror without os-release. */
int distrodef_load_named(const char *data_dir, const char *name, struct distro_def *def, char *why, size_t whylen);

/* Every data file, in name order, for --list-distros: fn gets each
 * definition and its IDs. -ENOENT (why) when the folder cannot be read,
 * -EINVAL for a malformed file. */
int distrodef_each(const char *data_dir, void (*fn)(void *data, const struct distro_def *def, const char *const *ids),
		   void *data, char *why, size_t whylen);

/* Expands {release} / {codename} in a template. */
void distrodef_expand(const char *tmpl, const char *release, const char *codename, char *out, size_t outlen);

#endif
