/* A distros/ definition file (data, but it names templates that become
 * URLs and paths) and template expansion. */
#include "fuzz_common.h"
#include "lib/distro/distrodef.h"
#include "lib/kernel/osrelease.h"
#include "util/fs.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64], file[96];
	struct distro_def def;
	struct os_release os;
	char why[512], out[1024];
	char *text;
	FILE *f;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/ph-fuzz-distrodef.%d", (int)getpid());
		mkdir(dir, 0700);
		snprintf(file, sizeof(file), "%s/distros", dir);
		mkdir(file, 0700);
		snprintf(file, sizeof(file), "%s/distros/fuzz.json", dir);
	}
	f = fopen(file, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	memset(&os, 0, sizeof(os));
	snprintf(os.id, sizeof(os.id), "fuzz");
	memset(&def, 0, sizeof(def));
	distrodef_load_named(dir, "fuzz", &def, why, sizeof(why));
	memset(&def, 0, sizeof(def));
	distrodef_load(dir, &os, &def, why, sizeof(why));
	text = fuzz_text(data, size);
	if (text) {
		distrodef_expand(text, "6.1.0-9-amd64", "bookworm", out, sizeof(out));
		free(text);
	}
	return 0;
}
