#include "tool/termlog.h"

#include "util/json.h"

#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void termlog_line(json_object *status, int code, const char *last_error, char *out, size_t outlen)
{
	const char *release = json_get_string(status, "release", "?");
	json_object *exact = NULL, *validation = NULL;

	if (code != 0) {
		snprintf(out, outlen, "exit %d: %s: %s", code, release, last_error ? last_error : "failed");
		return;
	}
	json_object_object_get_ex(status, "exact", &exact);
	json_object_object_get_ex(status, "validation", &validation);
	snprintf(out, outlen, "ok: %s: %s by %s (%s, validation %s): %s", release, json_get_string(status, "result", "done"),
		 json_get_string(status, "strategy", "?"),
		 !exact ? "exactness unknown" : json_object_get_boolean(exact) ? "exact" : "approximate",
		 json_get_string(validation, "verdict", "not run"), json_get_string(status, "tree", "?"));
}

int termlog_write(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644), ret;

	if (fd < 0)
		return -errno;
	ret = fs_write_all(fd, line, strlen(line));
	if (ret == 0)
		ret = fs_write_all(fd, "\n", 1);
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}
