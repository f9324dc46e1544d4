/* --help, the subcommands' help and --list-options, all written from the
 * option table so they cannot drift from what the parser accepts. */
#include "tool/cli.h"

#include "tool/optable.h"
#include "util/macro.h"

#include <stdio.h>
#include <string.h>

#define HELP_COLUMN 28

/* The help text and its default, wrapped at column 100 under the help column. */
static void print_wrapped(const char *help, const char *def)
{
	char text[512], *word, *save = NULL;
	size_t col = HELP_COLUMN;

	if (def)
		snprintf(text, sizeof(text), "%s (default %s)", help, def);
	else
		snprintf(text, sizeof(text), "%s", help);
	for (word = strtok_r(text, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
		size_t len = strlen(word);

		if (col > HELP_COLUMN && col + 1 + len > 100) {
			printf("\n%*s", HELP_COLUMN, "");
			col = HELP_COLUMN;
		}
		printf("%s%s", col > HELP_COLUMN ? " " : "", word);
		col += len + (col > HELP_COLUMN);
	}
	printf("\n");
}

static void print_option(const struct opt_def *d)
{
	char left[128];
	int n;

	n = snprintf(left, sizeof(left), "  %c%c%s--%s%s%s", d->short_name ? '-' : ' ', d->short_name ? d->short_name : ' ',
		     d->short_name ? ", " : "  ", d->name, d->metavar ? " " : "", d->metavar ? d->metavar : "");
	if (n >= HELP_COLUMN)
		printf("%s\n%*s", left, HELP_COLUMN, "");
	else
		printf("%-*s", HELP_COLUMN, left);
	print_wrapped(d->help, d->def);
}

/* The variables, wrapped. */
static void print_environment(void)
{
	size_t i, col = 0;

	printf("\nEvery option can also be set by environment, PROVISION_HEADERS_<OPTION> with '_' for '-'\n"
	       "(the command line wins): flags take 1/0, true/false or yes/no; --cache-dir, --keyring and\n"
	       "--bank are ':' separated, --mirror ';' separated, --strategy ',' separated. -q and -v are\n"
	       "PROVISION_HEADERS_VERBOSITY=quiet|normal|verbose. An empty or unknown PROVISION_HEADERS_*\n"
	       "variable is an error. The variables:\n");
	for (i = 0; i < ARRAY_SIZE(optable); i++) {
		char name[64];
		size_t len;

		optable_env_name(&optable[i], name, sizeof(name));
		if (!name[0] || (optable[i].flags & OPTF_HIDDEN))
			continue;
		len = strlen(name) + 1;
		if (col + len > 100) {
			printf("\n");
			col = 0;
		}
		printf("%s%s", col ? " " : "", name);
		col += len;
	}
	printf("\n");
}

static void print_warm_help(void)
{
	printf("Usage: provision-headers warm [OPTIONS] [RELEASE...] [--kernels-from FILE]\n"
	       "                              [--distro ID:VERSION --latest N|all [--series X.Y] [--flavour F]]\n"
	       "                              [--arch amd64,arm64]\n"
	       "Provisions exact headers for each kernel RELEASE (as uname -r prints it) into --output, to be\n"
	       "used later as a warmed cache (--cache-dir) or mounted as the output, e.g. in an image build.\n"
	       "With --cache-dir DIR, each tree is also stored in DIR's content-addressed store (identical\n"
	       "files once, hardlinked; see cache --help); a tree already there is not fetched again.\n"
	       "The default strategies are cache,host,distro: a cache holds exact trees, no close matches\n"
	       "unless --strategy asks. The exit code is the worst of the releases; with --json, one status\n"
	       "object per release. Options as for provision-headers (provision-headers --help).\n"
	       "\n"
	       "Which kernels (each once, whichever way it is named):\n"
	       "  RELEASE...           named on the command line\n"
	       "  --kernels-from FILE  one a line ('#' comments, blank lines ignored), or blank separated as\n"
	       "                       kubectl get nodes -o jsonpath='{..kernelVersion}' prints them; - is stdin.\n"
	       "                       A line that is no release: exit 2, naming FILE:LINE\n"
	       "  --latest N|all       the N newest (or every) kernel of each series whose header packages\n"
	       "                       the repositories hold: the host's apt sources, or --mirror 'URL SUITE COMP'\n"
	       "  --series X.Y         --latest within this series only\n"
	       "  --flavour F          --latest of flavour F (cloud) instead of the default (Debian: amd64)\n"
	       "  --distro ID:VERSION  the distribution the kernels are for (debian:12): its data file in\n"
	       "                       distros/, whatever this machine's os-release says\n"
	       "  --arch LIST          for these architectures (amd64,arm64; x86_64,aarch64 alike; default:\n"
	       "                       this machine's): packages from binary-<arch>, trees keeping arch/<arch>;\n"
	       "                       a named release goes to the --arch its name ends with (...-arm64)\n"
	       "With --kernels-from, --latest or --arch, the chosen kernels are printed first, one\n"
	       "\"RELEASE ARCH\" a line on stdout (with --json, in the log instead).\n"
	       "\n"
	       "  --jobs N             at most N package downloads at once in the whole warm (default 4;\n"
	       "                       1: strictly one at a time), each still checked against its index\n"
	       "A warm that is stopped (killed, --deadline) can be run again: with --cache-dir, the kernels\n"
	       "it stored are not fetched again.\n");
}

static void print_status_help(void)
{
	printf("Usage: provision-headers status [--json] [--host-root DIR] [--kernel-release R]\n"
	       "Shows what the tool believes about the kernel and exits: release, machine and arch,\n"
	       "LINUX_VERSION_CODE and where it was read, distribution, config source, BTF, host root.\n"
	       "Touches nothing. Also: provision-headers --print-kernel.\n");
}

static void print_cache_help(void)
{
	printf("Usage: provision-headers cache ls|verify|prune --cache-dir DIR [OPTIONS]\n"
	       "The store a warm with --cache-dir DIR fills: each distinct file once (by SHA-256) under\n"
	       "DIR/objects, each kernel's tree of hardlinks under DIR/trees, and DIR/index.json.\n"
	       "  ls      kernel, arch, bytes, bytes no other tree shares, exactness and age (--json: one object)\n"
	       "  verify  hashes every object and checks every tree against the index; names each problem.\n"
	       "          Exit 0: all good; 4: a problem was found; 3: no store at DIR.\n"
	       "  prune   removes the trees not kept (--keep R1,R2, --keep-from FILE) or older than\n"
	       "          --older-than DAYS, then every object no tree uses; prints each removal\n"
	       "          (--dry-run: prints, removes nothing).\n");
}

void options_print_help(const char *topic)
{
	size_t i;

	if (topic && strcmp(topic, "warm") == 0) {
		print_warm_help();
		return;
	}
	if (topic && strcmp(topic, "status") == 0) {
		print_status_help();
		return;
	}
	if (topic && strcmp(topic, "cache") == 0) {
		print_cache_help();
		return;
	}
	printf("Usage: provision-headers [OPTIONS]\n"
	       "       provision-headers status [--json]\n"
	       "       provision-headers warm [OPTIONS] RELEASE...   (fill --output as a cache, e.g. in an image build)\n"
	       "       provision-headers cache ls|verify|prune --cache-dir DIR   (the store warm fills)\n"
	       "       provision-headers help [warm|status|cache]\n"
	       "Makes kernel headers matching the running kernel appear in OUTPUT/<release>/build.\n"
	       "\n");
	for (i = 0; i < ARRAY_SIZE(optable); i++)
		if (!(optable[i].flags & (OPTF_ENV_ONLY | OPTF_HIDDEN)))
			print_option(&optable[i]);
	print_environment();
	printf("\nExit codes: 0 ok, 1 internal, 2 usage, 3 no headers, 4 verification, 5 network,\n"
	       "6 output volume, 7 validation, 8 bad input. See README.md.\n");
}

void options_print_table(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(optable); i++) {
		const struct opt_def *d = &optable[i];
		char env[64];

		if (d->flags & OPTF_HIDDEN)
			continue;
		optable_env_name(d, env, sizeof(env));
		printf("%s%s\t%s%c\t%s\t%s", d->flags & OPTF_ENV_ONLY ? "" : "--", d->flags & OPTF_ENV_ONLY ? "-" : d->name,
		       d->short_name ? "-" : "", d->short_name ? d->short_name : '-', env[0] ? env : "-",
		       optable_type_name(d->type));
		if (d->type == OPT_T_ENUM) {
			const char *const *v;

			for (v = d->values; *v; v++)
				printf("%c%s", v == d->values ? ':' : '|', *v);
			if (d->max > 0)
				printf("|%ld..%ld", d->min, d->max);
		}
		printf("\t%s\n", d->def ? d->def : "-");
	}
}
