#include "lib/rpm/repofile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rpm_vars_set(struct rpm_vars *vars, const char *name, const char *value)
{
	size_t i;

	if (strlen(name) >= sizeof(vars->v[0].name) || strlen(value) >= sizeof(vars->v[0].value))
		return -ENAMETOOLONG;
	for (i = 0; i < vars->n; i++)
		if (strcmp(vars->v[i].name, name) == 0)
			break;
	if (i == vars->n) {
		if (vars->n == RPM_MAX_VARS)
			return -E2BIG;
		vars->n++;
	}
	snprintf(vars->v[i].name, sizeof(vars->v[i].name), "%s", name);
	snprintf(vars->v[i].value, sizeof(vars->v[i].value), "%s", value);
	return 0;
}

static const char *var_value(const struct rpm_vars *vars, const char *name, size_t len)
{
	size_t i;

	for (i = 0; vars && i < vars->n; i++)
		if (strlen(vars->v[i].name) == len && strncmp(vars->v[i].name, name, len) == 0)
			return vars->v[i].value;
	return NULL;
}

static int is_var_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

int rpm_vars_expand(const struct rpm_vars *vars, const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	if (!outlen)
		return -ENAMETOOLONG;
	while (*in) {
		const char *val = NULL, *name = in + 1;
		size_t len = 0, skip = 1, vlen;

		if (*in == '$') {
			if (name[0] == '{') {
				const char *close = strchr(name, '}');

				if (close) {
					len = (size_t)(close - name - 1);
					val = var_value(vars, name + 1, len);
					skip = len + 3;
				}
			} else {
				while (is_var_char(name[len]))
					len++;
				val = len ? var_value(vars, name, len) : NULL;
				skip = len + 1;
			}
		}
		if (!val) {
			/* Plain text, or an unknown variable kept as written. */
			val = in;
			skip = 1;
		}
		vlen = val == in ? 1 : strlen(val);
		if (o + vlen >= outlen)
			return -ENAMETOOLONG;
		memcpy(out + o, val, vlen);
		o += vlen;
		in += skip;
	}
	out[o] = '\0';
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* "1", "yes", "true", "on": dnf's booleans. */
static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on" }, *const no[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcasecmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -EINVAL;
}

/* Splits a list of URLs (spaces, commas, continuation lines) into urls,
 * each expanded. */
static int add_urls(const struct rpm_vars *vars, const char *list, char urls[][1024], int *n)
{
	char copy[4096], *tok, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", list);
	for (tok = strtok_r(copy, " ,\t\n", &save); tok; tok = strtok_r(NULL, " ,\t\n", &save)) {
		size_t len;

		if (*n == RPM_MAX_URLS)
			return 0; /* the first ones are enough to try */
		if (rpm_vars_expand(vars, tok, urls[*n], sizeof(urls[0])) < 0)
			return -ENAMETOOLONG;
		len = strlen(urls[*n]);
		while (len > 1 && urls[*n][len - 1] == '/')
			urls[*n][--len] = '\0';
		(*n)++;
	}
	return 0;
}

/* username= and password=, in either order, kept as curl wants them
 * ("user:password"); the password is taken as written. */
static int set_credential(struct rpm_repo *r, const struct rpm_vars *vars, const char *key, const char *val)
{
	char user[256] = "", pass[256] = "", *colon = strchr(r->userpwd, ':');

	if (colon) {
		snprintf(user, sizeof(user), "%.*s", (int)(colon - r->userpwd), r->userpwd);
		snprintf(pass, sizeof(pass), "%s", colon + 1);
	}
	if (key[0] == 'u' && rpm_vars_expand(vars, val, user, sizeof(user)) < 0)
		return -ENAMETOOLONG;
	if (key[0] == 'p' && snprintf(pass, sizeof(pass), "%s", val) >= (int)sizeof(pass))
		return -ENAMETOOLONG;
	if (strchr(user, ':'))
		return -EINVAL; /* HTTP basic cannot carry it */
	snprintf(r->userpwd, sizeof(r->userpwd), "%s:%s", user, pass);
	return 0;
}

