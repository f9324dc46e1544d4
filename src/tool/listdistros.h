/* --list-distros: what the distro strategy supports, one data file of
 * distros/ a line. */
#ifndef PH_LISTDISTROS_H
#define PH_LISTDISTROS_H

struct options;

/* Prints the table on stdout; the exit code. */
int list_distros(const struct options *opts);

#endif
