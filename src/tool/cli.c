/* Parsing the command line and the environment from the option table
 * (optable.c): defaults, then PROVISION_HEADERS_*, then the command line,
 * then every value is checked before the run does any work, so a mistake
 * costs an exit 2 and one line that names the option or variable. */
#include "tool/cli.h"

#include "lib/kernel/arch.h"
#include "strategies/strategy.h"
#include "tool/optable.h"
#include "tool/optvalue.h"
#include "tool/validate.h"
#include "util/macro.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ENV_PREFIX "PROVISION_HEADERS_"
#define GETOPT_BASE 256

/* Where each value came from, to name it in a message. */
struct parse_state {
	char cli_name[OPT__COUNT][64];
	char env_name[OPT__COUNT][64];
	const char *from[OPT__COUNT]; /* NULL: the default */
	int cli_seen[OPT__COUNT];
};

/* The storage of each list option in struct options. */
struct list_slot {
	const char **items;
	int *n;
	int max;
	char *buf;
	size_t buflen;
};

static struct list_slot list_slot(struct options *o, enum opt_id id)
{
	switch (id) {
	case OPT_STRATEGY:
		return (struct list_slot){ o->strategies, &o->n_strategies, MAX_STRATEGIES, o->strategy_buf,
					   sizeof(o->strategy_buf) };
	case OPT_CACHE_DIR:
		return (struct list_slot){ o->cache_dirs, &o->n_cache_dirs, MAX_CACHE_DIRS, o->cache_buf, sizeof(o->cache_buf) };
	case OPT_MIRROR:
		return (struct list_slot){ o->mirrors, &o->n_mirrors, MAX_MIRRORS, o->mirror_buf, sizeof(o->mirror_buf) };
	case OPT_KEYRING:
		return (struct list_slot){ o->keyrings, &o->n_keyrings, MAX_KEYRINGS, o->keyring_buf, sizeof(o->keyring_buf) };
	case OPT_BANK:
		return (struct list_slot){ o->banks, &o->n_banks, MAX_BANKS, o->bank_buf, sizeof(o->bank_buf) };
	case OPT_KEEP:
		return (struct list_slot){ o->keep, &o->n_keep, MAX_KEEP, o->keep_buf, sizeof(o->keep_buf) };
	case OPT_ARCH:
		return (struct list_slot){ o->arches, &o->n_arches, MAX_ARCHES, o->arch_buf, sizeof(o->arch_buf) };
	default:
		return (struct list_slot){ 0 };
	}
}

static int check_strategy(struct options *o, const char *name, const char *tok, char *err, size_t errlen)
{
	char known[256], hint[160], buf[128], *save = NULL, *t;
	const char *names[MAX_STRATEGIES];
	size_t n = 0;
	int i;

	if (!strategy_by_name(tok)) {
		/* The names come from the registry's default order, written once. */
		snprintf(known, sizeof(known), "%s", strategy_default_order);
		for (t = strtok_r(known, ",", &save); t && n < ARRAY_SIZE(names); t = strtok_r(NULL, ",", &save))
			names[n++] = t;
		optvalue_did_you_mean(tok, names, n, "", hint, sizeof(hint));
		return optvalue_fail(err, errlen, "%s: unknown strategy '%s'%s (known: %s)", name,
				     optvalue_shown(tok, buf, sizeof(buf)), hint, strategy_default_order);
	}
	for (i = 0; i < o->n_strategies; i++)
		if (strcmp(o->strategies[i], tok) == 0)
			return optvalue_fail(err, errlen, "%s: strategy '%s' is listed twice", name, tok);
	return 0;
}

/* --arch: Debian's and the kernel's (RPM's) names both, kept as the
 * machine (amd64 -> x86_64), each once. */
static int arch_item(const struct options *o, const char *name, const char **item, char *err, size_t errlen)
{
	static const char *const known[] = { "amd64", "arm64", "x86_64", "aarch64", "i386", "armhf", "ppc64el",
					     "ppc64le", "s390x", "riscv64", "loong64" };
	const char *machine = arch_machine_for_name(*item);
	char hint[96], buf[128];
	int i;

	if (!machine) {
		optvalue_did_you_mean(*item, known, ARRAY_SIZE(known), "", hint, sizeof(hint));
		return optvalue_fail(err, errlen, "%s: unknown architecture '%s'%s (amd64, arm64, x86_64, aarch64, ...)", name,
				     optvalue_shown(*item, buf, sizeof(buf)), hint);
	}
	for (i = 0; i < o->n_arches; i++)
		if (strcmp(o->arches[i], machine) == 0)
			return optvalue_fail(err, errlen, "%s: architecture '%s' is listed twice (as %s)", name, *item,
					     machine);
	*item = machine;
	return 0;
}

