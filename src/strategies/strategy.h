/* The interface every strategy implements, and the registry that lists
 * them in their default order. */
#ifndef PH_STRATEGY_H
#define PH_STRATEGY_H

#include "util/treecopy.h"

#include <json-c/json.h>
#include <limits.h>
#include <stddef.h>

struct provision_ctx;

struct strategy {
	const char *name;
	/* Can this strategy provide headers for ctx->kernel? 0 yes, with a
	 * description of from where in what; -ENOENT (or another negative
	 * errno) no, with the reason in what. Touches nothing. */
	int (*probe)(struct provision_ctx *ctx, char *what, size_t whatlen);
	/* Builds the tree into build_dir (which exists and is empty). On
	 * failure, describes the cause in why. */
	int (*provide)(struct provision_ctx *ctx, const char *build_dir, char *why, size_t whylen);
};

extern const struct strategy strategy_cache;
extern const struct strategy strategy_host;
extern const struct strategy strategy_kheaders;
extern const struct strategy strategy_distro;
extern const struct strategy strategy_closematch;

/* The host strategy's search and merge, for any root: finds the header
 * tree of release under hr and copies (links, moves) what BCC needs into
 * build_dir, counting it into ctx. Appends to sources when not NULL. */
struct hostroot;
int host_tree_copy(const struct hostroot *hr, const char *release, const char *arch, const char *build_dir,
		   enum treecopy_mode mode, struct provision_ctx *ctx, json_object *sources, char found_at[PATH_MAX],
		   char *why, size_t whylen);
/* The same for a tree whose folders are known (a package's data file
 * names them): build_path and source_path (NULL: not split) under hr. */
int host_tree_copy_at(const struct hostroot *hr, const char *build_path, const char *source_path, const char *arch,
		      const char *build_dir, enum treecopy_mode mode, struct provision_ctx *ctx, char *why, size_t whylen);

/* NULL when name is not a strategy of this build. */
const struct strategy *strategy_by_name(const char *name);
/* The names every build accepts, in default order, comma separated. */
extern const char strategy_default_order[];


#endif
