#include "lib/apt/aptsources.h"

#include "util/fs.h"
#include "util/hostroot.h"
#include "util/path.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int add_source(struct apt_config *cfg, struct apt_source **ret)
{
	struct apt_source *bigger = realloc(cfg->sources, (cfg->n_sources + 1) * sizeof(*bigger));

	if (!bigger)
		return -ENOMEM;
	cfg->sources = bigger;
	*ret = &cfg->sources[cfg->n_sources++];
	memset(*ret, 0, sizeof(**ret));
	return 0;
}

static void set_uri(struct apt_source *s, const char *uri, size_t n)
{
	while (n > 0 && uri[n - 1] == '/')
		n--;
	snprintf(s->uri, sizeof(s->uri), "%.*s", (int)n, uri);
}

/* Copies the next whitespace-separated word of *p into out. */
static int next_word(const char **p, char *out, size_t outlen)
{
	const char *s = *p, *start;
	size_t n;

	while (*s && isspace((unsigned char)*s))
		s++;
	if (!*s)
		return 0;
	start = s;
	while (*s && !isspace((unsigned char)*s))
		s++;
	n = (size_t)(s - start);
	*p = s;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, start, n);
	out[n] = '\0';
	return 1;
}

static int add_component(struct apt_source *s, const char *c, char *why, size_t whylen)
{
	if (s->n_components == APT_MAX_COMPONENTS) {
		snprintf(why, whylen, "%s: more than %d components", s->origin, APT_MAX_COMPONENTS);
		return -EINVAL;
	}
	snprintf(s->components[s->n_components++], sizeof(s->components[0]), "%.63s", c);
	return 0;
}

/* "[ arch=amd64 signed-by=/usr/share/keyrings/x.gpg trusted=yes ]" */
static void parse_options(char *opts, struct apt_source *s)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(opts, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq)
			continue;
		*eq = '\0';
		if (strcmp(tok, "arch") == 0)
			snprintf(s->archs, sizeof(s->archs), "%s", eq + 1);
		else if (strcmp(tok, "signed-by") == 0) {
			char *c;

			snprintf(s->signed_by, sizeof(s->signed_by), "%s", eq + 1);
			for (c = s->signed_by; *c; c++)
				if (*c == ',')
					*c = ' ';
		} else if (strcmp(tok, "trusted") == 0)
			s->trusted = strcmp(eq + 1, "yes") == 0;
	}
}

int apt_parse_one_line(const char *text, const char *origin, struct apt_config *cfg, char *why, size_t whylen)
{
	const char *line = text;
	int lineno = 0;

	while (*line) {
		const char *eol = strchr(line, '\n'), *p;
		char buf[4096], word[1024], *hash;
		struct apt_source *s;
		size_t n;
		int ret;

		lineno++;
		n = eol ? (size_t)(eol - line) : strlen(line);
		snprintf(buf, sizeof(buf), "%.*s", (int)(n < sizeof(buf) ? n : sizeof(buf) - 1), line);
		line = eol ? eol + 1 : line + n;
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		p = buf;
		if (!next_word(&p, word, sizeof(word)))
			continue;
		if (strcmp(word, "deb-src") == 0)
			continue;
		if (strcmp(word, "deb") != 0) {
			snprintf(why, whylen, "%s:%d: expected 'deb' or 'deb-src', got '%s'", origin, lineno, word);
			return -EINVAL;
		}
		ret = add_source(cfg, &s);
		if (ret < 0)
			return ret;
		snprintf(s->origin, sizeof(s->origin), "%s:%d", origin, lineno);
		while (*p && isspace((unsigned char)*p))
			p++;
		if (*p == '[') {
			const char *close = strchr(p, ']');
			char opts[1024];

			if (!close) {
				snprintf(why, whylen, "%s:%d: unterminated '[' options", origin, lineno);
				return -EINVAL;
			}
			snprintf(opts, sizeof(opts), "%.*s", (int)(close - p - 1), p + 1);
			parse_options(opts, s);
			p = close + 1;
		}
		if (!next_word(&p, word, sizeof(word))) {
			snprintf(why, whylen, "%s:%d: missing URI", origin, lineno);
			return -EINVAL;
		}
		set_uri(s, word, strlen(word));
		if (!next_word(&p, s->suite, sizeof(s->suite))) {
			snprintf(why, whylen, "%s:%d: missing suite", origin, lineno);
			return -EINVAL;
		}
		while (next_word(&p, word, sizeof(word)))
			if ((ret = add_component(s, word, why, whylen)) < 0)
				return ret;
	}
	return 0;
}

