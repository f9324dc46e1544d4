/* warm's selection: the releases of a --kernels-from text, and the
 * architecture a named release is for. */
#include "tool/warmsel.h"

#include "lib/apt/pkglist.h"
#include "strategies/distro_state.h"
#include "strategies/options.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	struct warm_list l = { 0 };
	struct options o;
	const struct warm_kernel *a, *b;
	char why[256] = "";

	is_int(warmsel_parse("# fleet\n6.1.0-56-amd64\n\n  6.1.0-55-amd64\t# canary\r\n6.1.0-56-amd64\n"
			     "6.1.0-54-amd64 6.1.0-56-amd64 6.1.0-54-amd64",
			     "k", "x86_64", &l, why, sizeof(why)),
	       0, "comments, blank lines, CRLF and kubectl's one-line form parse");
	is_int((int)l.n, 3, "...each release once");
	is_str(l.n == 3 ? l.k[2].release : "", "6.1.0-54-amd64", "...in the order first named");
	is_str(l.n == 3 ? l.k[0].machine : "", "x86_64", "...for the machine given");
	ok(!warmsel_two_machines(&l, &a, &b), "each release for one machine: no release for two");
	is_int(warmsel_add(&l, "6.1.0-56-amd64", "aarch64"), 1, "the same release for another machine is another kernel");
	ok(warmsel_two_machines(&l, &a, &b) && strcmp(a->release, "6.1.0-56-amd64") == 0 &&
	   strcmp(a->machine, "x86_64") == 0 && strcmp(b->machine, "aarch64") == 0,
	   "...which warm refuses: one release for two machines is found");
	warmsel_free(&l);

	is_int(warmsel_parse("6.1.0-56-amd64\n\n6.1.0-55-amd64$(reboot)\n", "f", "x86_64", &l, why, sizeof(why)), -EINVAL,
	       "a line with a character no release has is refused");
	is_str(why,
	       "f:3: word 1 is not a kernel release (it contains a character other than letters, digits and . _ + ~ -: byte 0x24 "
	       "at character 15)",
	       "...naming FILE:LINE, the word's number and its first bad byte, not the word");
	warmsel_free(&l);
	is_int(warmsel_parse("root:$6$saltsalt$SECRETHASHSECRETHASH:19000:0:99999:7:::\n", "shadow", "x86_64", &l, why,
			     sizeof(why)),
	       -EINVAL, "a shadow-like file is refused");
	ok(!strstr(why, "saltsalt") && !strstr(why, "SECRET") && !strstr(why, "root") && strstr(why, "shadow:1: word 1 ") == why,
	   "...without a piece of its line in the message (%s)", why);
	warmsel_free(&l);
	is_int(warmsel_parse("6.1.0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "f", "x86_64", &l,
			     why, sizeof(why)),
	       -EINVAL, "a release longer than 64 characters is refused");
	ok(strstr(why, "f:1: ") == why && strstr(why, "longer than 64 characters"), "...naming FILE:LINE (%s)", why);
	warmsel_free(&l);
	is_int(warmsel_parse("notaversion\n", "f", "x86_64", &l, why, sizeof(why)), -EINVAL, "a word with no version is refused");
	warmsel_free(&l);
	is_int(warmsel_parse("# nothing\n\n", "f", "x86_64", &l, why, sizeof(why)), 0, "a list of comments only parses");
	is_int((int)l.n, 0, "...to no kernel");
	warmsel_free(&l);

	memset(&o, 0, sizeof(o));
	o.arches[0] = "x86_64";
	o.arches[1] = "aarch64";
	o.n_arches = 2;
	is_str(warmsel_machine_of(&o, "6.1.0-56-arm64"), "aarch64", "-arm64 is for aarch64");
	is_str(warmsel_machine_of(&o, "6.1.0-56-cloud-amd64"), "x86_64", "-cloud-amd64 is for x86_64");
	is_str(warmsel_machine_of(&o, "5.14.0-427.el9.aarch64"), "aarch64", ".aarch64 (RPM) is for aarch64");
	ok(warmsel_machine_of(&o, "6.1.0-56") == NULL, "a release naming no arch, with two arches: none");
	ok(warmsel_foreign_arch(&o, "x86_64", "6.1.0-56-arm64") == NULL && warmsel_foreign_arch(&o, "x86_64", "6.1.0-56") == NULL,
	   "a release of one of the arches, or naming none, names no other arch");
	o.n_arches = 1;
	is_str(warmsel_machine_of(&o, "6.1.0-56"), "x86_64", "...with one arch: that one");
	o.arches[0] = "aarch64";
	is_str(warmsel_foreign_arch(&o, "x86_64", "6.1.0-56-amd64"), "amd64", "-amd64 with --arch arm64 only: another arch");
	is_str(warmsel_foreign_arch(&o, "x86_64", "5.14.0-427.el9.x86_64"), "x86_64", ".x86_64 (RPM) too");
	ok(warmsel_foreign_arch(&o, "x86_64", "6.1.0-56-cloud-arm64") == NULL &&
	   warmsel_foreign_arch(&o, "x86_64", "6.8.0-45-generic") == NULL,
	   "...not -cloud-arm64, nor a flavour naming no arch");
	o.n_arches = 0;
	is_str(warmsel_foreign_arch(&o, "x86_64", "6.1.0-56-arm64"), "arm64", "without --arch, this machine's only");

	/* --latest takes releases from an index: signed, not trusted. */
	{
		static const char *const names[] = { "linux-headers-6.9.0-1/../../x/1-amd64", "linux-headers-6.9.0-2;id-amd64",
						     "linux-headers-6.9.0-1-amd64", "linux-headers-6.8.0-3-amd64" };
		struct distro_state *st = calloc(1, sizeof(*st));
		struct apt_pkg *p = calloc(4, sizeof(*p));
		size_t i;

		for (i = 0; i < 4; i++) {
			snprintf(p[i].name, sizeof(p[i].name), "%s", names[i]);
			snprintf(p[i].version, sizeof(p[i].version), "%s", i == 3 ? "6.8.0-3" : "6.9.0-1");
		}
		snprintf(st->def.flavour_suffix, sizeof(st->def.flavour_suffix), "-{debarch}");
		st->repo.arch = "amd64";
		st->repo.pkgs.pkgs = p;
		st->repo.pkgs.n = 4;
		memset(&o, 0, sizeof(o));
		o.latest = "all";
		is_int(warmsel_latest(&o, st, "x86_64", &l, why, sizeof(why)), 0, "--latest all over an index with bad names");
		is_int((int)l.n, 2, "...chooses the two real releases only");
		for (i = 0; i < l.n; i++)
			ok(strchr(l.k[i].release, '/') == NULL && strchr(l.k[i].release, ';') == NULL,
			   "...%s is a release", l.k[i].release);
		warmsel_free(&l);
		free(p);
		free(st);
	}
	return tap_done();
}
