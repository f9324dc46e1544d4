/* Which data file of distros/ a host's os-release chooses: ID over the
 * words of ID_LIKE (the first one first) over PLATFORM_ID, and
 * version_ids limiting a file to some VERSION_IDs. The real files of the
 * source tree, copied to a scratch data folder. */
#include "lib/distro/distrodef.h"
#include "lib/kernel/osrelease.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char data[] = "/tmp/distromatch_test.XXXXXX";

static const char *chosen(const char *os_text)
{
	static struct distro_def def;
	struct os_release os;
	char why[1024];

	os_release_parse(os_text, &os);
	if (distrodef_load(data, &os, &def, why, sizeof(why)) < 0)
		return "(none)";
	return def.name;
}

static void write_def(const char *file, const char *json)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/distros/%s", data, file);
	f = fopen(path, "we");
	if (f) {
		fputs(json, f);
		fclose(f);
	}
}

int main(void)
{
	char path[4200];

	ok(mkdtemp(data) != NULL, "a scratch data folder");
	snprintf(path, sizeof(path), "%s/distros", data);
	ok(mkdir(path, 0755) == 0, "with distros/");
	write_def("amzn.json", "{\"name\":\"AL2023\",\"package_manager\":\"rpm\",\"match_ids\":[\"amzn\"],"
			       "\"version_ids\":[\"2023*\"],\"platform_ids\":[\"platform:al2023\"],"
			       "\"header_package\":\"kernel-devel\",\"index_patterns\":[\"kernel*\"],\"repo_dirs\":[\"/r\"]}");
	write_def("fedora.json", "{\"name\":\"Fedora\",\"package_manager\":\"rpm\",\"match_ids\":[\"fedora\"],"
				 "\"header_package\":\"kernel-devel\",\"index_patterns\":[\"kernel*\"],\"repo_dirs\":[\"/r\"]}");
	write_def("rhel.json", "{\"name\":\"RHEL\",\"package_manager\":\"rpm\",\"match_ids\":[\"rhel\",\"rocky\"],"
			       "\"platform_ids\":[\"platform:el9\"],\"header_package\":\"kernel-devel\","
			       "\"header_packages\":[\"kernel-uek-devel\"],\"release_provide\":\"kernel*-devel-uname-r\","
			       "\"index_patterns\":[\"kernel*\"],\"repo_dirs\":[\"/etc/yum.repos.d\"],"
			       "\"vars_dirs\":[\"/etc/dnf/vars\"],\"releasever\":\"{version_id_major}\"}");
	write_def("debian.json", "{\"name\":\"Debian\",\"package_manager\":\"apt\",\"match_ids\":[\"debian\"],"
				 "\"header_package\":\"linux-headers-{release}\",\"follow_depends\":[],"
				 "\"index_patterns\":[\"linux-headers-*\"],\"components\":[\"main\"]}");

	is_str(chosen("ID=rocky\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=9.4\n"), "RHEL", "Rocky: by its ID");
	is_str(chosen("ID=eurolinux\nID_LIKE=\"rhel fedora centos\"\nVERSION_ID=9\n"), "RHEL",
	       "an unknown rebuild: the first word of ID_LIKE wins over a later one");
	is_str(chosen("ID=nobara\nID_LIKE=\"fedora rhel\"\n"), "Fedora", "...in its order");
	is_str(chosen("ID=somerebuild\nPLATFORM_ID=\"platform:el9\"\n"), "RHEL", "PLATFORM_ID alone chooses");
	is_str(chosen("ID=amzn\nID_LIKE=fedora\nVERSION_ID=2023\nPLATFORM_ID=\"platform:al2023\"\n"), "AL2023",
	       "Amazon Linux 2023 by its ID");
	is_str(chosen("ID=amzn\nID_LIKE=\"centos rhel fedora\"\nVERSION_ID=2\n"), "RHEL",
	       "Amazon Linux 2 is not 2023: version_ids leave it to ID_LIKE");
	is_str(chosen("ID=gentoo\n"), "(none)", "no file: none");
	write_def("suse.json", "{\"name\":\"SUSE\",\"package_manager\":\"rpm\",\"match_ids\":[\"opensuse-leap\",\"sles\",\"suse\"],"
			       "\"header_package\":\"kernel-{flavour}-devel\",\"flavour_separator\":\"-\","
			       "\"companion_package\":\"kernel-devel\","
			       "\"build_dir_template\":\"usr/src/linux-{version}-obj/{arch}/{flavour}\","
			       "\"source_dir_template\":\"usr/src/linux-{version}\",\"arch_names\":[\"aarch64=arm64\"],"
			       "\"variant_flavours\":[\"azure\",\"rt\"],"
			       "\"index_patterns\":[\"kernel-devel\",\"kernel-*-devel\"],\"repo_dirs\":[\"/etc/zypp/repos.d\"]}");
	is_str(chosen("ID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\nVERSION_ID=\"15.6\"\n"), "SUSE", "openSUSE Leap by its ID");
	is_str(chosen("ID=\"sled\"\nID_LIKE=\"suse\"\nVERSION_ID=\"15.6\"\n"), "SUSE", "SLED through ID_LIKE suse");
	{
		struct os_release os;
		struct distro_def def;
		char why[1024];

		os_release_parse("ID=rocky\n", &os);
		ok(distrodef_load(data, &os, &def, why, sizeof(why)) == 0, "the rpm file loads");
		is_str(def.header_packages[0], "kernel-uek-devel", "header_packages");
		ok(def.header_packages[1] == NULL, "...NULL-terminated");
		is_str(def.release_provide, "kernel*-devel-uname-r", "release_provide");
		is_str(def.repo_dirs[0], "/etc/yum.repos.d", "repo_dirs");
		is_str(def.vars_dirs[0], "/etc/dnf/vars", "vars_dirs");
		is_str(def.releasever, "{version_id_major}", "releasever");
		ok(def.components[0] == NULL, "components are not required of an rpm file");
		write_def("bad.json", "{\"name\":\"Bad\",\"package_manager\":\"rpm\",\"match_ids\":[\"bad\"],"
				      "\"header_package\":\"kernel-devel\",\"index_patterns\":[\"kernel*\"]}");
		os_release_parse("ID=debian\n", &os);
		is_int(distrodef_load(data, &os, &def, why, sizeof(why)), -EINVAL, "an rpm file without repo_dirs is malformed");
		ok(strstr(why, "repo_dirs") != NULL, "...saying what is missing");
		unlink(strcat(strcpy(path, data), "/distros/bad.json"));
		os_release_parse("ID=sles\n", &os);
		ok(distrodef_load(data, &os, &def, why, sizeof(why)) == 0, "the SUSE file loads");
		is_str(def.flavour_separator, "-", "flavour_separator");
		is_str(def.companion_package, "kernel-devel", "companion_package");
		is_str(def.build_dir_template, "usr/src/linux-{version}-obj/{arch}/{flavour}", "build_dir_template");
		is_str(def.source_dir_template, "usr/src/linux-{version}", "source_dir_template");
		ok(def.arch_names[0] && strcmp(def.arch_names[0], "aarch64=arm64") == 0 && !def.arch_names[1], "arch_names");
		ok(def.variant_flavours[1] && strcmp(def.variant_flavours[1], "rt") == 0 && !def.variant_flavours[2],
		   "variant_flavours");
		os_release_parse("ID=rocky\n", &os);
		ok(distrodef_load(data, &os, &def, why, sizeof(why)) == 0 && !def.companion_package[0] &&
			   !def.build_dir_template[0] && !def.flavour_separator[0],
		   "a file without them: no companion, no folders (the tree found by release), '+' by default");
		write_def("bad.json", "{\"name\":\"Bad\",\"package_manager\":\"rpm\",\"match_ids\":[\"bad\"],"
				      "\"header_package\":\"k\",\"index_patterns\":[\"k\"],\"repo_dirs\":[\"/r\"],"
				      "\"flavour_separator\":\"--\"}");
		os_release_parse("ID=debian\n", &os);
		is_int(distrodef_load(data, &os, &def, why, sizeof(why)), -EINVAL, "a flavour_separator of two characters is malformed");
		write_def("bad.json", "{\"name\":\"Bad\",\"package_manager\":\"rpm\",\"match_ids\":[\"bad\"],"
				      "\"header_package\":\"k\",\"index_patterns\":[\"k\"],\"repo_dirs\":[\"/r\"],"
				      "\"companion_package\":\"kernel-devel\"}");
		is_int(distrodef_load(data, &os, &def, why, sizeof(why)), -EINVAL, "a companion_package without build_dir_template");
		ok(strstr(why, "build_dir_template") != NULL, "...saying what is missing: %s", why);
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", data);
	ok(system(path) == 0, "scratch folder removed");
	return tap_done();
}
