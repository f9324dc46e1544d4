/* The confinement layer against a hostile tree: absolute and climbing
 * symlinks, a symlinked config pointing at /proc/self/environ, a
 * dangling link where a file is created. The kernel's resolution
 * (openat2) and the user-space walk must agree on every case. */
#include "util/confine.h"
#include "util/fs.h"
#include "util/path.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char top[PATH_MAX], root[PATH_MAX], outside[PATH_MAX];
static int root_fd;

static void put(const char *base, const char *rel, const char *text)
{
	char p[PATH_MAX];
	int fd;

	path_join(p, base, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		fs_write_all(fd, text, strlen(text));
		close(fd);
	}
}

static void link_at(const char *target, const char *rel)
{
	char p[PATH_MAX];

	path_join(p, root, rel);
	if (symlink(target, p) < 0)
		perror(p);
}

static void dir_at(const char *base, const char *rel)
{
	char p[PATH_MAX];

	path_join(p, base, rel);
	mkdir(p, 0755);
}

/* What an open gave: the file's first bytes, or the error. */
static void outcome(int fd, char *buf, size_t size)
{
	ssize_t n;

	if (fd < 0) {
		snprintf(buf, size, "error %s", strerror(-fd));
		return;
	}
	n = read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	if (n < 0)
		snprintf(buf, size, "opened, not readable");
	close(fd);
}

static void check(const char *path, int flags, enum confine_mode how, const char *want, const char *name)
{
	char by_kernel[128], by_walk[128];
	int fd = confine_open(root_fd, path, flags, 0644, how);

	outcome(fd, by_kernel, sizeof(by_kernel));
	if (fd >= 0 && (flags & O_CREAT))
		unlinkat(root_fd, path, 0); /* what the first one made, so the second can make it too */
	outcome(confine_open_walk(root_fd, path, flags, 0644, how), by_walk, sizeof(by_walk));
	is_str(by_kernel, want, name);
	is_str(by_walk, want, "  the user-space walk agrees");
}

static void setup(void)
{
	char target[PATH_MAX];

	path_join(root, top, "root");
	path_join(outside, top, "outside");
	mkdir(root, 0755);
	mkdir(outside, 0755);
	put(outside, "secret", "SECRET");
	dir_at(root, "etc");
	dir_at(root, "boot");
	dir_at(root, "dir");
	dir_at(root, "outside");
	put(root, "etc/os-release", "ID=debian");
	put(root, "outside/secret", "inside-copy");
	put(root, "file", "plain");
	path_join(target, outside, "secret");
	link_at(target, "abs");             /* absolute, to the real outside */
	link_at("../outside/secret", "rel"); /* climbs above the root */
	link_at("../file", "dir/up");        /* stays inside */
	link_at("/proc/self/environ", "boot/config-x");
	link_at("/etc/os-release", "os");
	path_join(target, outside, "created");
	link_at(target, "dangling");
	link_at("loop2", "loop1");
	link_at("loop1", "loop2");
}

int main(void)
{
	char p[PATH_MAX];

	snprintf(top, sizeof(top), "/tmp/ph-confine-test.XXXXXX");
	if (!mkdtemp(top))
		return 1;
	setup();
	root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	check("file", O_RDONLY, CONFINE_IN_ROOT, "plain", "a plain file opens");
	check("/etc/os-release", O_RDONLY, CONFINE_IN_ROOT, "ID=debian", "an absolute path is taken under the root");
	check("os", O_RDONLY, CONFINE_IN_ROOT, "ID=debian", "an absolute symlink is re-rooted (in-root)");
	check("abs", O_RDONLY, CONFINE_IN_ROOT, "error No such file or directory",
	      "an absolute symlink to the real outside finds nothing under the root");
	check("rel", O_RDONLY, CONFINE_IN_ROOT, "inside-copy", "a climbing relative symlink stops at the root");
	check("../../outside/secret", O_RDONLY, CONFINE_IN_ROOT, "inside-copy", "a climbing path stops at the root");
	check("boot/config-x", O_RDONLY, CONFINE_IN_ROOT, "error No such file or directory",
	      "a config symlinked to /proc/self/environ never reaches this process's environment");
	check("dir/up", O_RDONLY, CONFINE_BENEATH, "plain", "a relative symlink inside is followed (beneath)");
	check("abs", O_RDONLY, CONFINE_BENEATH, "error Invalid cross-device link", "an absolute symlink is refused (beneath)");
	check("rel", O_RDONLY, CONFINE_BENEATH, "error Invalid cross-device link", "a climbing symlink is refused (beneath)");
	check("../outside/secret", O_RDONLY, CONFINE_BENEATH, "error Invalid cross-device link",
	      "a climbing path is refused (beneath)");
	check("dir/up", O_RDONLY, CONFINE_BENEATH_NO_SYMLINKS, "error Too many levels of symbolic links",
	      "no symlink at all where none is legitimate");
	check("dir/up", O_PATH | O_NOFOLLOW, CONFINE_BENEATH, "opened, not readable",
	      "O_PATH with O_NOFOLLOW opens a final symlink itself (beneath)");
	check("abs", O_PATH | O_NOFOLLOW, CONFINE_IN_ROOT, "opened, not readable",
	      "...even one that points outside (in-root), since nothing is followed");
	check("dir/up", O_NOFOLLOW | O_RDONLY, CONFINE_BENEATH, "error Too many levels of symbolic links",
	      "O_NOFOLLOW without O_PATH refuses a final symlink");
	check("loop1", O_RDONLY, CONFINE_IN_ROOT, "error Too many levels of symbolic links", "a symlink loop ends");
	check("dangling", O_WRONLY | O_CREAT | O_EXCL, CONFINE_IN_ROOT, "error File exists",
	      "a file is never created through a dangling symlink (in-root, O_EXCL)");
	check("dangling", O_WRONLY | O_CREAT, CONFINE_BENEATH, "error Too many levels of symbolic links",
	      "nor beneath");
	path_join(p, outside, "created");
	ok(access(p, F_OK) < 0, "nothing was created outside");
	check("dir/new", O_WRONLY | O_CREAT | O_EXCL, CONFINE_BENEATH_NO_SYMLINKS, "opened, not readable",
	      "a new file is created inside");
	close(root_fd);
	fs_rm_rf(top);
	return tap_done();
}
