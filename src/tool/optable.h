/* The one table of options. Each row names an option once: its long and
 * short name, its environment variable (PROVISION_HEADERS_<NAME>), its
 * type, its default and its help. getopt_long, the environment, --help
 * and --list-options are all made from it; tests/t/50-cli.t checks that
 * the man page and the bash completion list exactly its options. */
#ifndef PH_OPTABLE_H
#define PH_OPTABLE_H

#include <stddef.h>

enum opt_id {
	OPT_OUTPUT,
	OPT_HOST_ROOT,
	OPT_STRATEGY,
	OPT_KERNEL_RELEASE,
	OPT_CACHE_DIR,
	OPT_CACHE_URL,
	OPT_OFFLINE,
	OPT_FORCE,
	OPT_UNLOAD_KHEADERS,
	OPT_MIRROR,
	OPT_KEYRING,
	OPT_INSECURE_SKIP_SIGNATURE,
	OPT_CONNECT_TIMEOUT,
	OPT_STALL_TIMEOUT,
	OPT_DEADLINE,
	OPT_RETRIES,
	OPT_JOBS,
	OPT_DATA_DIR,
	OPT_BANK,
	OPT_MAX_DISTANCE,
	OPT_BTF,
	OPT_VALIDATE,
	OPT_REQUIRE,
	OPT_RUNNER,
	OPT_BPF_DIR,
	OPT_MAX_TREE_SIZE,
	OPT_KERNELS_FROM,
	OPT_DISTRO,
	OPT_LATEST,
	OPT_SERIES,
	OPT_FLAVOUR,
	OPT_ARCH,
	OPT_KEEP,
	OPT_KEEP_FROM,
	OPT_OLDER_THAN,
	OPT_DRY_RUN,
	OPT_JSON,
	OPT_TERMINATION_LOG,
	OPT_QUIET,
	OPT_VERBOSE,
	OPT_VERBOSITY, /* environment only: -q and -v on the command line */
	OPT_PRINT_KERNEL,
	OPT_HELP,
	OPT_VERSION,
	OPT_LIST_DISTROS,
	OPT_LIST_OPTIONS,
	OPT__COUNT
};

enum opt_type {
	OPT_T_FLAG,    /* no value; the environment takes 1/0, true/false, yes/no, on/off */
	OPT_T_STRING,
	OPT_T_PATH,    /* a file or folder; .check says what must be there */
	OPT_T_LIST,    /* repeatable; the environment separates entries with .sep */
	OPT_T_SIZE,    /* bytes, with K, M, G or T */
	OPT_T_SECONDS, /* whole seconds, from .min to .max */
	OPT_T_COUNT,   /* a whole number, from .min to .max */
	OPT_T_ENUM,    /* one of .values (or a number from .min to .max when .max > 0) */
	OPT_T_ACTION,  /* --help and the like: no value, no environment variable */
};

enum opt_check {
	OPT_CHECK_NONE,
	OPT_CHECK_DIR,     /* an existing folder */
	OPT_CHECK_FILE,    /* a readable, non-empty regular file */
	OPT_CHECK_PROGRAM, /* an executable regular file */
};

#define OPTF_NO_ENV 1u    /* no environment variable */
#define OPTF_ENV_ONLY 2u  /* no command-line option */
#define OPTF_HIDDEN 4u    /* not in --help, the man page or the completion */
#define OPTF_CLI_SPLIT 8u /* the command-line value is a list too, not repeated */

struct opt_def {
	enum opt_id id;
	const char *name;  /* long option; the environment variable's <NAME> */
	char short_name;   /* 0: none */
	enum opt_type type;
	const char *metavar;
	const char *def;   /* default, written as a user would; parsed like any value */
	const char *help;
	const char *const *values; /* OPT_T_ENUM, and the entries of a list that has a fixed set */
	long min, max;
	const char *sep;   /* OPT_T_LIST: separator in the environment */
	enum opt_check check;
	unsigned flags;
};

extern const struct opt_def optable[OPT__COUNT];

const struct opt_def *optable_by_name(const char *long_name);
/* "PROVISION_HEADERS_MAX_TREE_SIZE" for "max-tree-size"; "" when the row has none. */
void optable_env_name(const struct opt_def *d, char *buf, size_t len);
const char *optable_type_name(enum opt_type t);

#endif
