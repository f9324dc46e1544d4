/* The option table and its parser: the table is consistent, its defaults
 * agree with the libraries' own, sizes never wrap, typos get a hint. */
#include "lib/archive/unpack.h"
#include "lib/net/fetch.h"
#include "strategies/strategy.h"
#include "tool/cli.h"
#include "tool/optable.h"
#include "tool/validate.h"
#include "util/macro.h"
#include "util/suggest.h"
#include "tap.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <stdlib.h>

static struct options o;
static char err[512];

/* options_parse on a NULL-terminated list of arguments. */
static int parse(const char *first, ...)
{
	char *argv[16] = { "provision-headers" };
	int argc = 1;
	va_list ap;
	const char *a;

	va_start(ap, first);
	for (a = first; a && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	err[0] = '\0';
	return options_parse(argc, argv, &o, err, sizeof(err));
}

int main(void)
{
	struct fetch_opts fo;
	size_t i;
	int consistent = 1;

	clearenv();
	for (i = 0; i < ARRAY_SIZE(optable); i++)
		if (optable[i].id != (enum opt_id)i || !optable[i].name || !optable[i].help)
			consistent = 0;
	ok(consistent, "every row of the table sits at its id and has a name and help");
	for (i = 0; optable[OPT_REQUIRE].values[i]; i++) {
		enum require_level level;

		ok(validate_parse_require(optable[OPT_REQUIRE].values[i], &level) == 0, "--require %s is a level validate.c knows",
		   optable[OPT_REQUIRE].values[i]);
	}

	/* Defaults: written once, in the table, and the libraries agree. */
	is_int(parse(NULL), 0, "no arguments, no environment: parses");
	fetch_opts_defaults(&fo);
	is_int(o.connect_timeout_s, fo.connect_timeout_s, "--connect-timeout default equals fetch.c's");
	is_int(o.stall_timeout_s, fo.stall_timeout_s, "--stall-timeout default equals fetch.c's");
	is_int(o.retries, fo.attempts, "--retries default equals fetch.c's attempts");
	ok(o.max_tree_bytes == UNPACK_DEFAULT_MAX_BYTES, "--max-tree-size default equals unpack.h's");
	is_str(o.output, PH_DEFAULT_OUTPUT, "--output default");
	is_str(o.strategy_list, strategy_default_order, "--strategy default is the registry's order");
	for (i = 0; i < (size_t)o.n_strategies; i++)
		ok(strategy_by_name(o.strategies[i]) != NULL, "default strategy %s exists", o.strategies[i]);
	is_int(o.require, REQUIRE_NO_MISMATCH, "--require default");
	is_int(o.verbosity, 1, "verbosity default is normal");

	/* Sizes: suffixes, and no wrap past 64 bits. */
	is_int(parse("--max-tree-size", "1T", NULL), 0, "1T parses");
	ok(o.max_tree_bytes == 1ULL << 40, "1T is 2^40 bytes");
	is_int(parse("--max-tree-size", "17179869183G", NULL), 0, "the largest whole number of GiB that fits parses");
	is_int(parse("--max-tree-size", "17179869184G", NULL), -EINVAL, "2^64 bytes is refused");
	is_int(parse("--max-tree-size", "17179869185G", NULL), -EINVAL, "17179869185G is refused, not 1 GiB");
	ok(strstr(err, "--max-tree-size") && strstr(err, "too large"), "...naming the option: %s", err);
	is_int(parse("--max-tree-size", "99999999999999999999", NULL), -EINVAL, "a byte count past 64 bits is refused");
	is_int(parse("--max-tree-size", "-1", NULL), -EINVAL, "a negative size is refused");
	is_int(parse("--max-tree-size", "0", NULL), -EINVAL, "a zero size is refused");
	is_int(parse("--retries", "4x", NULL), -EINVAL, "a count with trailing text is refused");
	is_int(parse("--stall-timeout", "99999999999999999999", NULL), -EINVAL, "seconds past a long are refused");

	/* Suggestions. */
	{
		const char *strategies[] = { "cache", "host", "kheaders", "distro", "close-match" };

		is_str(suggest_nearest("closematch", strategies, 5), "close-match", "closematch -> close-match");
		is_str(suggest_nearest("hots", strategies, 5), "host", "hots -> host (a swap is one edit)");
		ok(suggest_nearest("xyz", strategies, 5) == NULL, "nothing near xyz");
		is_int(suggest_distance("kitten", "sitting"), 3, "kitten/sitting: 3 edits");
	}
	return tap_done();
}
