/* What the distro strategy knows of the distribution's repositories,
 * shared by its files: distro.c (the strategy and the shared download
 * pipeline), distro_apt.c and distro_rpm.c (the back ends that read a
 * package manager's repositories), distro_tarball.c (one headers tarball
 * per build: Container-Optimized OS) and distrocandidates.c (what it offers
 * close-match). Read once and kept on the context, so warm reads the
 * indexes once for every kernel. */
#ifndef PH_DISTRO_STATE_H
#define PH_DISTRO_STATE_H

#include <stdarg.h>
#include "lib/apt/aptsources.h"
#include "lib/apt/repo.h"
#include "lib/distro/distrodef.h"
#include "lib/pkgfetch/download.h"

#include <json-c/json.h>

struct provision_ctx;
struct distro_state;
struct distro_rpm;
struct distro_tarball;
struct distro_candidate;

#define DISTRO_MAX_PACKAGES 16

/* A package to fetch, whatever its format: pointers into the back end's
 * lists, which live as long as the state. */
struct distro_pkg {
	const char *name, *version;
	const char *base_uri, *location; /* base_uri/location */
	unsigned long long size;
	const char *digest_algo; /* "sha256", "sha512" */
	const char *digest;
	int no_digest; /* none is published (a tarball without checksum file) */
	int unsized;   /* no index gives its size (a tarball) */
	int source_index;
};

/* What a kernel needs: its header package and what it depends on. */
struct distro_plan {
	struct distro_pkg chosen[DISTRO_MAX_PACKAGES];
	int n_chosen;
	/* Where the tree lies in the unpacked packages, relative to their root
	 * (SUSE: usr/src/linux-<version>-obj/x86_64/default beside
	 * usr/src/linux-<version>); "" (build_dir): found by the release, as
	 * the host strategy finds it on a host. Only these are extracted. */
	char build_dir[512], source_dir[512];
};

/* A package manager's repositories (the "package_manager" of the data
 * file). The shared pipeline (download, check, extract, merge, publish)
 * is distro.c's. */
struct distro_backend {
	const char *package_manager;
	/* Reads the host's repository configuration and every index once:
	 * 0, or why not in st->index_why. */
	int (*read_indexes)(struct provision_ctx *ctx, struct distro_state *st);
	/* The packages of the headers of release: -ENOENT (why) when none. */
	int (*plan)(struct provision_ctx *ctx, struct distro_state *st, const char *release, struct distro_plan *plan,
		    char *why, size_t whylen);
	pkg_extract_fn extract;
	/* The package's own signature check, and what it needs for p (NULL:
	 * none for p); verify may be NULL. */
	pkg_verify_fn verify;
	void *(*verify_data)(struct distro_state *st, const struct distro_pkg *p);
	/* Credentials for a package's repository, or NULL. */
	const char *(*auth_for)(const struct distro_state *st, const struct distro_pkg *p, char *buf, size_t len);
	/* The download options of a package's repository (its proxy, its
	 * certificates), or NULL (may be NULL): the run's. */
	const struct fetch_opts *(*fetch_for)(const struct distro_state *st, const struct distro_pkg *p);
	/* What the back end checks of the tree built for ctx's kernel before
	 * it is published (NULL: nothing more): 0, or why not. */
	int (*finish)(struct provision_ctx *ctx, struct distro_state *st, const char *build_dir, char *why,
		      size_t whylen);
	/* close-match: the header packages of the default flavour that the
	 * indexes hold for other kernels, up to max (NULL: the back end
	 * offers none). Each is fetched later through plan with its release. */
	int (*candidates)(struct provision_ctx *ctx, struct distro_state *st, struct distro_candidate *out, size_t max,
			  size_t *ret_n);
	void (*free)(struct distro_state *st);
};

extern const struct distro_backend distro_backend_apt;
extern const struct distro_backend distro_backend_rpm;
extern const struct distro_backend distro_backend_tarball;

struct distro_state {
	int index_status;        /* reading the indexes: 0, or why not */
	char index_why[2048];
	struct distro_def def;
	const struct distro_backend *backend;
	struct apt_config cfg;   /* apt */
	struct apt_repo repo;    /* apt: the packages kept and the indexes read */
	struct distro_rpm *rpm;  /* rpm: its repositories and packages */
	struct distro_tarball *tarball; /* tarball: the URL and its checksum */
	int n_sources;           /* repositories configured */
	int network_failures;    /* sources skipped as unreachable */
	char last_network_error[1024];
	int related_read;        /* close-match read the related suites */
	json_object *index_sources; /* each index read: URL, size, sha256, signer (owned by the back end) */
};

/* The state of ctx, the indexes read on first use. NULL only when memory
 * runs out. */
struct distro_state *distro_state_get(struct provision_ctx *ctx);

/* The repository side of the options, for every back end. */
void distro_fetch_opts(struct provision_ctx *ctx, struct fetch_opts *fo);
/* The library's notes into the log. */
void distro_note(void *data, int warning, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same line with another strategy's name in front (cache's --cache-url). */
void distro_vnote(const char *who, int warning, const char *fmt, va_list ap);

/* The packages for ctx's kernel, from the indexes read once (the state
 * comes back in *ret_st, also on failure, unless memory ran out).
 * -ENOENT: no such package; -ECOMM: none, and sources were unreachable;
 * or why the indexes could not be read. */
int distro_make_plan(struct provision_ctx *ctx, struct distro_state **ret_st, struct distro_plan *plan, char *why,
		     size_t whylen);

/* apt: reads source i of the state's config, logging what the library
 * notes. */
int distro_read_source(struct distro_state *st, size_t i, char *why, size_t whylen);
/* apt's candidates hook (distrocandidates.c): the default flavour's
 * linux-headers-<release> packages, the related suites read on first
 * use. */
int distro_apt_candidates(struct provision_ctx *ctx, struct distro_state *st, struct distro_candidate *out, size_t max,
			  size_t *ret_n);
/* apt: name and what it depends on, as a plan: the count, or -E2BIG. */
int distro_apt_closure(const struct distro_state *st, const char *name, struct distro_plan *plan);

/* Downloads the plan's packages (checked against the indexes) into work
 * and builds the tree of release they hold in build_dir. Appends the
 * indexes and the packages (URLs, hashes) to sources when not NULL. */
int distro_fetch_packages(struct provision_ctx *ctx, struct distro_state *st, const struct distro_plan *plan,
			  const char *release, const char *work, const char *build_dir, json_object *sources, char *why,
			  size_t whylen);

#endif
