/* Debian package versions. */
#ifndef PH_APT_DEBVERSION_H
#define PH_APT_DEBVERSION_H

/* dpkg's version ordering: <0, 0, >0. */
int deb_version_compare(const char *a, const char *b);

#endif
