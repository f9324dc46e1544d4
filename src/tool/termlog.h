/* --termination-log: the run's outcome as one line in a file, for
 * Kubernetes (terminationMessagePath, /dev/termination-log), so that
 * `kubectl describe pod` shows why an initContainer failed. */
#ifndef PH_TERMLOG_H
#define PH_TERMLOG_H

#include <json-c/json.h>
#include <stddef.h>

/* The line for a finished run from its --json status and exit code:
 * "ok: <release>: <result> by <strategy> (exact|approximate, validation <verdict>): <tree>"
 * or "exit <code>: <release>: <the last error line>". */
void termlog_line(json_object *status, int code, const char *last_error, char *out, size_t outlen);

/* Writes line and a newline into path (truncated, not replaced: the file
 * is a bind mount in a pod). Returns 0 or a negative errno. */
int termlog_write(const char *path, const char *line);

#endif
