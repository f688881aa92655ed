// SPDX-License-Identifier: GPL-2.0
/*
 * One l2tpfastd per run directory, and what an earlier one left when it
 * did not stop cleanly (kill -9, a crash, the OOM killer).
 *
 * RUNDIR/l2tpfastd.pid is locked (flock) for the daemon's life and holds
 * its pid; a clean stop empties it. A second daemon on the same run
 * directory finds the lock taken and does not start. A daemon that finds
 * a pid in the file, with the lock free, follows one that died: its
 * kernel tunnels went with its sockets, its pppds were sent SIGTERM by the
 * kernel (PR_SET_PDEATHSIG) but may still be hanging up, holding an
 * address of the pool the new daemon hands out again, and its pppd
 * options files are still in the run directory. Before it serves, the new
 * daemon ends those pppds (each carries "set L2TPFAST_RUN=RUNDIR" and
 * "set L2TPFAST_PID=PID" of the daemon that started it), removes the
 * files, and says so.
 *
 * Under the shipped systemd unit none of this is needed (systemd ends the
 * unit's processes and removes its RuntimeDirectory); it is for setups
 * without systemd.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "l2tpfastd.h"
#include "log.h"
#include "sys.h"

#define ORPHAN_WAIT_MS	8000	/* for their hang-up (LCP TermReq), then SIGKILL */

/* The syscalls, not glibc's wrappers (2.36 and later only). */
static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

/* pid's argv has exactly @a and @b among its arguments. */
static int argv_has(pid_t pid, const char *a, const char *b)
{
	char path[64], buf[4096];
	int n, i, has_a = 0, has_b = 0;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	n = read_small(path, buf, sizeof(buf));
	for (i = 0; i < n; i += (int)strlen(buf + i) + 1) {
		has_a |= !strcmp(buf + i, a);
		has_b |= !strcmp(buf + i, b);
	}
	return has_a && has_b;
}

static int comm_is(pid_t pid, const char *want)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	return !strcmp(buf, want);
}

/* /proc/PID/ns/NAME is ours. */
static int same_ns(pid_t pid, const char *name)
{
	char path[64], self[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	snprintf(self, sizeof(self), "/proc/self/ns/%s", name);
	return !stat(path, &a) && !stat(self, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/*
 * A pppd the dead daemon started: root's pppd, in our network namespace,
 * carrying this run directory's mark and the dead daemon's pid. (Not the
 * mount namespace: `ip netns exec` makes one for each daemon it starts.)
 */
static int orphan_pppd(const struct lns *lns, pid_t pid, const char *pid_mark)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return !stat(path, &st) && st.st_uid == 0 && comm_is(pid, "pppd") &&
	       same_ns(pid, "net") &&
	       argv_has(pid, lns->run_mark, pid_mark);
}

struct orphans {
	struct pollfd *pfd;
	int n, size;
};

static int orphans_add(struct orphans *o, int pidfd)
{
	if (o->n == o->size) {
		int size = o->size ? 2 * o->size : 64;
		struct pollfd *p = realloc(o->pfd, (size_t)size * sizeof(*p));

		if (!p)
			return -1;
		o->pfd = p;
		o->size = size;
	}
	o->pfd[o->n].fd = pidfd;
	o->pfd[o->n].events = POLLIN;	/* a pidfd polls in once it exited */
	o->pfd[o->n++].revents = 0;
	return 0;
}

/* SIGTERM to every orphan: how many; -1 when pidfds are not to be had. */
static int orphans_signal(const struct lns *lns, struct orphans *o)
{
	char pid_mark[32];
	struct dirent *d;
	DIR *proc = opendir("/proc");

	if (!proc)
		return -1;
	snprintf(pid_mark, sizeof(pid_mark), "L2TPFAST_PID=%d", lns->old_pid);
	while ((d = readdir(proc))) {
		pid_t pid = (pid_t)strtol(d->d_name, NULL, 10);
		int fd;

		if (pid <= 1 || pid == getpid())
			continue;
		/* The pidfd first: what is checked is what gets the signal. */
		fd = pidfd_open_(pid);
		if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
			closedir(proc);
			return -1;
		}
		if (fd < 0)
			continue;
		if (!orphan_pppd(lns, pid, pid_mark) || pidfd_signal(fd, SIGTERM) ||
		    orphans_add(o, fd))
			close(fd);
	}
	closedir(proc);
	return o->n;
}

/* Until every orphan exited or the time is up; then SIGKILL to the rest. */
static void orphans_reap(struct orphans *o)
{
	uint64_t end = sys_now_ms() + ORPHAN_WAIT_MS, now;
	int i, left = o->n;

	while (left && (now = sys_now_ms()) < end) {
		poll(o->pfd, (nfds_t)o->n, (int)(end - now));
		for (i = 0; i < o->n; i++)
			if (o->pfd[i].fd >= 0 && (o->pfd[i].revents & POLLIN)) {
				close(o->pfd[i].fd);
				o->pfd[i].fd = -1;	/* poll skips it now */
				left--;
			}
	}
	for (i = 0; i < o->n; i++)
		if (o->pfd[i].fd >= 0) {
			pidfd_signal(o->pfd[i].fd, SIGKILL);
			close(o->pfd[i].fd);
		}
}

/* The pppds of the dead daemon, ended: how many; -1 if that cannot be done. */
static int end_orphan_pppds(const struct lns *lns)
{
	struct orphans o = { 0 };
	int n = orphans_signal(lns, &o);

	if (n < 0) {
		log_msg(LOG_WARNING, "cannot look for the pppds of the earlier l2tpfastd (pid %d): pidfd_open: %s",
			lns->old_pid, strerror(errno));
		for (int i = 0; i < o.n; i++)
			close(o.pfd[i].fd);
	} else {
		orphans_reap(&o);
	}
	free(o.pfd);
	return n;
}

/* pppd options files (LNS_OPTFILE_PREFIX, mkstemp's) left in the run directory. */
static int remove_optfiles(const struct lns *lns)
{
	size_t plen = strlen(LNS_OPTFILE_PREFIX);
	int dfd = dup(lns->run_fd);
	struct dirent *d;
	struct stat st;
	int n = 0;
	DIR *dir = dfd < 0 ? NULL : fdopendir(dfd);

	if (!dir) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	rewinddir(dir);
	while ((d = readdir(dir))) {
		if (strlen(d->d_name) != plen + 6 ||
		    strncmp(d->d_name, LNS_OPTFILE_PREFIX, plen))
			continue;
		if (fstatat(lns->run_fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
		    (st.st_mode & 0077) || st.st_nlink != 1)
			continue;
		if (!unlinkat(lns->run_fd, d->d_name, 0))
			n++;
	}
	closedir(dir);
	return n;
}

/* The run directory, opened once and checked: ours, not writable by others. */
static int open_run_dir(struct lns *lns)
{
	char path[PATH_MAX];
	struct stat st;

	if (!realpath(lns->run_dir, path)) {
		log_msg(LOG_ERR, "run directory %s: %s", lns->run_dir, strerror(errno));
		return -1;
	}
	if (strlen(path) >= sizeof(lns->run_path) ||
	    snprintf(lns->run_mark, sizeof(lns->run_mark), "L2TPFAST_RUN=%s",
		     path) >= (int)sizeof(lns->run_mark)) {
		log_msg(LOG_ERR, "run directory %s: name too long", path);
		return -1;
	}
	strcpy(lns->run_path, path);
	lns->run_dir = lns->run_path;
	lns->run_fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (lns->run_fd < 0 || fstat(lns->run_fd, &st)) {
		log_msg(LOG_ERR, "run directory %s: %s", path, strerror(errno));
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022)) {
		log_msg(LOG_ERR, "run directory %s: must be ours and not writable by group or others", path);
		return -1;
	}
	return 0;
}

static int read_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return (int)strtol(buf, NULL, 10);
}

