#include "tool/optable.h"

#include "strategies/options.h"
#include "strategies/strategy.h"
#include "util/macro.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *const require_values[] = { "none", "no-mismatch", "validated", "btf-corrected", "exact", NULL };
static const char *const distance_values[] = { "same-major", "same-minor", "any", NULL };
static const char *const latest_values[] = { "all", NULL };
static const char *const verbosity_values[] = { "quiet", "normal", "verbose", NULL };

/* Designated fields: a row names only what it has. */
#define ROW(i, n, s, t, m, d, h, ...)                                                                                  \
	[i] = { .id = i, .name = n, .short_name = s, .type = t, .metavar = m, .def = d, .help = h, __VA_ARGS__ }

/* In the order --help shows them. */
const struct opt_def optable[OPT__COUNT] = {
	ROW(OPT_OUTPUT, "output", 'o', OPT_T_PATH, "DIR", PH_DEFAULT_OUTPUT, "shared volume to publish into"),
	ROW(OPT_HOST_ROOT, "host-root", 0, OPT_T_PATH, "DIR", "/", "where the host's filesystem is mounted, /host in a pod",
	    .check = OPT_CHECK_DIR),
	ROW(OPT_STRATEGY, "strategy", 's', OPT_T_LIST, "LIST", strategy_default_order,
	    "strategies to try, in order, comma separated", .sep = ",", .max = MAX_STRATEGIES, .flags = OPTF_CLI_SPLIT),
	ROW(OPT_KERNEL_RELEASE, "kernel-release", 0, OPT_T_STRING, "R", NULL,
	    "provision for kernel R instead of the running one"),
	ROW(OPT_CACHE_DIR, "cache-dir", 0, OPT_T_LIST, "DIR", NULL, "a warmed cache to reuse trees from (repeatable)",
	    .sep = ":", .max = MAX_CACHE_DIRS),
	ROW(OPT_CACHE_URL, "cache-url", 0, OPT_T_STRING, "URL", NULL,
	    "a warmed cache served over HTTP(S) by any static server: index first, then only the objects missing locally"),
	ROW(OPT_OFFLINE, "offline", 0, OPT_T_FLAG, NULL, NULL,
	    "never touch the network: only the cache, the host and kheaders (says so when it gives up)"),
	ROW(OPT_FORCE, "force", 0, OPT_T_FLAG, NULL, NULL, "rebuild even when a complete tree is published"),
	ROW(OPT_UNLOAD_KHEADERS, "unload-kheaders", 0, OPT_T_FLAG, NULL, NULL,
	    "unload the kheaders module afterwards if this run loaded it"),
	ROW(OPT_MIRROR, "mirror", 0, OPT_T_LIST, "'URL SUITE [COMPONENT...]'", NULL,
	    "use this apt repository instead of the host's sources, or a lone URL: the base of a tarball distribution's headers (COS) (repeatable)", .sep = ";\n", .max = MAX_MIRRORS),
	ROW(OPT_KEYRING, "keyring", 0, OPT_T_LIST, "FILE", NULL, "trust this keyring for --mirror repositories (repeatable)",
	    .sep = ":", .max = MAX_KEYRINGS, .check = OPT_CHECK_FILE),
	ROW(OPT_INSECURE_SKIP_SIGNATURE, "insecure-skip-signature", 0, OPT_T_FLAG, NULL, NULL,
	    "do not check repository signatures (hashes are still checked)"),
	ROW(OPT_CONNECT_TIMEOUT, "connect-timeout", 0, OPT_T_SECONDS, "S", "15", "seconds to connect to a mirror", .min = 1,
	    .max = 3600),
	ROW(OPT_STALL_TIMEOUT, "stall-timeout", 0, OPT_T_SECONDS, "S", "30",
	    "seconds under 1 KiB/s before a download counts as stalled", .min = 1, .max = 3600),
	ROW(OPT_DEADLINE, "deadline", 0, OPT_T_SECONDS, "S", "900",
	    "seconds all downloads of a run may take together, retries included (0: no limit)", .min = 0,
	    .max = 86400),
	ROW(OPT_RETRIES, "retries", 0, OPT_T_COUNT, "N", "4", "attempts per download for transient failures", .min = 1,
	    .max = 20),
	ROW(OPT_JOBS, "jobs", 0, OPT_T_COUNT, "N", "4",
	    "package downloads at once, across all kernels of a warm (1: one at a time)", .min = 1, .max = 64),
	ROW(OPT_DATA_DIR, "data-dir", 0, OPT_T_PATH, "DIR", NULL,
	    "where distros/ and patches/ live (default: the installed data)", .check = OPT_CHECK_DIR),
	ROW(OPT_BANK, "bank", 0, OPT_T_LIST, "DIR", NULL,
	    "header trees (DIR/<release>/build) close-match may start from (repeatable)", .sep = ":", .max = MAX_BANKS),
	ROW(OPT_MAX_DISTANCE, "max-distance", 0, OPT_T_ENUM, "D", "same-major",
	    "how far close-match may go: same-major, same-minor, any, or a number of minor versions",
	    .values = distance_values, .min = 0, .max = 255),
	ROW(OPT_BTF, "btf", 0, OPT_T_PATH, "FILE", NULL,
	    "the kernel's BTF (raw, or BTFHub's <release>.btf.tar.xz) to correct a close match with", .check = OPT_CHECK_FILE),
	ROW(OPT_VALIDATE, "validate", 0, OPT_T_FLAG, NULL, NULL,
	    "prove the tree with provision-headers-runner (compile, load, compare)"),
	ROW(OPT_REQUIRE, "require", 0, OPT_T_ENUM, "LEVEL", "no-mismatch",
	    "what validation must show: none, no-mismatch, validated, btf-corrected, exact", .values = require_values),
	ROW(OPT_RUNNER, "runner", 0, OPT_T_PATH, "PATH", NULL, "the runner binary (default: beside this one, or on PATH)",
	    .check = OPT_CHECK_PROGRAM),
	ROW(OPT_BPF_DIR, "bpf-dir", 0, OPT_T_PATH, "DIR", NULL, "the runner's probes (default: the installed bpf/)",
	    .check = OPT_CHECK_DIR),
	ROW(OPT_MAX_TREE_SIZE, "max-tree-size", 0, OPT_T_SIZE, "SIZE", "2G",
	    "refuse archives that unpack to more (K, M, G, T)"),
	ROW(OPT_KERNELS_FROM, "kernels-from", 0, OPT_T_PATH, "FILE", NULL,
	    "warm: the releases listed in FILE too (one a line or as kubectl prints them; - for stdin)"),
	ROW(OPT_DISTRO, "distro", 0, OPT_T_STRING, "ID:VERSION", NULL,
	    "warm: the distribution the kernels are for (debian:12), whatever the host runs"),
	ROW(OPT_LATEST, "latest", 0, OPT_T_ENUM, "N", NULL,
	    "warm: the N newest kernels of each series the repositories hold (all: every one)", .values = latest_values,
	    .min = 1, .max = 1000),
	ROW(OPT_SERIES, "series", 0, OPT_T_STRING, "X.Y", NULL, "warm --latest: only the kernels of this series (6.1)"),
	ROW(OPT_FLAVOUR, "flavour", 0, OPT_T_STRING, "NAME", NULL,
	    "warm --latest: this flavour (cloud) instead of the distribution's default"),
	ROW(OPT_ARCH, "arch", 0, OPT_T_LIST, "LIST", NULL,
	    "warm: for these architectures (amd64,arm64 or x86_64,aarch64; default: this machine's)", .sep = ",",
	    .max = MAX_ARCHES, .flags = OPTF_CLI_SPLIT),
	ROW(OPT_KEEP, "keep", 0, OPT_T_LIST, "R1,R2", NULL, "cache prune: remove every tree but these releases",
	    .sep = ",", .max = MAX_KEEP, .flags = OPTF_CLI_SPLIT),
	ROW(OPT_KEEP_FROM, "keep-from", 0, OPT_T_PATH, "FILE", NULL,
	    "cache prune: keep the releases listed in FILE, one a line", .check = OPT_CHECK_FILE),
	ROW(OPT_OLDER_THAN, "older-than", 0, OPT_T_COUNT, "DAYS", NULL,
	    "cache prune: remove trees stored more than DAYS days ago", .min = 0, .max = 36500),
	ROW(OPT_DRY_RUN, "dry-run", 0, OPT_T_FLAG, NULL, NULL,
	    "say what would be done; writes nothing (distro still reads the package indexes)"),
	ROW(OPT_JSON, "json", 0, OPT_T_FLAG, NULL, NULL, "print one JSON status object on stdout at the end"),
	ROW(OPT_TERMINATION_LOG, "termination-log", 0, OPT_T_PATH, "FILE", NULL,
	    "write the outcome as one line into FILE (/dev/termination-log in a pod)"),
	ROW(OPT_QUIET, "quiet", 'q', OPT_T_ACTION, NULL, NULL, "errors only (PROVISION_HEADERS_VERBOSITY=quiet)"),
	ROW(OPT_VERBOSE, "verbose", 'v', OPT_T_ACTION, NULL, NULL, "more detail (PROVISION_HEADERS_VERBOSITY=verbose)"),
	ROW(OPT_VERBOSITY, "verbosity", 0, OPT_T_ENUM, "LEVEL", "normal", "quiet, normal or verbose",
	    .values = verbosity_values, .flags = OPTF_ENV_ONLY),
	ROW(OPT_PRINT_KERNEL, "print-kernel", 0, OPT_T_ACTION, NULL, NULL,
	    "show the kernel identity and exit (also: status)"),
	ROW(OPT_HELP, "help", 'h', OPT_T_ACTION, NULL, NULL, "this text (also: help, warm --help, status --help, cache --help)"),
	ROW(OPT_VERSION, "version", 0, OPT_T_ACTION, NULL, NULL, "the version"),
	ROW(OPT_LIST_DISTROS, "list-distros", 0, OPT_T_ACTION, NULL, NULL,
	    "the distributions the distro strategy supports (the data files of distros/) and exit"),
	ROW(OPT_LIST_OPTIONS, "list-options", 0, OPT_T_ACTION, NULL, NULL, "the option table, one row a line",
	    .flags = OPTF_HIDDEN),
};

const struct opt_def *optable_by_name(const char *long_name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(optable); i++)
		if (strcmp(optable[i].name, long_name) == 0)
			return &optable[i];
	return NULL;
}

void optable_env_name(const struct opt_def *d, char *buf, size_t len)
{
	size_t i, n;

	if (d->type == OPT_T_ACTION || (d->flags & OPTF_NO_ENV)) {
		snprintf(buf, len, "%s", "");
		return;
	}
	n = (size_t)snprintf(buf, len, "PROVISION_HEADERS_%s", d->name);
	for (i = sizeof("PROVISION_HEADERS_") - 1; i < n && i < len; i++)
		buf[i] = buf[i] == '-' ? '_' : (char)toupper((unsigned char)buf[i]);
}

const char *optable_type_name(enum opt_type t)
{
	static const char *const names[] = {
		[OPT_T_FLAG] = "flag",	   [OPT_T_STRING] = "string", [OPT_T_PATH] = "path",
		[OPT_T_LIST] = "list",	   [OPT_T_SIZE] = "size",     [OPT_T_SECONDS] = "seconds",
		[OPT_T_COUNT] = "count",   [OPT_T_ENUM] = "enum",     [OPT_T_ACTION] = "action",
	};

	return names[t];
}
