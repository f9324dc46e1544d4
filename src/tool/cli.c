#include "tool/cli.h"

#include "strategies/strategy.h"
#include "lib/archive/unpack.h"
#include "tool/validate.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_HOST_ROOT = 256, OPT_KERNEL_RELEASE, OPT_FORCE, OPT_DRY_RUN, OPT_JSON, OPT_PRINT_KERNEL,
       OPT_VERSION, OPT_CACHE_DIR, OPT_UNLOAD_KHEADERS, OPT_MAX_TREE_SIZE,
       OPT_MIRROR, OPT_KEYRING, OPT_INSECURE, OPT_DATA_DIR, OPT_CONNECT_TIMEOUT, OPT_STALL_TIMEOUT, OPT_RETRIES,
       OPT_VALIDATE, OPT_REQUIRE, OPT_RUNNER, OPT_BPF_DIR, OPT_BANK, OPT_MAX_DISTANCE };

static const struct option long_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "host-root", required_argument, NULL, OPT_HOST_ROOT },
	{ "strategy", required_argument, NULL, 's' },
	{ "kernel-release", required_argument, NULL, OPT_KERNEL_RELEASE },
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "unload-kheaders", no_argument, NULL, OPT_UNLOAD_KHEADERS },
	{ "max-tree-size", required_argument, NULL, OPT_MAX_TREE_SIZE },
	{ "mirror", required_argument, NULL, OPT_MIRROR },
	{ "keyring", required_argument, NULL, OPT_KEYRING },
	{ "insecure-skip-signature", no_argument, NULL, OPT_INSECURE },
	{ "data-dir", required_argument, NULL, OPT_DATA_DIR },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "stall-timeout", required_argument, NULL, OPT_STALL_TIMEOUT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "validate", no_argument, NULL, OPT_VALIDATE },
	{ "require", required_argument, NULL, OPT_REQUIRE },
	{ "runner", required_argument, NULL, OPT_RUNNER },
	{ "bpf-dir", required_argument, NULL, OPT_BPF_DIR },
	{ "bank", required_argument, NULL, OPT_BANK },
	{ "max-distance", required_argument, NULL, OPT_MAX_DISTANCE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "print-kernel", no_argument, NULL, OPT_PRINT_KERNEL },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void options_print_help(void)
{
	printf("Usage: provision-headers [OPTIONS]\n"
	       "       provision-headers status [--json]\n"
	       "       provision-headers warm [OPTIONS] RELEASE...   (fill --output as a cache, e.g. in an image build)\n"
	       "Makes kernel headers matching the running kernel appear in OUTPUT/<release>/build.\n"
	       "\n"
	       "  -o, --output DIR          shared volume to publish into (default %s)\n"
	       "      --host-root DIR       where the host's filesystem is mounted (default /)\n"
	       "  -s, --strategy LIST       strategies to try, in order (default %s;\n"
	       "                            known: cache,host,kheaders,distro,close-match)\n"
	       "      --kernel-release R    provision for kernel R instead of the running one\n"
	       "      --cache-dir DIR       a warmed cache to reuse trees from (repeatable)\n"
	       "      --force               rebuild even when a complete tree is published\n"
	       "      --unload-kheaders     unload the kheaders module afterwards if this run loaded it\n"
	       "      --max-tree-size SIZE  refuse archives that unpack to more (default 2G; K, M, G suffixes)\n"
	       "      --mirror 'URL SUITE [COMPONENT...]'\n"
	       "                            use this apt repository instead of the host's sources (repeatable)\n"
	       "      --keyring FILE        trust this keyring for --mirror repositories (repeatable)\n"
	       "      --insecure-skip-signature\n"
	       "                            do not check repository signatures (hashes are still checked)\n"
	       "      --data-dir DIR        where distros/ lives (default: the installed data)\n"
	       "      --connect-timeout S   seconds to connect to a mirror (default 15)\n"
	       "      --stall-timeout S     seconds without a byte before a download counts as stalled (default 30)\n"
	       "      --retries N           attempts per download for transient failures (default 4)\n"
	       "      --validate            prove the tree with provision-headers-runner (compile, load, compare)\n"
	       "      --require LEVEL       what validation must show: none, no-mismatch (default), validated, exact\n"
	       "      --runner PATH         the runner binary (default: beside this one, or on PATH)\n"
	       "      --bpf-dir DIR         the runner's probes (default: the installed bpf/)\n"
	       "      --bank DIR            header trees (DIR/<release>/build) close-match may start from (repeatable)\n"
	       "      --max-distance D      how far close-match may go: same-major (default), same-minor, any, or N minors\n"
	       "      --dry-run             say what would be done, touch nothing\n"
	       "      --json                print one JSON status object on stdout at the end\n"
	       "      --print-kernel        show the kernel identity and exit (also: status)\n"
	       "  -q, --quiet               errors only\n"
	       "  -v, --verbose             more detail\n"
	       "  -h, --help                this text\n"
	       "      --version             the version\n"
	       "\n"
	       "Every option can also be set by environment: PROVISION_HEADERS_OUTPUT,\n"
	       "PROVISION_HEADERS_HOST_ROOT, PROVISION_HEADERS_STRATEGY, PROVISION_HEADERS_KERNEL_RELEASE,\n"
	       "PROVISION_HEADERS_CACHE_DIR (colon separated), PROVISION_HEADERS_FORCE,\n"
	       "PROVISION_HEADERS_DRY_RUN, PROVISION_HEADERS_JSON, PROVISION_HEADERS_UNLOAD_KHEADERS\n"
	       "(1/0, true/false, yes/no), PROVISION_HEADERS_MAX_TREE_SIZE, PROVISION_HEADERS_MIRROR\n"
	       "(';' separated), PROVISION_HEADERS_KEYRING (':' separated), PROVISION_HEADERS_INSECURE_SKIP_SIGNATURE,\n"
	       "PROVISION_HEADERS_DATA_DIR, PROVISION_HEADERS_CONNECT_TIMEOUT, PROVISION_HEADERS_STALL_TIMEOUT,\n"
	       "PROVISION_HEADERS_RETRIES, PROVISION_HEADERS_VALIDATE, PROVISION_HEADERS_REQUIRE,\n"
	       "PROVISION_HEADERS_RUNNER, PROVISION_HEADERS_BPF_DIR, PROVISION_HEADERS_BANK (':' separated),\n"
	       "PROVISION_HEADERS_MAX_DISTANCE,\n"
	       "PROVISION_HEADERS_VERBOSITY (quiet, normal, verbose).\n"
	       "Exit codes: 0 ok, 1 internal, 2 usage, 3 no headers, 4 verification, 5 network,\n"
	       "6 output volume, 7 validation, 8 bad input. See README.md.\n",
	       PH_DEFAULT_OUTPUT, strategy_default_order);
}