/*
 * Take RUNDIR/l2tpfastd.pid, before anything of this daemon goes into the
 * run directory; -1 (and said why) when it must not start.
 */
int restart_lock(struct lns *lns)
{
	struct stat st;

	lns->pid_fd = -1;
	lns->run_fd = -1;
	if (open_run_dir(lns))
		return -1;
	lns->pid_fd = openat(lns->run_fd, "l2tpfastd.pid",
			     O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (lns->pid_fd < 0 || fstat(lns->pid_fd, &st) || !S_ISREG(st.st_mode) ||
	    st.st_nlink != 1 || st.st_uid != geteuid()) {
		log_msg(LOG_ERR, "%s/l2tpfastd.pid: %s", lns->run_dir,
			lns->pid_fd < 0 ? strerror(errno) : "not a file of ours");
		return -1;
	}
	if (flock(lns->pid_fd, LOCK_EX | LOCK_NB)) {
		int holder = read_pid(lns->pid_fd);

		if (holder > 0)
			log_msg(LOG_ERR, "another l2tpfastd (pid %d) runs with run directory %s: not started (-r gives each its own)",
				holder, lns->run_dir);
		else
			log_msg(LOG_ERR, "another l2tpfastd is starting with run directory %s: not started (-r gives each its own)",
				lns->run_dir);
		close(lns->pid_fd);
		lns->pid_fd = -1;
		return -1;
	}
	lns->old_pid = read_pid(lns->pid_fd);
	if (lns->old_pid > 0) {
		int orphans = end_orphan_pppds(lns);
		int files = remove_optfiles(lns);

		if (orphans >= 0)
			log_msg(LOG_NOTICE, "an earlier l2tpfastd (pid %d) did not stop cleanly: cleaned up after it: %d pppd ended, %d options files removed; its kernel tunnels went with its sockets",
				lns->old_pid, orphans, files);
	}
	return 0;
}

/* This daemon's pid in the file, once it is the daemon (after daemon()). */
void restart_begin(struct lns *lns)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (lns->pid_fd < 0)
		return;
	snprintf(lns->pid_mark, sizeof(lns->pid_mark), "L2TPFAST_PID=%d", (int)getpid());
	if (ftruncate(lns->pid_fd, 0) || pwrite(lns->pid_fd, buf, (size_t)n, 0) != n)
		log_msg(LOG_WARNING, "%s/l2tpfastd.pid: %s", lns->run_dir, strerror(errno));
	else
		lns->pid_written = 1;
}

/*
 * A clean stop: the file says nobody runs. Before our pid was in it, an
 * earlier daemon's stays (the next start looks after it again).
 */
void restart_end(struct lns *lns)
{
	if (lns->pid_fd >= 0 && lns->pid_written && ftruncate(lns->pid_fd, 0))
		log_msg(LOG_WARNING, "%s/l2tpfastd.pid: %s", lns->run_dir, strerror(errno));
	if (lns->pid_fd >= 0)
		close(lns->pid_fd);
	if (lns->run_fd >= 0)
		close(lns->run_fd);
	lns->pid_fd = -1;
	lns->run_fd = -1;
}
