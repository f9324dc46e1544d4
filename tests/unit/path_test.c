#include "util/hostroot.h"
#include "util/path.h"
#include "tap.h"

#include <errno.h>

static const char *rel(const char *from, const char *to)
{
	static char out[PATH_MAX];

	return path_relative(out, from, to) == 0 ? out : "(error)";
}

static const char *norm(const char *in)
{
	static char out[PATH_MAX];

	return path_normalize(out, in) == 0 ? out : "(error)";
}

int main(void)
{
	char out[PATH_MAX], big[PATH_MAX + 10];

	is_str(rel("/a/b", "/a/c/d"), "../c/d", "sibling directory");
	is_str(rel("/a", "/a/b"), "b", "child");
	is_str(rel("/", "/x/y"), "x/y", "from root");
	is_str(rel("/a/bc", "/a/b"), "../b", "common prefix that is not a component");
	is_str(rel("/include/dt-bindings/input", "/include/uapi/linux/input-event-codes.h"),
	       "../../uapi/linux/input-event-codes.h", "dt-bindings style link");
	is_str(rel("/a/b", "/a/b"), ".", "same directory");

	is_str(norm("/a//b/./c/../d"), "/a/b/d", "normalise");
	is_str(norm("/../.."), "/", "dot-dot at root stays at root");
	is_str(norm("/"), "/", "root");
	ok(path_normalize(out, "relative") == -EINVAL, "relative path refused");

	ok(path_join(out, "/", "etc") == 0 && strcmp(out, "/etc") == 0, "join under /");
	ok(path_join(out, "/host/", "/etc/os-release") == 0 && strcmp(out, "/host/etc/os-release") == 0,
	   "join collapses slashes");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(path_join(out, "/x", big) == -ENAMETOOLONG, "overlong path gives -ENAMETOOLONG");

	ok(path_is_within("/a/b/c", "/a/b"), "within");
	ok(!path_is_within("/a/bc", "/a/b"), "not within a longer sibling name");
	ok(path_is_within("/a/b", "/a/b"), "equal counts as within");

	struct hostroot pod, plain;
	ok(hostroot_init(&pod, "/host") == 0 && hostroot_init(&plain, "/") == 0, "host roots");
	is_str(hostroot_host_view(&pod, "/host/boot/config-6.1"), "/boot/config-6.1", "host view strips the root");
	is_str(hostroot_host_view(&pod, "/host"), "/", "the root itself is /");
	is_str(hostroot_host_view(&pod, "/hostile/x"), "/hostile/x", "a sibling with a longer name is not under it");
	is_str(hostroot_host_view(&pod, "/proc/config.gz"), "/proc/config.gz", "a runtime path stays");
	is_str(hostroot_host_view(&plain, "/boot/x"), "/boot/x", "root / changes nothing");
	return tap_done();
}
