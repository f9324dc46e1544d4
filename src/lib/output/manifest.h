/* manifest.json: what a published tree is and where it came from. */
#ifndef PH_MANIFEST_H
#define PH_MANIFEST_H

#include <json-c/json.h>
#include <stddef.h>

/* manifest.json's "schema_version". */
#define MANIFEST_SCHEMA_VERSION 1

struct kernel_info;
struct tree_facts;

/* What the caller knows about a staged tree; the manifest records it. */
struct manifest_input {
	const char *strategy;
	const struct kernel_info *kernel;
	int exact;
	const char *level;        /* "exact", "btf-corrected", "close-match"; NULL: by exact */
	const char *origin;       /* host files named as the host sees them */
	const char *host_root;    /* where this process saw the host's "/" */
	json_object *sources;     /* array; referenced, not taken */
	json_object *close_match; /* NULL unless close-match built the tree */
	int counted;              /* files and bytes are known (saves a walk) */
	unsigned long long files, bytes;
};

struct manifest_timings {
	double probe_ms, provide_ms, total_ms;
};

/* Builds the manifest for a tree staged in stage_dir (which holds build/)
 * and writes stage_dir/manifest.json. */
int manifest_write(const struct manifest_input *in, const char *stage_dir, const struct tree_facts *facts,
		   const struct manifest_timings *t);

/* A manifest is at most this large and this deeply nested. */
#define MANIFEST_MAX_BYTES (16 << 20)
#define MANIFEST_MAX_DEPTH 32

/* Reads <release_dir>/manifest.json, never through a symlink (-ELOOP);
 * the caller puts the object. */
int manifest_read(const char *release_dir, json_object **ret);

/* The reader's parser, for len bytes of text (need not be
 * NUL-terminated): one JSON object, nothing after it but blanks, no NUL
 * byte. -EBADMSG otherwise. */
int manifest_parse(const char *text, size_t len, json_object **ret);

#endif