static int list_add(struct options *o, const struct opt_def *d, const char *name, const char *item, char *err,
		    size_t errlen)
{
	struct list_slot s = list_slot(o, d->id);

	if (d->id == OPT_STRATEGY && check_strategy(o, name, item, err, errlen) < 0)
		return -EINVAL;
	if (d->id == OPT_ARCH && arch_item(o, name, &item, err, errlen) < 0)
		return -EINVAL;
	if (d->id == OPT_KEEP && optvalue_release(name, item, err, errlen) < 0)
		return -EINVAL;
	if (*s.n == s.max)
		return optvalue_fail(err, errlen, "%s: at most %d entries", name, s.max);
	s.items[(*s.n)++] = item;
	return 0;
}

/* Replaces the list with the entries of value, split at d->sep. */
static int list_split(struct options *o, const struct opt_def *d, const char *name, const char *value, char *err,
		      size_t errlen)
{
	struct list_slot s = list_slot(o, d->id);
	char *tok, *save = NULL;

	if (strlen(value) >= s.buflen)
		return optvalue_fail(err, errlen, "%s: too long (at most %zu bytes)", name, s.buflen - 1);
	strcpy(s.buf, value);
	*s.n = 0;
	for (tok = strtok_r(s.buf, d->sep, &save); tok; tok = strtok_r(NULL, d->sep, &save))
		if (list_add(o, d, name, tok, err, errlen) < 0)
			return -EINVAL;
	if (*s.n == 0)
		return optvalue_fail(err, errlen, "%s: empty list", name);
	if (d->id == OPT_STRATEGY)
		snprintf(o->strategy_list, sizeof(o->strategy_list), "%s", value);
	return 0;
}

static int *flag_slot(struct options *o, enum opt_id id)
{
	switch (id) {
	case OPT_FORCE: return &o->force;
	case OPT_OFFLINE: return &o->offline;
	case OPT_UNLOAD_KHEADERS: return &o->unload_kheaders;
	case OPT_INSECURE_SKIP_SIGNATURE: return &o->insecure_skip_signature;
	case OPT_VALIDATE: return &o->validate;
	case OPT_DRY_RUN: return &o->dry_run;
	case OPT_JSON: return &o->json;
	default: return NULL;
	}
}

static const char **string_slot(struct options *o, enum opt_id id)
{
	switch (id) {
	case OPT_OUTPUT: return &o->output;
	case OPT_HOST_ROOT: return &o->host_root;
	case OPT_KERNEL_RELEASE: return &o->kernel_release;
	case OPT_DATA_DIR: return &o->data_dir;
	case OPT_RUNNER: return &o->runner;
	case OPT_BPF_DIR: return &o->bpf_dir;
	case OPT_MAX_DISTANCE: return &o->max_distance;
	case OPT_TERMINATION_LOG: return &o->termination_log;
	case OPT_BTF: return &o->btf_file;
	case OPT_KEEP_FROM: return &o->keep_from;
	case OPT_CACHE_URL: return &o->cache_url;
	case OPT_KERNELS_FROM: return &o->kernels_from;
	case OPT_DISTRO: return &o->distro;
	case OPT_LATEST: return &o->latest;
	case OPT_SERIES: return &o->series;
	case OPT_FLAVOUR: return &o->flavour;
	default: return NULL;
	}
}

/* Parses value by the row's type and stores it. from_cli: a repeatable
 * list adds to what earlier command-line uses gave, and replaces what the
 * environment gave. */
/* --cache-url: http(s), with at most a pin of the index as its fragment
 * (#sha256= and 64 lowercase hex digits), and short enough that every
 * object URL built from it fits. */
static int cache_url_check(const char *name, const char *value, char *err, size_t errlen)
{
	const char *hash = strchr(value, '#');

	if (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0)
		return optvalue_fail(err, errlen, "%s: not an http:// or https:// URL", name);
	if (hash && (strncmp(hash, "#sha256=", 8) != 0 || strlen(hash + 8) != 64 ||
		     strspn(hash + 8, "0123456789abcdef") != 64))
		return optvalue_fail(err, errlen, "%s: the part after # must be sha256= and the 64 hex digits of index.json's SHA-256", name);
	if ((hash ? (size_t)(hash - value) : strlen(value)) > 1500)
		return optvalue_fail(err, errlen, "%s: longer than 1500 characters", name);
	return 0;
}

