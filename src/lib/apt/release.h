/* An apt repository's Release file: the hash list of its indexes. */
#ifndef PH_APT_RELEASE_H
#define PH_APT_RELEASE_H

#include <stddef.h>

struct release_entry {
	char sha256[65];
	unsigned long long size;
	char path[256];
};

struct apt_release {
	struct release_entry *entries;
	size_t n;
	char suite[128];
	char codename[128];
};

/* -EINVAL (why) when the Release has no SHA256 list. */
int apt_release_parse(const char *text, struct apt_release *r, char *why, size_t whylen);
const struct release_entry *apt_release_find(const struct apt_release *r, const char *path);
void apt_release_free(struct apt_release *r);

#endif
