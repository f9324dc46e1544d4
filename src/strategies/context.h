/* What one provisioning run knows: options, host root, kernel identity,
 * and what the chosen strategy reports for the manifest. */
#ifndef PH_CONTEXT_H
#define PH_CONTEXT_H

#include "util/hostroot.h"
#include "lib/kernel/kernel.h"
#include "strategies/options.h"

#include <errno.h>
#include <json-c/json.h>

/* What failed, kept apart from the errno that says how: EACCES on a host
 * header is "no headers here", EACCES from a mirror (HTTP 403) is a
 * network failure. The kind decides the exit code (tool/provision.c maps
 * it to the PH_EXIT_* codes of README "Exit codes"); the errno only
 * feeds the message. */
enum ph_fail {
	PH_FAIL_UNSET = 0,  /* nothing recorded: the errno is read the old way */
	PH_FAIL_NO_HEADERS, /* nothing for this kernel here, or what is here cannot be read */
	PH_FAIL_NETWORK,    /* a download failed */
	PH_FAIL_VERIFY,     /* a signature, a hash or the tree check failed */
	PH_FAIL_BAD_INPUT,  /* a corrupt or hostile archive, a malformed config */
	PH_FAIL_OUTPUT,     /* the output volume cannot be written */
	PH_FAIL_INTERNAL,   /* out of memory, a bug */
};

struct ph_failure {
	enum ph_fail kind;
	int err; /* the negative errno that came with it */
};
struct distro_state;

struct btf;

struct provision_ctx {
	const struct options *opts;
	/* When --deadline ends: set by the first download of the run, so
	 * every later one (indexes, packages, cache objects) shares it. */
	double fetch_deadline;
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
	/* Why the current probe or provide failed; cleared before each. */
	struct ph_failure failure;
	/* The distro strategy's repositories, read on first use; warm hands
	 * them from one kernel to the next (freed with distro_state_free). */
	struct distro_state *distro;
	struct btf *btf;          /* the kernel's BTF for the correction step, or NULL */
	json_object *cache_index; /* --cache-url's index.json, fetched once (strategies/cacheurl.c) */
};

/* Records why the current step failed and returns err, so a call site
 * reads `return ctx_fail(ctx, PH_FAIL_OUTPUT, ret);` beside the message
 * it writes into why. The first record wins: the innermost call site
 * knows best what failed, and callers that only pass the error up do not
 * overwrite it. ENOMEM is always internal. A step that recovers from a
 * failure it recorded (and goes on) clears ctx->failure again. */
static inline int ctx_fail(struct provision_ctx *ctx, enum ph_fail kind, int err)
{
	if (ctx->failure.kind == PH_FAIL_UNSET) {
		ctx->failure.kind = err == -ENOMEM ? PH_FAIL_INTERNAL : kind;
		ctx->failure.err = err;
	}
	return err;
}

/* The kind for an error while unpacking an archive into the output. */
static inline enum ph_fail ph_fail_unpacking(int err)
{
	switch (-err) {
	case ENOSPC: case EDQUOT: case EROFS:
		return PH_FAIL_OUTPUT;
	case ENOMEM:
		return PH_FAIL_INTERNAL;
	default: /* EILSEQ (hostile or corrupt), EFBIG (past the cap), ELOOP, ENAMETOOLONG, EIO */
		return PH_FAIL_BAD_INPUT;
	}
}

#endif