static int apply(struct options *o, struct parse_state *st, const struct opt_def *d, const char *name,
		 const char *value, int from_cli, char *err, size_t errlen)
{
	long num;
	int flag = 0, index = 0;

	if (d->type != OPT_T_FLAG && !*value)
		return optvalue_fail(err, errlen, "%s must not be empty%s", name, from_cli ? "" : " (unset it for the default)");
	switch (d->type) {
	case OPT_T_FLAG:
		if (from_cli)
			flag = 1;
		else if (!*value)
			return optvalue_fail(err, errlen, "%s is set but empty (1/0, true/false or yes/no)", name);
		else if (optvalue_bool(name, value, &flag, err, errlen) < 0)
			return -EINVAL;
		*flag_slot(o, d->id) = flag;
		break;
	case OPT_T_STRING:
	case OPT_T_PATH:
		if (d->id == OPT_KERNEL_RELEASE) {
			if (optvalue_release(name, value, err, errlen) < 0)
				return -EINVAL;
			snprintf(o->kernel_release_from, sizeof(o->kernel_release_from), "%s", name);
		}
		if (d->id == OPT_CACHE_URL && cache_url_check(name, value, err, errlen) < 0)
			return -EINVAL;
		*string_slot(o, d->id) = value;
		break;
	case OPT_T_LIST:
		if (!from_cli || (d->flags & OPTF_CLI_SPLIT)) {
			if (list_split(o, d, name, value, err, errlen) < 0)
				return -EINVAL;
		} else {
			if (!st->cli_seen[d->id])
				*list_slot(o, d->id).n = 0; /* the command line replaces the environment */
			if (list_add(o, d, name, value, err, errlen) < 0)
				return -EINVAL;
		}
		if (d->id == OPT_STRATEGY && st->from[d->id] != NULL)
			o->strategy_given = 1;
		break;
	case OPT_T_SIZE:
		return optvalue_size(name, value, &o->max_tree_bytes, err, errlen);
	case OPT_T_SECONDS:
	case OPT_T_COUNT:
		if (optvalue_long(name, value, d->min, d->max, &num, err, errlen) < 0)
			return -EINVAL;
		if (d->id == OPT_CONNECT_TIMEOUT)
			o->connect_timeout_s = num;
		else if (d->id == OPT_STALL_TIMEOUT)
			o->stall_timeout_s = num;
		else if (d->id == OPT_DEADLINE)
			o->deadline_s = num;
		else if (d->id == OPT_OLDER_THAN) {
			o->older_than_days = num;
			o->older_than_set = 1;
		}
		else if (d->id == OPT_JOBS)
			o->jobs = (int)num;
		else
			o->retries = (int)num;
		break;
	case OPT_T_ENUM:
		if (optvalue_enum(d, name, value, &index, err, errlen) < 0)
			return -EINVAL;
		if (d->id == OPT_REQUIRE) {
			enum require_level level;

			if (validate_parse_require(value, &level) < 0)
				return optvalue_fail(err, errlen, "%s: '%s' is not a level validation knows", name, value);
			o->require = (int)level;
		} else if (d->id == OPT_VERBOSITY) {
			o->verbosity = index;
		} else {
			*string_slot(o, d->id) = value;
		}
		break;
	case OPT_T_ACTION:
		break;
	}
	return 0;
}

static int apply_defaults(struct options *o, struct parse_state *st, char *err, size_t errlen)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	o->command = CMD_PROVISION;
	for (i = 0; i < ARRAY_SIZE(optable); i++) {
		const struct opt_def *d = &optable[i];

		optable_env_name(d, st->env_name[i], sizeof(st->env_name[i]));
		snprintf(st->cli_name[i], sizeof(st->cli_name[i]), "--%s", d->name);
		if (d->def && apply(o, st, d, st->cli_name[i], d->def, 0, err, errlen) < 0)
			return -EINVAL; /* a bug in the table: tests/unit/optable_test.c catches it */
	}
	return 0;
}

/* Every PROVISION_HEADERS_* variable must be one the table knows: a typo
 * would otherwise be ignored in silence. */
