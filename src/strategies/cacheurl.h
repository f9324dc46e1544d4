/* --cache-url: a warmed cache directory served read-only by any static
 * HTTP server. The index is fetched first and is only a pointer: the
 * tree's file list is checked against the hash the index gives, and each
 * object against the hash the list gives, while it streams into the
 * local store; only objects the local store lacks are fetched. The tree
 * is then served from the local store as --cache-dir serves it. */
#ifndef PH_CACHEURL_H
#define PH_CACHEURL_H

#include "lib/store/store.h"
#include "strategies/context.h"

#include <limits.h>
#include <stddef.h>

/* Is the kernel (release and arch) in the index at --cache-url? Fetches
 * index.json once per context. 0 (what names it), or the failure with
 * its kind recorded: no headers for a release the index lacks, network,
 * bad input for an index that is not one. */
int cacheurl_probe(struct provision_ctx *ctx, char *what, size_t whatlen);

/* Fetches the kernel's file list and the objects the local store lacks
 * into the local store (the first --cache-dir, or one for this run in
 * ctx->work_dir, its path in tmp_dir, "" otherwise), builds the tree there, and
 * leaves the store open and locked in ret_store for serving. The caller
 * closes it and, when tmp_dir is set, removes tmp_dir. */
int cacheurl_fetch(struct provision_ctx *ctx, struct store *ret_store, char tmp_dir[PATH_MAX], char *why,
		   size_t whylen);

#endif
