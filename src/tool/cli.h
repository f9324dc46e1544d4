/* The command line and the environment: the option table, parsing and
 * --help. Fills the struct options a run works from. */
#ifndef PH_CLI_H
#define PH_CLI_H

#include "strategies/options.h"

#include <stddef.h>

/* 0 on success; -EINVAL with a message in err on a usage error. */
int options_parse(int argc, char **argv, struct options *opts, char *err, size_t errlen);
void options_print_help(void);

#endif