static int check_unknown_variables(const struct parse_state *st, char *err, size_t errlen)
{
	const char *names[OPT__COUNT];
	size_t n = 0, i;
	char **e, var[128], hint[192];

	for (i = 0; i < OPT__COUNT; i++)
		if (st->env_name[i][0])
			names[n++] = st->env_name[i];
	for (e = environ; e && *e; e++) { /* clearenv() leaves environ NULL */
		const char *eq = strchr(*e, '=');
		size_t len = eq ? (size_t)(eq - *e) : strlen(*e);
		int known = 0;

		if (strncmp(*e, ENV_PREFIX, sizeof(ENV_PREFIX) - 1) != 0)
			continue;
		snprintf(var, sizeof(var), "%.*s", (int)(len < sizeof(var) ? len : sizeof(var) - 1), *e);
		for (i = 0; i < n && !known; i++)
			known = strcmp(var, names[i]) == 0;
		if (known)
			continue;
		optvalue_did_you_mean(var, names, n, "", hint, sizeof(hint));
		return optvalue_fail(err, errlen, "%s: no such variable%s", var, hint);
	}
	return 0;
}

static int apply_environment(struct options *o, struct parse_state *st, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(optable); i++) {
		const char *v;

		if (!st->env_name[i][0] || !(v = secure_getenv(st->env_name[i])))
			continue;
		st->from[i] = st->env_name[i];
		if (apply(o, st, &optable[i], st->env_name[i], v, 0, err, errlen) < 0)
			return -EINVAL;
	}
	return check_unknown_variables(st, err, errlen);
}

/* The checks that need the final values (the command line may have
 * replaced the environment): paths that must exist, mirrors that must
 * parse. Local lookups only, before the run does any work. */
static int check_values(struct options *o, const struct parse_state *st, char *err, size_t errlen)
{
	size_t i;
	int j;

	for (i = 0; i < ARRAY_SIZE(optable); i++) {
		const struct opt_def *d = &optable[i];
		const char *name = st->from[i] ? st->from[i] : st->cli_name[i];

		/* cache ls/verify/prune never read the host: an image's
		 * PROVISION_HEADERS_HOST_ROOT=/host need not be mounted. */
		if (d->id == OPT_HOST_ROOT && o->command == CMD_CACHE)
			continue;
		if (d->type == OPT_T_LIST) {
			struct list_slot s = list_slot(o, d->id);

			for (j = 0; j < *s.n; j++) {
				if (d->check && optvalue_path(d, name, s.items[j], err, errlen) < 0)
					return -EINVAL;
				if (d->id == OPT_MIRROR && optvalue_mirror(name, s.items[j], err, errlen) < 0)
					return -EINVAL;
			}
		} else if (d->check && string_slot(o, d->id) && *string_slot(o, d->id) &&
			   optvalue_path(d, name, *string_slot(o, d->id), err, errlen) < 0) {
			return -EINVAL;
		}
	}
	return 0;
}

/* The index of the first argument that is no option nor an option's
 * value: the subcommand. argc when there is none. */
static int first_operand(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt_def *d = NULL;
		size_t k;

		if (strcmp(a, "--") == 0)
			return i + 1 < argc ? i + 1 : argc;
		if (a[0] != '-' || !a[1])
			return i;
		if (a[1] == '-') {
			if (strchr(a, '='))
				continue;
			d = optable_by_name(a + 2);
		} else if (!a[2]) {
			for (k = 0; k < ARRAY_SIZE(optable); k++)
				if (optable[k].short_name == a[1])
					d = &optable[k];
		}
		if (d && d->type != OPT_T_FLAG && d->type != OPT_T_ACTION)
			i++;
	}
	return argc;
}

static int unknown_option(int argc, char **argv, char *err, size_t errlen)
{
	const char *names[OPT__COUNT], *arg = optind - 1 < argc ? argv[optind - 1] : "?";
	char word[128], hint[160], buf[128];
	size_t n = 0, i;

	if (optopt)
		return optvalue_fail(err, errlen, "unknown option -%c", optopt);
	for (i = 0; i < ARRAY_SIZE(optable); i++)
		if (!(optable[i].flags & (OPTF_ENV_ONLY | OPTF_HIDDEN)))
			names[n++] = optable[i].name;
	snprintf(word, sizeof(word), "%s", arg + strspn(arg, "-"));
	word[strcspn(word, "=")] = '\0';
	optvalue_did_you_mean(word, names, n, "--", hint, sizeof(hint));
	return optvalue_fail(err, errlen, "unknown option %s%s", optvalue_shown(arg, buf, sizeof(buf)), hint);
}

static int is_topic(const char *s)
{
	return strcmp(s, "warm") == 0 || strcmp(s, "status") == 0 || strcmp(s, "cache") == 0;
}

