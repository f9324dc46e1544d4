#include "strategies/strategy.h"

#include <string.h>

const char strategy_default_order[] = "cache,host,kheaders,distro,close-match";

static const struct strategy *const all_strategies[] = {
	&strategy_cache,
	&strategy_host,
	&strategy_kheaders,
	&strategy_distro,
	&strategy_closematch,
};

const struct strategy *strategy_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(all_strategies) / sizeof(all_strategies[0]); i++)
		if (strcmp(all_strategies[i]->name, name) == 0)
			return all_strategies[i];
	return NULL;
}
