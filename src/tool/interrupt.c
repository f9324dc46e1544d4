#include "tool/interrupt.h"

#include "util/fs.h"
#include "util/log.h"
#include "util/path.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* What a signal must clean up. Process-wide by nature (signals are),
 * guarded by the mutex; the waiting thread is the only reader. */
static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *guarded_stage, *guarded_work;

void interrupt_guard(const char *staging_dir, const char *work_dir)
{
	pthread_mutex_lock(&guard_lock);
	guarded_stage = staging_dir;
	guarded_work = work_dir;
	pthread_mutex_unlock(&guard_lock);
}

/* The run's other threads go on writing until _exit: move the directory
 * aside first (their path-based writes then fail), and remove it until
 * nothing comes back. */
static void remove_while_written(const char *dir)
{
	char aside[PATH_MAX];
	int tries;

	if (path_format(aside, "%s.interrupted", dir) == 0 && rename(dir, aside) == 0)
		dir = aside;
	for (tries = 0; tries < 50 && fs_rm_rf(dir) != 0; tries++)
		;
}

/* .staging/<release>/ and .staging/ go too when nothing else is in them. */
static void remove_empty_parents(const char *dir, int levels)
{
	char path[PATH_MAX];
	char *slash;

	if (path_copy(path, dir) < 0)
		return;
	while (levels-- > 0 && (slash = strrchr(path, '/')) && slash != path) {
		*slash = '\0';
		if (rmdir(path) < 0)
			return;
	}
}

static void *wait_for_signal(void *arg)
{
	sigset_t *set = arg;
	int sig = 0;

	while (sigwait(set, &sig) != 0)
		;
	/* Hold the lock to the end: the run cannot move on to publishing
	 * while its staging directory is being removed. */
	pthread_mutex_lock(&guard_lock);
	if (guarded_stage) {
		log_error("interrupted by %s: removing the unfinished tree %s; nothing was published",
			  strsignal(sig), guarded_stage);
		if (guarded_work)
			remove_while_written(guarded_work);
		remove_while_written(guarded_stage);
		remove_empty_parents(guarded_stage, 2);
	} else {
		log_error("interrupted by %s", strsignal(sig));
	}
	_exit(128 + sig);
	return NULL;
}

int interrupt_setup(void)
{
	static sigset_t set;
	pthread_attr_t attr;
	pthread_t thread;
	int ret;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	ret = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (ret != 0)
		return -ret;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ret = pthread_create(&thread, &attr, wait_for_signal, &set);
	pthread_attr_destroy(&attr);
	return -ret;
}
