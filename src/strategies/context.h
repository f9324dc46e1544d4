/* What one provisioning run knows: options, host root, kernel identity,
 * and what the chosen strategy reports for the manifest. */
#ifndef PH_CONTEXT_H
#define PH_CONTEXT_H

#include "util/hostroot.h"
#include "lib/kernel/kernel.h"
#include "strategies/options.h"

#include <json-c/json.h>

struct provision_ctx {
	const struct options *opts;
	struct hostroot hr;
	struct kernel_info kernel;
	/* A scratch folder beside the staging dir, removed after each
	 * strategy (downloads unpack here before they are merged). */
	char work_dir[PATH_MAX];
	/* Filled by the strategy that provides the tree. */
	json_object *sources; /* array of objects: where the tree came from */
	int exact;            /* 1: exact headers for this kernel */
	char tree_origin[PATH_MAX + 64]; /* human summary of where the tree came from */
	/* What the strategy wrote, when it counted (saves a walk of the tree). */
	unsigned long long tree_files, tree_bytes;
	int tree_counted;
	json_object *close_match; /* close-match's choice and rewrites, for the manifest */
};

#endif
