/* SIGTERM and SIGINT (a pod being deleted, a user's ^C): the staging
 * directory of the run is removed, the user is told, and the process
 * exits with 128 + the signal's number, as shells report it. Nothing
 * half-built is ever left to look like a tree. */
#ifndef PH_INTERRUPT_H
#define PH_INTERRUPT_H

/* Blocks SIGTERM and SIGINT in every thread and starts the thread that
 * waits for them. Call before any other thread is started. */
int interrupt_setup(void);

/* The directory to remove when a signal comes (NULL: none); the string
 * must live until the next call. */
void interrupt_guard(const char *staging_dir, const char *work_dir);

#endif