/* cache ls|verify|prune: the store of the first --cache-dir. */
static int parse_cache(struct options *o, int argc, char **argv, int first, char *err, size_t errlen)
{
	const char *actions[] = { "ls", "verify", "prune" };
	char hint[64], buf[128];
	size_t i;

	if (first + 1 >= argc)
		return optvalue_fail(err, errlen, "cache: expected ls, verify or prune");
	if (first + 2 < argc)
		return optvalue_fail(err, errlen, "cache %s takes no argument, got '%s'", argv[first + 1],
				     optvalue_shown(argv[first + 2], buf, sizeof(buf)));
	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (strcmp(argv[first + 1], actions[i]) == 0)
			o->cache_action = actions[i];
	if (!o->cache_action) {
		optvalue_did_you_mean(argv[first + 1], actions, ARRAY_SIZE(actions), "", hint, sizeof(hint));
		return optvalue_fail(err, errlen, "cache: unknown action '%s'%s (ls, verify or prune)",
				     optvalue_shown(argv[first + 1], buf, sizeof(buf)), hint);
	}
	if (o->n_cache_dirs == 0)
		return optvalue_fail(err, errlen, "cache %s: name the cache with --cache-dir DIR", o->cache_action);
	if (strcmp(o->cache_action, "prune") == 0 && !o->n_keep && !o->keep_from && !o->older_than_set)
		return optvalue_fail(err, errlen,
				     "cache prune: say what to keep (--keep R1,R2, --keep-from FILE) or --older-than DAYS; "
				     "unreferenced objects are removed in any case");
	o->command = CMD_CACHE;
	return 0;
}

