/* manifest.json: what a published tree is and where it came from. */
#ifndef PH_MANIFEST_H
#define PH_MANIFEST_H

#include <json-c/json.h>

struct provision_ctx;
struct tree_facts;

struct manifest_timings {
	double probe_ms, provide_ms, total_ms;
};

/* Builds the manifest for a tree staged in stage_dir (which holds build/)
 * and writes stage_dir/manifest.json. */
int manifest_write(const struct provision_ctx *ctx, const char *strategy, const char *stage_dir,
		   const struct tree_facts *facts, const struct manifest_timings *t);

/* Reads <release_dir>/manifest.json; the caller puts the object. */
int manifest_read(const char *release_dir, json_object **ret);

#endif
