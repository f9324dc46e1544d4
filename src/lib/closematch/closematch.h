/* Close match: choosing the nearest header tree and rewriting it for the
 * running kernel (version, release, configuration, timeconst, patches).
 * A known approximation, always reported as one. */
#ifndef PH_CLOSEMATCH_H
#define PH_CLOSEMATCH_H

#include <json-c/json.h>
#include <limits.h>

struct kernel_info;

struct cm_candidate {
	char release[256];
	unsigned version_code;
	unsigned sublevel;      /* unclamped, when the tree says */
	char build[PATH_MAX];   /* the candidate tree ("" for a repository package, the cache dir for a stored tree) */
	int from_repo;          /* a distro package, downloaded when built */
	int from_store;         /* in the store of the cache dir build names, served when built */
	char origin[PATH_MAX + 32];
	/* filled when measured against BTF */
	int btf_measured;
	int btf_matched, btf_total;
	long btf_offset_error;  /* sum of |tree - kernel| offsets */
	/* per ranking member: 0 not measured, 1 agrees, 2 differs; and |offset error| */
	unsigned char member_state[64];
	long member_error[64];
};

/* "same-major" (default), "same-minor", "any", or N (minor versions). */
struct cm_limit {
	int any;
	int same_minor;
	int max_minors; /* with same major; -1: no limit within the major */
};

int cm_parse_limit(const char *s, struct cm_limit *ret);
int cm_allowed(const struct cm_limit *l, unsigned target, unsigned cand);
/* Sorts candidates: same major.minor first, then nearest version, older
 * or equal before newer at equal distance. */
void cm_sort(struct cm_candidate *c, size_t n, unsigned target);
unsigned long cm_distance(unsigned target, unsigned cand);

/* Reads a tree's version (version.h); -ENOENT when it is not a tree,
 * -EXDEV when a symbolic link on the way leads out of it. */
int cm_tree_version(const char *build, unsigned *ret_code, unsigned *ret_sublevel);

/* Rewrites the tree at dir (a clone: every file it changes is replaced,
 * never written through, so hardlinks to the source stay intact) for
 * kernel k with the running configuration config_text (may be NULL).
 * renames: kconfig renames, "OLD NEW" lines; implied: "SYMBOL VALUE"
 * lines for symbols dropped as always-on. patches_dir: a folder with
 * a series file, or NULL. Appends each rewritten file to rewritten. */
int cm_rewrite(const char *dir, const struct kernel_info *k, const char *config_text, const char *renames,
	       const char *implied, const char *patches_dir, unsigned cand_code, json_object *rewritten, char *why, size_t whylen);

#endif