static int parse_strategies(struct options *o, const char *list, char *err, size_t errlen)
{
	char *tok, *save = NULL;

	if (strlen(list) >= sizeof(o->strategy_buf)) {
		snprintf(err, errlen, "strategy list too long: %s", list);
		return -EINVAL;
	}
	strcpy(o->strategy_buf, list);
	strcpy(o->strategy_list, list);
	o->n_strategies = 0;
	for (tok = strtok_r(o->strategy_buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int i;

		if (!strategy_by_name(tok)) {
			snprintf(err, errlen, "unknown strategy '%s' (known: cache,host,kheaders,distro,close-match)", tok);
			return -EINVAL;
		}
		for (i = 0; i < o->n_strategies; i++)
			if (strcmp(o->strategies[i], tok) == 0) {
				snprintf(err, errlen, "strategy '%s' is listed twice", tok);
				return -EINVAL;
			}
		if (o->n_strategies == MAX_STRATEGIES) {
			snprintf(err, errlen, "too many strategies: %s", list);
			return -EINVAL;
		}
		o->strategies[o->n_strategies++] = tok;
	}
	if (o->n_strategies == 0) {
		snprintf(err, errlen, "empty strategy list");
		return -EINVAL;
	}
	return 0;
}

static int parse_cache_dirs(struct options *o, const char *list, char *err, size_t errlen)
{
	char *tok, *save = NULL;

	if (strlen(list) >= sizeof(o->cache_buf)) {
		snprintf(err, errlen, "cache directory list too long");
		return -EINVAL;
	}
	strcpy(o->cache_buf, list);
	for (tok = strtok_r(o->cache_buf, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (o->n_cache_dirs == MAX_CACHE_DIRS) {
			snprintf(err, errlen, "at most %d cache directories", MAX_CACHE_DIRS);
			return -EINVAL;
		}
		o->cache_dirs[o->n_cache_dirs++] = tok;
	}
	return 0;
}

static int parse_bool(const char *name, const char *v, int *out, char *err, size_t errlen)
{
	if (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on"))
		*out = 1;
	else if (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcasecmp(v, "off") || !*v)
		*out = 0;
	else {
		snprintf(err, errlen, "%s: expected 1/0, true/false or yes/no, got '%s'", name, v);
		return -EINVAL;
	}
	return 0;
}

/* "512K", "64M", "2G" or a plain byte count. */
static int parse_size(const char *name, const char *v, unsigned long long *out, char *err, size_t errlen)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v || v[0] == '-')
		goto bad;
	switch (*end) {
	case 'K': case 'k': n <<= 10; end++; break;
	case 'M': case 'm': n <<= 20; end++; break;
	case 'G': case 'g': n <<= 30; end++; break;
	}
	if (*end || n == 0)
		goto bad;
	*out = n;
	return 0;
bad:
	snprintf(err, errlen, "%s: expected a size such as 512M or 2G, got '%s'", name, v);
	return -EINVAL;
}

/* Splits list at sep into out (at most max entries), storing the text
 * in buf. */
static int split_list(const char *name, const char *list, const char *sep, char *buf, size_t buflen,
		      const char **out, int *n, int max, char *err, size_t errlen)
{
	char *tok, *save = NULL;

	if (strlen(list) >= buflen) {
		snprintf(err, errlen, "%s: too long", name);
		return -EINVAL;
	}
	strcpy(buf, list);
	*n = 0;
	for (tok = strtok_r(buf, sep, &save); tok; tok = strtok_r(NULL, sep, &save)) {
		if (*n == max) {
			snprintf(err, errlen, "%s: at most %d entries", name, max);
			return -EINVAL;
		}
		out[(*n)++] = tok;
	}
	return 0;
}

static int parse_long(const char *name, const char *v, long min, long max, long *out, char *err, size_t errlen)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max) {
		snprintf(err, errlen, "%s: expected a number from %ld to %ld, got '%s'", name, min, max, v);
		return -EINVAL;
	}
	*out = n;
	return 0;
}