/* warm's selection options: warm's only, and each in its form. */
static int check_warm_selection(const struct options *o, const struct parse_state *st, char *err, size_t errlen)
{
	static const enum opt_id ids[] = { OPT_KERNELS_FROM, OPT_DISTRO, OPT_LATEST, OPT_SERIES, OPT_FLAVOUR, OPT_ARCH };
	const char *colon;
	char buf[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (st->from[ids[i]] && o->command != CMD_WARM)
			return optvalue_fail(err, errlen, "%s is an option of warm only", st->from[ids[i]]);
	if ((o->series || o->flavour) && !o->latest)
		return optvalue_fail(err, errlen, "%s chooses among what --latest lists: give --latest N too",
				     o->series ? st->from[OPT_SERIES] : st->from[OPT_FLAVOUR]);
	colon = o->distro ? strchr(o->distro, ':') : NULL;
	if (o->distro && (!colon || colon == o->distro || !colon[1] || strlen(o->distro) > 60 ||
			  strspn(o->distro, "abcdefghijklmnopqrstuvwxyz0123456789._-:") != strlen(o->distro) ||
			  strchr(colon + 1, ':')))
		return optvalue_fail(err, errlen, "%s: expected ID:VERSION as os-release says them (debian:12), got '%s'",
				     st->from[OPT_DISTRO], optvalue_shown(o->distro, buf, sizeof(buf)));
	if (o->series) {
		const char *dot = strchr(o->series, '.');

		if (!dot || dot == o->series || !dot[1] || strspn(o->series, "0123456789.") != strlen(o->series) ||
		    strchr(dot + 1, '.') || strlen(o->series) > 12)
			return optvalue_fail(err, errlen, "%s: expected a series as MAJOR.MINOR (6.1), got '%s'",
					     st->from[OPT_SERIES], optvalue_shown(o->series, buf, sizeof(buf)));
	}
	if (o->flavour && (strlen(o->flavour) > 40 ||
			   strspn(o->flavour, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(o->flavour)))
		return optvalue_fail(err, errlen, "%s: expected a flavour name such as cloud or rt, got '%s'",
				     st->from[OPT_FLAVOUR], optvalue_shown(o->flavour, buf, sizeof(buf)));
	return 0;
}

/* status, warm RELEASE..., cache ACTION, help [COMMAND]. */
static int parse_command(struct options *o, int argc, char **argv, int first, char *err, size_t errlen)
{
	const char *cmd = argv[first];
	int i;

	if (strcmp(cmd, "status") == 0) {
		if (first + 1 < argc)
			return optvalue_fail(err, errlen, "status takes no argument, got '%s'", argv[first + 1]);
		o->command = CMD_STATUS;
		return 0;
	}
	if (strcmp(cmd, "help") == 0) {
		if (first + 2 < argc || (first + 1 < argc && !is_topic(argv[first + 1])))
			return optvalue_fail(err, errlen, "help: expected nothing, warm, status or cache");
		o->command = CMD_HELP;
		o->help_topic = first + 1 < argc ? argv[first + 1] : NULL;
		return 0;
	}
	if (strcmp(cmd, "cache") == 0)
		return parse_cache(o, argc, argv, first, err, errlen);
	if (strcmp(cmd, "warm") != 0) {
		const char *cmds[] = { "status", "warm", "cache", "help" };
		char hint[64], buf[128];

		optvalue_did_you_mean(cmd, cmds, ARRAY_SIZE(cmds), "", hint, sizeof(hint));
		return optvalue_fail(err, errlen, "unexpected argument '%s'%s", optvalue_shown(cmd, buf, sizeof(buf)), hint);
	}
	o->command = CMD_WARM;
	for (i = first + 1; i < argc; i++) {
		if (o->n_warm == (int)ARRAY_SIZE(o->warm_releases))
			return optvalue_fail(err, errlen, "warm: at most %zu releases", ARRAY_SIZE(o->warm_releases));
		if (optvalue_release("warm", argv[i], err, errlen) < 0)
			return -EINVAL;
		o->warm_releases[o->n_warm++] = argv[i];
	}
	if (o->n_warm == 0 && !o->kernels_from && !o->latest)
		return optvalue_fail(err, errlen, "warm: name the kernel releases to warm the cache for "
				     "(or --kernels-from FILE, or --latest N)");
	/* A cache holds exact trees: no approximations unless asked. */
	if (!o->strategy_given)
		list_split(o, &optable[OPT_STRATEGY], "warm", "cache,host,distro", err, errlen);
	return 0;
}

int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
	struct option longs[OPT__COUNT + 1];
	char shorts[2 * OPT__COUNT + 2] = ":";
	struct parse_state st = { 0 };
	size_t i, n = 0, ns = 1;
	int c, first;

	if (apply_defaults(o, &st, err, errlen) < 0 || apply_environment(o, &st, err, errlen) < 0)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(optable); i++) {
		const struct opt_def *d = &optable[i];
		int has_arg = d->type == OPT_T_FLAG || d->type == OPT_T_ACTION ? no_argument : required_argument;

		if (d->flags & OPTF_ENV_ONLY)
			continue;
		longs[n++] = (struct option){ d->name, has_arg, NULL, GETOPT_BASE + (int)i };
		if (d->short_name) {
			shorts[ns++] = d->short_name;
			if (has_arg == required_argument)
				shorts[ns++] = ':';
		}
	}
	longs[n] = (struct option){ 0 };
	shorts[ns] = '\0';

	first = first_operand(argc, argv);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct opt_def *d = NULL;

		if (c >= GETOPT_BASE)
			d = &optable[c - GETOPT_BASE];
		for (i = 0; !d && c > 0 && c < GETOPT_BASE && i < ARRAY_SIZE(optable); i++)
			if (optable[i].short_name == c)
				d = &optable[i];
		if (c == ':')
			return optvalue_fail(err, errlen, "option %s needs a value", argv[optind - 1]);
		if (!d)
			return unknown_option(argc, argv, err, errlen);
		switch (d->id) {
		case OPT_QUIET: o->verbosity = 0; continue;
		case OPT_VERBOSE: o->verbosity = 2; continue;
		case OPT_PRINT_KERNEL: o->command = CMD_STATUS; continue;
		case OPT_VERSION: o->command = CMD_VERSION; return 0;
		case OPT_LIST_OPTIONS: o->command = CMD_LIST_OPTIONS; return 0;
		case OPT_LIST_DISTROS: o->command = CMD_LIST_DISTROS; return 0;
		case OPT_HELP:
			o->command = CMD_HELP;
			if (first < argc && is_topic(argv[first]))
				o->help_topic = argv[first];
			return 0;
		default:
			break;
		}
		st.from[d->id] = st.cli_name[d->id];
		if (apply(o, &st, d, st.cli_name[d->id], optarg ? optarg : "", 1, err, errlen) < 0)
			return -EINVAL;
		st.cli_seen[d->id] = 1;
	}
	o->output_given = st.from[OPT_OUTPUT] != NULL;
	if (optind < argc && parse_command(o, argc, argv, optind, err, errlen) < 0)
		return -EINVAL;
	if (o->command == CMD_HELP)
		return 0;
	if (check_warm_selection(o, &st, err, errlen) < 0)
		return -EINVAL;
	return check_values(o, &st, err, errlen);
}