/* One deb822 field's value, continuation lines joined with '\n' (a
 * lone "." stands for an empty line, as in inline keys). */
struct field {
	char name[64];
	char *value;
};

static void free_fields(struct field *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(f[i].value);
}

static const char *field_get(const struct field *f, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(f[i].name, name) == 0)
			return f[i].value;
	return NULL;
}

static int append_value(struct field *f, const char *text, size_t n, int continuation)
{
	size_t old = f->value ? strlen(f->value) : 0;
	char *bigger = realloc(f->value, old + n + 2);

	if (!bigger)
		return -ENOMEM;
	f->value = bigger;
	if (continuation && old)
		f->value[old++] = '\n';
	if (continuation && n == 1 && text[0] == '.')
		n = 0;
	memcpy(f->value + old, text, n);
	f->value[old + n] = '\0';
	return 0;
}

static int stanza_to_sources(const struct field *f, size_t nf, const char *origin, int lineno,
			     struct apt_config *cfg, char *why, size_t whylen)
{
	const char *types = field_get(f, nf, "Types"), *uris = field_get(f, nf, "URIs");
	const char *suites = field_get(f, nf, "Suites"), *comps = field_get(f, nf, "Components");
	const char *enabled = field_get(f, nf, "Enabled"), *signed_by = field_get(f, nf, "Signed-By");
	const char *archs = field_get(f, nf, "Architectures"), *trusted = field_get(f, nf, "Trusted");
	char uri[1024], suite[128], word[128];
	const char *pu, *ps, *pt;
	int has_deb = 0;

