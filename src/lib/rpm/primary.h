/* primary.xml as a stream: fed as it is decompressed (it reaches hundreds
 * of MB), one package at a time handed to the caller, who keeps the few
 * it wants. Never the whole index in memory. */
#ifndef PH_RPM_PRIMARY_H
#define PH_RPM_PRIMARY_H

#include <stddef.h>

#define RPM_MAX_PROVIDES 32

struct rpm_pkg {
	char name[128];
	char arch[32];
	char epoch[16], ver[64], rel[128];
	char location[1024];       /* href, relative to the repository */
	unsigned long long size;   /* of the .rpm */
	char digest_algo[8];       /* "sha256", "sha512" ("" for another) */
	char digest[129];
	char base_uri[1024];       /* set by the reader: base_uri/location */
	char uname_r[256];         /* set by the reader: the kernel release it provides headers for */
	char evr[224];             /* set by the reader: "[epoch:]ver-rel" */
	char own_evrs[400];        /* set by the reader: the "ver-rel" its provides give its own name, ' '-separated
				    * (SUSE's kernel-default-devel = 6.4.0-150600.23.25 beside its 150600.23.25.1) */
	int repo_index;
};

/* "name = ver-rel" of the package's provides ("" when unversioned). */
struct rpm_provide {
	char name[128];
	char evr[192];
};

/* Called at each </package>: return 0 to go on, a negative errno to stop
 * the parse. */
typedef int (*rpm_primary_fn)(void *data, const struct rpm_pkg *pkg, const struct rpm_provide *provides, size_t n);

struct rpm_primary;

struct rpm_primary *rpm_primary_new(rpm_primary_fn fn, void *data);
/* Feeds the next bytes: 0, -EILSEQ for malformed XML, or fn's error. */
int rpm_primary_feed(struct rpm_primary *p, const void *buf, size_t len);
/* Ends the document and frees p: 0, or -EILSEQ (why) when the XML was
 * malformed or cut short, or fn's error. *ret_packages (may be NULL)
 * counts the packages read. */
int rpm_primary_finish(struct rpm_primary *p, unsigned long long *ret_packages, char *why, size_t whylen);

#endif