static int set_key(struct rpm_repo *r, const struct rpm_vars *vars, const char *key, const char *val)
{
	if (strcmp(key, "name") == 0)
		return rpm_vars_expand(vars, val, r->name, sizeof(r->name));
	if (strcmp(key, "baseurl") == 0)
		return add_urls(vars, val, r->baseurls, &r->n_baseurls);
	if (strcmp(key, "gpgkey") == 0)
		return add_urls(vars, val, r->gpgkeys, &r->n_gpgkeys);
	if (strcmp(key, "mirrorlist") == 0)
		return rpm_vars_expand(vars, val, r->mirrorlist, sizeof(r->mirrorlist));
	if (strcmp(key, "metalink") == 0)
		return rpm_vars_expand(vars, val, r->metalink, sizeof(r->metalink));
	if (strcmp(key, "proxy") == 0) {
		r->has_proxy = 1;
		if (strcmp(val, "_none_") == 0)
			val = "";
		return rpm_vars_expand(vars, val, r->proxy, sizeof(r->proxy));
	}
	if (strcmp(key, "proxy_username") == 0)
		return rpm_vars_expand(vars, val, r->proxy_username, sizeof(r->proxy_username));
	if (strcmp(key, "proxy_password") == 0)
		return snprintf(r->proxy_password, sizeof(r->proxy_password), "%s", val) >= (int)sizeof(r->proxy_password) ?
			       -ENAMETOOLONG : 0;
	if (strcmp(key, "username") == 0 || strcmp(key, "password") == 0)
		return set_credential(r, vars, key, val);
	if (strcmp(key, "sslcacert") == 0)
		return rpm_vars_expand(vars, val, r->sslcacert, sizeof(r->sslcacert));
	if (strcmp(key, "sslverify") == 0)
		return parse_bool(val, &r->sslverify);
	if (strcmp(key, "enabled") == 0)
		return parse_bool(val, &r->enabled);
	if (strcmp(key, "gpgcheck") == 0)
		return r->gpgcheck_given = 1, parse_bool(val, &r->gpgcheck);
	if (strcmp(key, "repo_gpgcheck") == 0)
		return r->repo_gpgcheck_given = 1, parse_bool(val, &r->repo_gpgcheck);
	return 0; /* cost, priority, metadata_expire...: nothing to do with headers */
}

int rpm_repofile_parse(const char *text, const char *origin, const struct rpm_vars *vars, struct rpm_repo *out,
		       size_t max, size_t *n, char *why, size_t whylen)
{
	char *copy = strdup(text), *line, *save = NULL, last_key[64] = "";
	struct rpm_repo *cur = NULL;
	unsigned lineno = 0;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	/* strtok_r would merge empty lines, and the line numbers with them. */
	for (line = copy; line && ret == 0; line = save) {
		char *nl = strchr(line, '\n'), *s, *eq;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		/* A continuation line (leading space) adds to the last key. */
		if ((line[0] == ' ' || line[0] == '\t') && cur && last_key[0] && *trim(line)) {
			ret = set_key(cur, vars, last_key, trim(line));
			if (ret < 0)
				snprintf(why, whylen, "%s:%u: bad value for %s", origin, lineno, last_key);
			continue;
		}
		s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close || close == s + 1 || close[1]) {
				snprintf(why, whylen, "%s:%u: malformed section header", origin, lineno);
				ret = -EINVAL;
				break;
			}
			*close = '\0';
			last_key[0] = '\0';
			if (strcmp(s + 1, "main") == 0) {
				cur = NULL;
				continue;
			}
			if (*n >= max) {
				snprintf(why, whylen, "%s:%u: more than %zu repositories", origin, lineno, max);
				ret = -E2BIG;
				break;
			}
			cur = &out[(*n)++];
			memset(cur, 0, sizeof(*cur));
			cur->enabled = 1;
			cur->sslverify = 1;
			snprintf(cur->id, sizeof(cur->id), "%s", s + 1);
			snprintf(cur->origin, sizeof(cur->origin), "%s:%u", origin, lineno);
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(why, whylen, "%s:%u: not 'key=value' nor a [section]", origin, lineno);
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		snprintf(last_key, sizeof(last_key), "%s", trim(s));
		if (!cur)
			continue; /* [main], or keys before any section */
		ret = set_key(cur, vars, last_key, trim(eq + 1));
		if (ret < 0)
			snprintf(why, whylen, "%s:%u: bad value for %s", origin, lineno, last_key);
	}
	free(copy);
	return ret;
}
