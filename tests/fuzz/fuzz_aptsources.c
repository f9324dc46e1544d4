/* apt configuration as a hostile host root may hold it: one-line and
 * deb822 sources, auth.conf, apt.conf proxy lines, --mirror specs. */
#include "fuzz_common.h"
#include "lib/apt/aptsources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), why[512], buf[512];
	struct apt_config cfg;
	size_t i;

	if (!text)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	apt_parse_one_line(text, "fuzz.list", &cfg, why, sizeof(why));
	apt_parse_deb822(text, "fuzz.sources", &cfg, why, sizeof(why));
	apt_parse_auth(text, &cfg);
	apt_parse_conf(text, &cfg);
	apt_add_mirror(&cfg, text, why, sizeof(why));
	for (i = 0; i < cfg.n_sources; i++) {
		if (strlen(cfg.sources[i].uri) >= sizeof(cfg.sources[i].uri))
			abort();
		apt_auth_for(&cfg, cfg.sources[i].uri, buf, sizeof(buf));
	}
	apt_config_free(&cfg);
	free(text);
	return 0;
}
