#include "tool/listdistros.h"

#include "lib/distro/distrodef.h"
#include "strategies/options.h"
#include "tool/exitcodes.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

static void join(const char *const *list, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (; list && *list && o < len; list++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", o ? " " : "", *list);
}

static void print_def(void *data, const struct distro_def *def, const char *const *ids)
{
	char id_list[512], pkgs[512];
	size_t o;

	(void)data;
	join(ids, id_list, sizeof(id_list));
	o = (size_t)snprintf(pkgs, sizeof(pkgs), "%s", def->header_package);
	if (def->header_packages[0] && o < sizeof(pkgs)) {
		pkgs[o++] = ' ';
		join(def->header_packages, pkgs + o, sizeof(pkgs) - o);
		o = strlen(pkgs);
	}
	/* The other half of a split tree (SUSE's kernel-devel). */
	if (def->companion_package[0] && o < sizeof(pkgs))
		snprintf(pkgs + o, sizeof(pkgs) - o, " + %s", def->companion_package);
	printf("%-24s %-7s %-36s %s\n", def->name, def->package_manager, id_list, pkgs);
}

int list_distros(const struct options *opts)
{
	char data_dir[PATH_MAX], why[1024] = "";

	if (distrodef_data_dir(opts->data_dir, data_dir) < 0) {
		fprintf(stderr, "provision-headers: --list-distros: no data folder\n");
		return PH_EXIT_USAGE;
	}
	printf("%-24s %-7s %-36s %s\n", "DISTRIBUTION", "PM", "OS-RELEASE IDS", "HEADER PACKAGES");
	if (distrodef_each(data_dir, print_def, NULL, why, sizeof(why)) < 0) {
		fprintf(stderr, "provision-headers: --list-distros: %s\n", why);
		return PH_EXIT_USAGE;
	}
	return PH_EXIT_OK;
}
