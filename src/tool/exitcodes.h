/* Documented exit codes (README.md, "Exit codes"). main() maps every
 * failure to one of these; nothing else ever leaves the process. */
#ifndef PH_EXITCODES_H
#define PH_EXITCODES_H

enum ph_exit {
	PH_EXIT_OK = 0,
	PH_EXIT_INTERNAL = 1,     /* unexpected failure (out of memory, bug) */
	PH_EXIT_USAGE = 2,        /* bad option or environment value */
	PH_EXIT_NO_HEADERS = 3,   /* no strategy could provide headers */
	PH_EXIT_VERIFY = 4,       /* signature, hash or tree check failed */
	PH_EXIT_NETWORK = 5,      /* download failed */
	PH_EXIT_OUTPUT = 6,       /* output volume unusable (read-only, full, not a dir) */
	PH_EXIT_VALIDATION = 7,   /* the BCC runner found the headers wrong */
	PH_EXIT_BAD_INPUT = 8,    /* corrupt or hostile archive, malformed config */
};

#endif
