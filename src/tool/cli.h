/* The command line and the environment, from the option table
 * (optable.h): parsing, checking, --help and --list-options. Fills the
 * struct options a run works from. */
#ifndef PH_CLI_H
#define PH_CLI_H

#include "strategies/options.h"

#include <stddef.h>

/* 0 on success; -EINVAL with a one-line message in err, naming the
 * option or environment variable, on a usage error. Every value is
 * checked here, before the run does any work. */
int options_parse(int argc, char **argv, struct options *opts, char *err, size_t errlen);
/* topic: NULL (everything), "warm" or "status". */
void options_print_help(const char *topic);
/* One line per option: --name, -x, variable, type, default (tab separated). */
void options_print_table(void);

#endif