static int parse_require(const char *name, const char *v, struct options *o, char *err, size_t errlen)
{
	enum require_level level;

	if (validate_parse_require(v, &level) < 0) {
		snprintf(err, errlen, "%s: expected none, no-mismatch, validated or exact, got '%s'", name, v);
		return -EINVAL;
	}
	o->require = (int)level;
	return 0;
}

static int apply_environment(struct options *o, char *err, size_t errlen)
{
	const char *v;
	int ret = 0;

	if ((v = secure_getenv("PROVISION_HEADERS_OUTPUT")) && *v)
		o->output = v;
	if ((v = secure_getenv("PROVISION_HEADERS_HOST_ROOT")) && *v)
		o->host_root = v;
	if ((v = secure_getenv("PROVISION_HEADERS_KERNEL_RELEASE")) && *v)
		o->kernel_release = v;
	if ((v = secure_getenv("PROVISION_HEADERS_STRATEGY")) && *v)
		ret = parse_strategies(o, v, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_CACHE_DIR")) && *v)
		ret = parse_cache_dirs(o, v, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_FORCE")))
		ret = parse_bool("PROVISION_HEADERS_FORCE", v, &o->force, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_DRY_RUN")))
		ret = parse_bool("PROVISION_HEADERS_DRY_RUN", v, &o->dry_run, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_JSON")))
		ret = parse_bool("PROVISION_HEADERS_JSON", v, &o->json, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_UNLOAD_KHEADERS")))
		ret = parse_bool("PROVISION_HEADERS_UNLOAD_KHEADERS", v, &o->unload_kheaders, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_MAX_TREE_SIZE")) && *v)
		ret = parse_size("PROVISION_HEADERS_MAX_TREE_SIZE", v, &o->max_tree_bytes, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_MIRROR")) && *v)
		ret = split_list("PROVISION_HEADERS_MIRROR", v, ";\n", o->mirror_buf, sizeof(o->mirror_buf), o->mirrors,
				 &o->n_mirrors, MAX_MIRRORS, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_KEYRING")) && *v)
		ret = split_list("PROVISION_HEADERS_KEYRING", v, ":", o->keyring_buf, sizeof(o->keyring_buf), o->keyrings,
				 &o->n_keyrings, MAX_KEYRINGS, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_INSECURE_SKIP_SIGNATURE")))
		ret = parse_bool("PROVISION_HEADERS_INSECURE_SKIP_SIGNATURE", v, &o->insecure_skip_signature, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_DATA_DIR")) && *v)
		o->data_dir = v;
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_CONNECT_TIMEOUT")) && *v)
		ret = parse_long("PROVISION_HEADERS_CONNECT_TIMEOUT", v, 1, 3600, &o->connect_timeout_s, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_STALL_TIMEOUT")) && *v)
		ret = parse_long("PROVISION_HEADERS_STALL_TIMEOUT", v, 1, 3600, &o->stall_timeout_s, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_RETRIES")) && *v) {
		long n;

		ret = parse_long("PROVISION_HEADERS_RETRIES", v, 1, 20, &n, err, errlen);
		o->retries = (int)n;
	}
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_VALIDATE")))
		ret = parse_bool("PROVISION_HEADERS_VALIDATE", v, &o->validate, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_REQUIRE")) && *v)
		ret = parse_require("PROVISION_HEADERS_REQUIRE", v, o, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_RUNNER")) && *v)
		o->runner = v;
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_BPF_DIR")) && *v)
		o->bpf_dir = v;
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_BANK")) && *v)
		ret = split_list("PROVISION_HEADERS_BANK", v, ":", o->bank_buf, sizeof(o->bank_buf), o->banks, &o->n_banks,
				 MAX_BANKS, err, errlen);
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_MAX_DISTANCE")) && *v)
		o->max_distance = v;
	if (ret == 0 && (v = secure_getenv("PROVISION_HEADERS_VERBOSITY")) && *v) {
		if (!strcmp(v, "quiet"))
			o->verbosity = 0;
		else if (!strcmp(v, "normal"))
			o->verbosity = 1;
		else if (!strcmp(v, "verbose"))
			o->verbosity = 2;
		else {
			snprintf(err, errlen, "PROVISION_HEADERS_VERBOSITY: expected quiet, normal or verbose, got '%s'", v);
			ret = -EINVAL;
		}
	}
	return ret;
}

int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
	int c, ret, cli_cache_dirs = 0, cli_mirrors = 0, cli_keyrings = 0, cli_banks = 0;

	memset(o, 0, sizeof(*o));
	o->command = CMD_PROVISION;
	o->output = PH_DEFAULT_OUTPUT;
	o->host_root = "/";
	o->verbosity = 1;
	o->max_tree_bytes = UNPACK_DEFAULT_MAX_BYTES;
	o->connect_timeout_s = 15;
	o->stall_timeout_s = 30;
	o->retries = 4;
	o->require = REQUIRE_NO_MISMATCH;
	ret = parse_strategies(o, strategy_default_order, err, errlen);
	if (ret == 0)
		ret = apply_environment(o, err, errlen);
	if (ret < 0)
		return ret;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:s:qvh", long_options, NULL)) != -1) {
		switch (c) {
		case 'o': o->output = optarg; break;
		case OPT_HOST_ROOT: o->host_root = optarg; break;
		case 's':
			o->strategy_given = 1;
			ret = parse_strategies(o, optarg, err, errlen);
			if (ret < 0)
				return ret;
			break;
		case OPT_KERNEL_RELEASE: o->kernel_release = optarg; break;
		case OPT_CACHE_DIR:
			if (!cli_cache_dirs++)
				o->n_cache_dirs = 0; /* the command line replaces the environment */
			if (o->n_cache_dirs == MAX_CACHE_DIRS) {
				snprintf(err, errlen, "at most %d --cache-dir", MAX_CACHE_DIRS);
				return -EINVAL;
			}
			o->cache_dirs[o->n_cache_dirs++] = optarg;
			break;
		case OPT_FORCE: o->force = 1; break;
		case OPT_UNLOAD_KHEADERS: o->unload_kheaders = 1; break;
		case OPT_MIRROR:
			if (!cli_mirrors++)
				o->n_mirrors = 0;
			if (o->n_mirrors == MAX_MIRRORS) {
				snprintf(err, errlen, "at most %d --mirror", MAX_MIRRORS);
				return -EINVAL;
			}
			o->mirrors[o->n_mirrors++] = optarg;
			break;
		case OPT_KEYRING:
			if (!cli_keyrings++)
				o->n_keyrings = 0;
			if (o->n_keyrings == MAX_KEYRINGS) {
				snprintf(err, errlen, "at most %d --keyring", MAX_KEYRINGS);
				return -EINVAL;
			}
			o->keyrings[o->n_keyrings++] = optarg;
			break;
		case OPT_INSECURE: o->insecure_skip_signature = 1; break;
		case OPT_VALIDATE: o->validate = 1; break;
		case OPT_REQUIRE:
			ret = parse_require("--require", optarg, o, err, errlen);
			if (ret < 0)
				return ret;
			break;
		case OPT_RUNNER: o->runner = optarg; break;
		case OPT_BPF_DIR: o->bpf_dir = optarg; break;
		case OPT_BANK:
			if (!cli_banks++)
				o->n_banks = 0;
			if (o->n_banks == MAX_BANKS) {
				snprintf(err, errlen, "at most %d --bank", MAX_BANKS);
				return -EINVAL;
			}
			o->banks[o->n_banks++] = optarg;
			break;
		case OPT_MAX_DISTANCE: o->max_distance = optarg; break;
		case OPT_DATA_DIR: o->data_dir = optarg; break;
		case OPT_CONNECT_TIMEOUT:
			ret = parse_long("--connect-timeout", optarg, 1, 3600, &o->connect_timeout_s, err, errlen);
			if (ret < 0)
				return ret;
			break;
		case OPT_STALL_TIMEOUT:
			ret = parse_long("--stall-timeout", optarg, 1, 3600, &o->stall_timeout_s, err, errlen);
			if (ret < 0)
				return ret;
			break;
		case OPT_RETRIES: {
			long n;

			ret = parse_long("--retries", optarg, 1, 20, &n, err, errlen);
			if (ret < 0)
				return ret;
			o->retries = (int)n;
			break;
		}
		case OPT_MAX_TREE_SIZE:
			ret = parse_size("--max-tree-size", optarg, &o->max_tree_bytes, err, errlen);
			if (ret < 0)
				return ret;
			break;
		case OPT_DRY_RUN: o->dry_run = 1; break;
		case OPT_JSON: o->json = 1; break;
		case OPT_PRINT_KERNEL: o->command = CMD_STATUS; break;
		case 'q': o->verbosity = 0; break;
		case 'v': o->verbosity = 2; break;
		case 'h': o->command = CMD_HELP; return 0;
		case OPT_VERSION: o->command = CMD_VERSION; return 0;
		case ':':
			snprintf(err, errlen, "option %s needs a value", argv[optind - 1]);
			return -EINVAL;
		default:
			snprintf(err, errlen, "unknown option %s", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		if (strcmp(argv[optind], "status") == 0 && optind + 1 == argc) {
			o->command = CMD_STATUS;
		} else if (strcmp(argv[optind], "warm") == 0) {
			int i;

			o->command = CMD_WARM;
			for (i = optind + 1; i < argc; i++) {
				if (o->n_warm == 64) {
					snprintf(err, errlen, "warm: at most 64 releases");
					return -EINVAL;
				}
				o->warm_releases[o->n_warm++] = argv[i];
			}
			if (o->n_warm == 0) {
				snprintf(err, errlen, "warm: name the kernel releases to warm the cache for");
				return -EINVAL;
			}
			/* A cache holds exact trees: no approximations unless asked. */
			if (!o->strategy_given && !secure_getenv("PROVISION_HEADERS_STRATEGY"))
				parse_strategies(o, "cache,host,distro", err, errlen);
		} else {
			snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
			return -EINVAL;
		}
	}
	if (!*o->output) {
		snprintf(err, errlen, "--output must not be empty");
		return -EINVAL;
	}
	return 0;
}