	if (enabled && strcasecmp(enabled, "no") == 0)
		return 0;
	if (!types || !uris || !suites) {
		snprintf(why, whylen, "%s: stanza ending at line %d lacks %s", origin, lineno,
			 !types ? "Types" : !uris ? "URIs" : "Suites");
		return -EINVAL;
	}
	for (pt = types; next_word(&pt, word, sizeof(word));)
		has_deb |= strcmp(word, "deb") == 0;
	if (!has_deb)
		return 0;
	for (pu = uris; next_word(&pu, uri, sizeof(uri));) {
		for (ps = suites; next_word(&ps, suite, sizeof(suite));) {
			struct apt_source *s;
			const char *pc;
			int ret = add_source(cfg, &s);

			if (ret < 0)
				return ret;
			snprintf(s->origin, sizeof(s->origin), "%s:%d", origin, lineno);
			set_uri(s, uri, strlen(uri));
			snprintf(s->suite, sizeof(s->suite), "%s", suite);
			for (pc = comps ? comps : ""; next_word(&pc, word, sizeof(word));)
				if ((ret = add_component(s, word, why, whylen)) < 0)
					return ret;
			if (archs) {
				char *c;

				snprintf(s->archs, sizeof(s->archs), "%s", archs);
				for (c = s->archs; *c; c++)
					if (*c == ' ')
						*c = ',';
			}
			s->trusted = trusted && strcasecmp(trusted, "yes") == 0;
			if (signed_by && strstr(signed_by, "-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
				s->signed_by_key = strdup(signed_by);
				if (!s->signed_by_key)
					return -ENOMEM;
			} else if (signed_by) {
				snprintf(s->signed_by, sizeof(s->signed_by), "%s", signed_by);
			}
		}
	}
	return 0;
}

int apt_parse_deb822(const char *text, const char *origin, struct apt_config *cfg, char *why, size_t whylen)
{
	struct field fields[32];
	size_t nf = 0;
	const char *line = text;
	int lineno = 0, ret = 0;

	memset(fields, 0, sizeof(fields));
	for (;;) {
		const char *eol = *line ? strchr(line, '\n') : NULL;
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		int at_end = !*line;
		const char *colon;

		lineno += !at_end;
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		if (at_end || n == 0) {
			/* A blank line ends a stanza. */
			if (nf > 0)
				ret = stanza_to_sources(fields, nf, origin, lineno, cfg, why, whylen);
			free_fields(fields, nf);
			memset(fields, 0, sizeof(fields));
			nf = 0;
			if (ret < 0 || at_end)
				return ret;
		} else if (line[0] == '#') {
			/* comment */
		} else if (line[0] == ' ' || line[0] == '\t') {
			const char *v = line;

			while (*v == ' ' || *v == '\t')
				v++;
			if (nf == 0) {
				snprintf(why, whylen, "%s:%d: continuation line outside a field", origin, lineno);
				return -EINVAL;
			}
			ret = append_value(&fields[nf - 1], v, n - (size_t)(v - line), 1);
			if (ret < 0)
				break;
		} else {
			const char *v;

			colon = memchr(line, ':', n);
			if (!colon || colon == line || (size_t)(colon - line) >= sizeof(fields[0].name)) {
				snprintf(why, whylen, "%s:%d: expected 'Field: value'", origin, lineno);
				ret = -EINVAL;
				break;
			}
			if (nf == sizeof(fields) / sizeof(fields[0])) {
				snprintf(why, whylen, "%s:%d: too many fields in one stanza", origin, lineno);
				ret = -EINVAL;
				break;
			}
			snprintf(fields[nf].name, sizeof(fields[nf].name), "%.*s", (int)(colon - line), line);
			v = colon + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			ret = append_value(&fields[nf], v, n > (size_t)(v - line) ? n - (size_t)(v - line) : 0, 0);
			nf++;
			if (ret < 0)
				break;
		}
		line = eol ? eol + 1 : line + n;
		if (!eol)
			line = line + strlen(line);
	}
	free_fields(fields, nf);
	return ret;
}

int apt_parse_auth(const char *text, struct apt_config *cfg)
{
	const char *p = text;
	char word[512];
	struct apt_auth *cur = NULL;

	while (next_word(&p, word, sizeof(word))) {
		char value[512];

		if (word[0] == '#') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (!next_word(&p, value, sizeof(value)))
			break;
		if (strcmp(word, "machine") == 0) {
			struct apt_auth *bigger = realloc(cfg->auth, (cfg->n_auth + 1) * sizeof(*bigger));
			const char *m = strstr(value, "://");

			if (!bigger)
				return -ENOMEM;
			cfg->auth = bigger;
			cur = &cfg->auth[cfg->n_auth++];
			memset(cur, 0, sizeof(*cur));
			snprintf(cur->machine, sizeof(cur->machine), "%s", m ? m + 3 : value);
		} else if (cur && strcmp(word, "login") == 0) {
			snprintf(cur->login, sizeof(cur->login), "%.255s", value);
		} else if (cur && strcmp(word, "password") == 0) {
			snprintf(cur->password, sizeof(cur->password), "%.255s", value);
		}
	}
	return 0;
}

const char *apt_auth_for(const struct apt_config *cfg, const char *uri, char *buf, size_t buflen)
{
	const char *hostpart = strstr(uri, "://");
	size_t i, best = 0;
	const struct apt_auth *found = NULL;

	hostpart = hostpart ? hostpart + 3 : uri;
	/* The longest machine entry that prefixes host/path wins. */
	for (i = 0; i < cfg->n_auth; i++) {
		size_t n = strlen(cfg->auth[i].machine);

		while (n > 0 && cfg->auth[i].machine[n - 1] == '/')
			n--;
		if (n > best && strncmp(hostpart, cfg->auth[i].machine, n) == 0 &&
		    (hostpart[n] == '\0' || hostpart[n] == '/' || hostpart[n] == ':')) {
			best = n;
			found = &cfg->auth[i];
		}
	}
	if (!found)
		return NULL;
	snprintf(buf, buflen, "%s:%s", found->login, found->password);
	return buf;
}

/* apt.conf: "Acquire::http::Proxy "url";" in flat or scoped form. */
void apt_parse_conf(const char *text, struct apt_config *cfg)
{
	char scope[8][128];
	int depth = 0;
	char key[512] = "";
	const char *p = text;

	while (*p) {
		if (isspace((unsigned char)*p)) {
			p++;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");

			p = end ? end + 2 : p + strlen(p);
		} else if (*p == '{') {
			if (depth < 8)
				snprintf(scope[depth], sizeof(scope[0]), "%s", key);
			depth++;
			key[0] = '\0';
			p++;
		} else if (*p == '}') {
			if (depth > 0)
				depth--;
			p++;
		} else if (*p == ';') {
			key[0] = '\0';
			p++;
		} else if (*p == '"') {
			const char *end = strchr(p + 1, '"');
			char full[1024] = "", value[512];
			int i;

			if (!end)
				return;
			snprintf(value, sizeof(value), "%.*s", (int)(end - p - 1), p + 1);
			for (i = 0; i < depth && i < 8; i++) {
				strncat(full, scope[i], sizeof(full) - strlen(full) - 3);
				strcat(full, "::");
			}
			strncat(full, key, sizeof(full) - strlen(full) - 1);
			if (strcasecmp(full, "Acquire::http::Proxy") == 0)
				snprintf(cfg->http_proxy, sizeof(cfg->http_proxy), "%s", value);
			else if (strcasecmp(full, "Acquire::https::Proxy") == 0)
				snprintf(cfg->https_proxy, sizeof(cfg->https_proxy), "%s", value);
			p = end + 1;
		} else {
			const char *start = p;

			while (*p && !isspace((unsigned char)*p) && !strchr("{};\"", *p))
				p++;
			snprintf(key, sizeof(key), "%.*s", (int)(p - start), start);
		}
	}
}

int apt_add_mirror(struct apt_config *cfg, const char *spec, char *why, size_t whylen)
{
	const char *p = spec;
	char word[1024];
	struct apt_source *s;
	int ret = add_source(cfg, &s);

	if (ret < 0)
		return ret;
	snprintf(s->origin, sizeof(s->origin), "--mirror %s", spec);
	if (!next_word(&p, word, sizeof(word)) || !strstr(word, "://")) {
		snprintf(why, whylen, "--mirror '%s': expected 'URL SUITE [COMPONENT...]'", spec);
		return -EINVAL;
	}
	set_uri(s, word, strlen(word));
	if (!next_word(&p, s->suite, sizeof(s->suite))) {
		snprintf(why, whylen, "--mirror '%s': missing the suite (e.g. bookworm)", spec);
		return -EINVAL;
	}
	while (next_word(&p, word, sizeof(word)))
		if ((ret = add_component(s, word, why, whylen)) < 0)
			return ret;
	if (s->n_components == 0)
		add_component(s, "main", why, whylen);
	return 0;
}

void apt_config_free(struct apt_config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_sources; i++)
		free(cfg->sources[i].signed_by_key);
	free(cfg->sources);
	free(cfg->auth);
	memset(cfg, 0, sizeof(*cfg));
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

typedef int (*apt_file_fn)(const char *full, const char *text, struct apt_config *cfg, char *why, size_t whylen);

#define APT_FILE_MAX (1 << 20)

/* The text of host_path, opened confined to the host root (a symlink or
 * ".." never leads out of it: util/hostroot.h); full is what messages
 * call it. */
static int read_host_file(const struct hostroot *hr, const char *host_path, char full[PATH_MAX], char **ret_text)
{
	int fd, ret = hostroot_path(hr, host_path, full);

	if (ret < 0)
		return ret;
	fd = hostroot_open(hr, host_path, O_RDONLY);
	if (fd < 0)
		return fd;
	ret = fs_read_fd(fd, APT_FILE_MAX, ret_text, NULL);
	close(fd);
	return ret;
}

static void warn_file(struct apt_config *cfg, const char *full, int err)
{
	char line[PATH_MAX + 128];

	if (!cfg->warn)
		return;
	if (err == -EFBIG)
		snprintf(line, sizeof(line), "%s: larger than %d bytes, not read", full, APT_FILE_MAX);
	else if (err == -EINVAL || err == -EISDIR)
		snprintf(line, sizeof(line), "%s: not a regular file, not read", full);
	else if (err == -ENOENT || err == -EXDEV || err == -ELOOP)
		snprintf(line, sizeof(line), "%s: a link that leads nowhere inside the host root, not read", full);
	else
		snprintf(line, sizeof(line), "%s: cannot be read (%s)", full, strerror(-err));
	cfg->warn(cfg->warn_data, line);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in the host directory (opened confined), sorted as apt
 * sorts them; -ENOENT when there is no such directory. */
static int list_host_dir(const struct hostroot *hr, const char *host_dir, char ***ret_names, size_t *ret_n)
{
	int fd = hostroot_open(hr, host_dir, O_RDONLY | O_DIRECTORY);
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while ((de = readdir(d))) {
		char **bigger;

		if (de->d_name[0] == '.')
			continue;
		bigger = realloc(names, (n + 1) * sizeof(*names));
		if (!bigger || !(bigger[n] = strdup(de->d_name))) {
			names = bigger ? bigger : names;
			ret = -ENOMEM;
			break;
		}
		names = bigger;
		n++;
	}
	closedir(d);
	if (ret < 0) {
		while (n > 0)
			free(names[--n]);
		free(names);
		return ret;
	}
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	*ret_names = names;
	*ret_n = n;
	return 0;
}

/* Calls fn on each file of host dir whose name ends with suffix, in name
 * order as apt does. A file that cannot be read (too large, not a regular
 * file, a link out of the host root) is left out with a warning. */
static int for_each_file(const struct hostroot *hr, const char *host_dir, const char *suffix, apt_file_fn fn,
			 struct apt_config *cfg, char *why, size_t whylen)
{
	char **names = NULL;
	size_t n = 0, i;
	int ret = list_host_dir(hr, host_dir, &names, &n);

	if (ret < 0)
		return ret == -ENOENT || ret == -ENOTDIR ? 0 : ret;
	for (i = 0; i < n; i++) {
		char host_path[PATH_MAX], full[PATH_MAX];
		char *text = NULL;
		int r;

		if (ret == 0 && (!*suffix || ends_with(names[i], suffix)) &&
		    path_join(host_path, host_dir, names[i]) == 0) {
			r = read_host_file(hr, host_path, full, &text);
			if (r == 0)
				ret = fn(full, text, cfg, why, whylen);
			else if (r == -ENOMEM)
				ret = r;
			else
				warn_file(cfg, full, r);
			free(text);
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

static int read_one(const struct hostroot *hr, const char *host_path, apt_file_fn fn, struct apt_config *cfg,
		    char *why, size_t whylen)
{
	char full[PATH_MAX];
	char *text = NULL;
	int ret = read_host_file(hr, host_path, full, &text);

	if (ret == -ENOENT || ret == -ENOTDIR)
		return 0;
	if (ret == -EXDEV || ret == -ELOOP || ret == -EFBIG || ret == -EINVAL || ret == -EISDIR) {
		warn_file(cfg, full, ret);
		return 0;
	}
	if (ret < 0) {
		snprintf(why, whylen, "%s: %s", full, strerror(-ret));
		return ret;
	}
	ret = fn(full, text, cfg, why, whylen);
	free(text);
	return ret;
}

static int one_line_cb(const char *full, const char *text, struct apt_config *cfg, char *why, size_t whylen)
{
	return apt_parse_one_line(text, full, cfg, why, whylen);
}

static int deb822_cb(const char *full, const char *text, struct apt_config *cfg, char *why, size_t whylen)
{
	return apt_parse_deb822(text, full, cfg, why, whylen);
}

static int auth_cb(const char *full, const char *text, struct apt_config *cfg, char *why, size_t whylen)
{
	(void)full, (void)why, (void)whylen;
	return apt_parse_auth(text, cfg);
}

static int conf_cb(const char *full, const char *text, struct apt_config *cfg, char *why, size_t whylen)
{
	(void)full, (void)why, (void)whylen;
	apt_parse_conf(text, cfg);
	return 0;
}

int apt_config_read(const struct hostroot *hr, struct apt_config *cfg, char *why, size_t whylen)
{
	int ret;

	ret = read_one(hr, "/etc/apt/sources.list", one_line_cb, cfg, why, whylen);
	if (ret == 0)
		ret = for_each_file(hr, "/etc/apt/sources.list.d", ".list", one_line_cb, cfg, why, whylen);
	if (ret == 0)
		ret = for_each_file(hr, "/etc/apt/sources.list.d", ".sources", deb822_cb, cfg, why, whylen);
	if (ret == 0)
		ret = read_one(hr, "/etc/apt/auth.conf", auth_cb, cfg, why, whylen);
	if (ret == 0)
		ret = for_each_file(hr, "/etc/apt/auth.conf.d", ".conf", auth_cb, cfg, why, whylen);
	if (ret == 0)
		ret = read_one(hr, "/etc/apt/apt.conf", conf_cb, cfg, why, whylen);
	if (ret == 0)
		ret = for_each_file(hr, "/etc/apt/apt.conf.d", "", conf_cb, cfg, why, whylen);
	return ret;
}
