/* The host's apt configuration, read as apt reads it, under the host
 * root: one-line sources.list and sources.list.d/NAME.list, deb822
 * sources.list.d/NAME.sources, auth.conf(.d) credentials and the
 * Acquire::http(s)::Proxy settings of apt.conf(.d). */
#ifndef PH_APTSOURCES_H
#define PH_APTSOURCES_H

#include <limits.h>
#include <stddef.h>

struct hostroot;

#define APT_MAX_COMPONENTS 16

struct apt_source {
	char uri[1024];   /* no trailing slash */
	char suite[128];
	char components[APT_MAX_COMPONENTS][64];
	int n_components;
	char archs[128];        /* "amd64,i386" or "" for the host's */
	char signed_by[1024];   /* keyring paths (host paths), space separated, or "" */
	char *signed_by_key;    /* an inline ASCII-armoured key, or NULL */
	int trusted;            /* [trusted=yes]: no signature required */
	char origin[PATH_MAX + 16]; /* file:line it came from, for messages */
};

struct apt_auth {
	char machine[512]; /* host[/path], scheme dropped */
	char login[256];
	char password[256];
};

struct apt_config {
	struct apt_source *sources;
	size_t n_sources;
	struct apt_auth *auth;
	size_t n_auth;
	char http_proxy[512];
	char https_proxy[512];
	/* Called with one line for each file that is left out (too large,
	 * not a regular file, a link out of the host root); the caller logs
	 * it (library code does not). May be NULL. */
	void (*warn)(void *data, const char *line);
	void *warn_data;
};

/* Reads everything under the host root. Files that do not exist are
 * skipped; a malformed line or stanza is an error (-EINVAL) naming the
 * file and line in why. */
int apt_config_read(const struct hostroot *hr, struct apt_config *cfg, char *why, size_t whylen);
void apt_config_free(struct apt_config *cfg);

/* The parsers, exposed for unit tests; origin names the file. */
int apt_parse_one_line(const char *text, const char *origin, struct apt_config *cfg, char *why, size_t whylen);
int apt_parse_deb822(const char *text, const char *origin, struct apt_config *cfg, char *why, size_t whylen);
int apt_parse_auth(const char *text, struct apt_config *cfg);
void apt_parse_conf(const char *text, struct apt_config *cfg);
/* Adds a source from "--mirror URI SUITE [COMPONENT...]". */
int apt_add_mirror(struct apt_config *cfg, const char *spec, char *why, size_t whylen);

/* The "user:password" for uri from auth.conf, or NULL. */
const char *apt_auth_for(const struct apt_config *cfg, const char *uri, char *buf, size_t buflen);

#endif
