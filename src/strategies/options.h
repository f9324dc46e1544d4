/* Command line and environment: every option has an environment
 * variable (PROVISION_HEADERS_<NAME>) so a pod spec needs no command
 * line; the command line wins over the environment. */
#ifndef PH_OPTIONS_H
#define PH_OPTIONS_H

#include <stddef.h>

#define MAX_STRATEGIES 8
#define MAX_CACHE_DIRS 8
#define MAX_MIRRORS 8
#define MAX_KEYRINGS 8
#define MAX_BANKS 8
#define MAX_KEEP 256
#define MAX_ARCHES 8

enum command {
	CMD_PROVISION,
	CMD_STATUS, /* --print-kernel / status: show the kernel identity */
	CMD_WARM,   /* warm RELEASE...: fill a cache, for image builds */
	CMD_CACHE,  /* cache ls|verify|prune: the store of --cache-dir */
	CMD_HELP,
	CMD_VERSION,
	CMD_LIST_OPTIONS, /* --list-options: the option table, for tests */
	CMD_LIST_DISTROS, /* --list-distros: the data files of distros/ */
};

struct options {
	enum command command;
	const char *help_topic; /* CMD_HELP: NULL, "warm" or "status" */
	const char *output;
	const char *host_root;
	const char *kernel_release; /* NULL: the running kernel */
	char kernel_release_from[64]; /* the option or variable that gave it, for messages */
	const char *strategies[MAX_STRATEGIES];
	int n_strategies;
	const char *cache_dirs[MAX_CACHE_DIRS];
	int n_cache_dirs;
	const char *cache_url; /* a warmed cache served over HTTP(S), or NULL */
	int force;
	int dry_run;
	int json;
	const char *termination_log; /* NULL: none; the outcome as one line */
	int verbosity; /* 0 quiet, 1 normal, 2 verbose */
	int unload_kheaders;
	const char *mirrors[MAX_MIRRORS]; /* "URL SUITE [COMPONENT...]" */
	int n_mirrors;
	const char *keyrings[MAX_KEYRINGS];
	int n_keyrings;
	int insecure_skip_signature;
	const char *data_dir;
	long connect_timeout_s;
	long stall_timeout_s;
	long deadline_s; /* all downloads of a run together (0: no limit) */
	int retries;
	int jobs; /* package downloads at once (--jobs) */
	int validate;
	int require; /* enum require_level */
	const char *runner;
	const char *bpf_dir;
	const char *banks[MAX_BANKS];
	int n_banks;
	char bank_buf[4096];
	const char *max_distance;
	const char *btf_file; /* --btf: the kernel's BTF (raw or .btf.tar.xz) */
	const char *warm_releases[64];
	int n_warm;
	int strategy_given;
	char mirror_buf[4096];
	char keyring_buf[4096];
	unsigned long long max_tree_bytes; /* cap on any unpacked tree */
	char strategy_buf[256];  /* tokens, pointed to by strategies[] */
	char strategy_list[256]; /* the list as given, for messages */
	char cache_buf[4096];
	const char *cache_action; /* CMD_CACHE: "ls", "verify" or "prune" */
	int offline; /* never touch the network */
	const char *keep[MAX_KEEP]; /* cache prune --keep */
	int n_keep;
	char keep_buf[8192];
	const char *keep_from; /* cache prune --keep-from FILE */
	long older_than_days;
	int older_than_set;
	int output_given; /* --output or PROVISION_HEADERS_OUTPUT was set */
	/* warm's selection (tool/warmsel.c) */
	const char *kernels_from; /* FILE, or "-" for stdin */
	const char *distro;       /* "debian:12": the data file and os-release to act for */
	const char *latest;       /* "N" or "all", or NULL */
	const char *series;       /* "6.1", or NULL */
	const char *flavour;      /* "cloud", or NULL: the distribution's default */
	const char *arches[MAX_ARCHES]; /* machines (x86_64, aarch64), normalised */
	int n_arches;
	char arch_buf[256];
};


#define PH_DEFAULT_OUTPUT "/var/cache/provision-headers"

#endif
