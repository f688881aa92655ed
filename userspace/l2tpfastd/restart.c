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
 * daemon ends those pppds (known by the L2TPFAST_RUN=RUNDIR that every
 * pppd of this run directory carries), removes the files, and says so.
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
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "l2tpfastd.h"
#include "log.h"

#define PPPD_PATH	"/usr/sbin/pppd"
#define ORPHAN_MAX	64	/* pppds ended in one go */
#define ORPHAN_WAIT_MS	3000	/* for their hang-up, then SIGKILL */

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

/* pid's argv has exactly @arg among its arguments. */
static int argv_has(pid_t pid, const char *arg)
{
	char path[64], buf[4096];
	int n, i;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	n = read_small(path, buf, sizeof(buf));
	for (i = 0; i < n; i += (int)strlen(buf + i) + 1)
		if (!strcmp(buf + i, arg))
			return 1;
	return 0;
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

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strrchr(buf, ')');	/* comm may hold spaces */
	return p ? (pid_t)atoi(p + 4) : -1;	/* ") S PPID" */
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/*
 * A pppd left by an earlier daemon of this run directory: root's pppd
 * binary, in our netns, carrying our mark, and no l2tpfastd's child.
 */
static int orphan_pppd(const struct lns *lns, pid_t pid)
{
	char path[64], exe[64];
	struct stat st;
	pid_t ppid;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (stat(path, &st) || st.st_uid != 0 || !comm_is(pid, "pppd"))
		return 0;
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)pid);
	if (!same_file(exe, PPPD_PATH))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (!same_file(path, "/proc/self/ns/net"))
		return 0;
	ppid = parent_of(pid);
	if (ppid <= 0 || comm_is(ppid, "l2tpfastd"))
		return 0;
	return argv_has(pid, lns->run_mark);
}

static int n_running(const struct pollfd *pfd, int n)
{
	int i, left = 0;

	for (i = 0; i < n; i++)
		if (!(pfd[i].revents & POLLIN))	/* a pidfd polls in once it exited */
			left++;
	return left;
}

/* SIGTERM to the orphans, a few seconds to hang up, SIGKILL: how many. */
static int end_orphan_pppds(const struct lns *lns)
{
	struct pollfd pfd[ORPHAN_MAX];
	struct dirent *d;
	int n = 0, i;
	DIR *proc = opendir("/proc");

	if (!proc)
		return 0;
	while (n < ORPHAN_MAX && (d = readdir(proc))) {
		pid_t pid = (pid_t)atoi(d->d_name);
		int fd;

		if (pid <= 1 || pid == getpid())
			continue;
		/* The pidfd first: what is checked is what gets the signal. */
		fd = pidfd_open(pid, 0);
		if (fd < 0)
			continue;
		if (orphan_pppd(lns, pid) && !pidfd_send_signal(fd, SIGTERM, NULL, 0)) {
			pfd[n].fd = fd;
			pfd[n].events = POLLIN;
			pfd[n++].revents = 0;
		} else {
			close(fd);
		}
	}
	closedir(proc);
	for (i = 0; i < ORPHAN_WAIT_MS / 100 && n_running(pfd, n); i++)
		poll(pfd, (nfds_t)n, 100);
	for (i = 0; i < n; i++) {
		if (!(pfd[i].revents & POLLIN))
			pidfd_send_signal(pfd[i].fd, SIGKILL, NULL, 0);
		close(pfd[i].fd);
	}
	return n;
}

/* pppd options files ("options.XXXXXX", mkstemp's) left in the run directory. */
static int remove_optfiles(const struct lns *lns)
{
	int dfd = open(lns->run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *d;
	struct stat st;
	int n = 0;
	DIR *dir;

	if (dfd < 0)
		return 0;
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return 0;
	}
	while ((d = readdir(dir))) {
		if (strlen(d->d_name) != 14 || strncmp(d->d_name, "options.", 8))
			continue;
		if (fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		if (!unlinkat(dfd, d->d_name, 0))
			n++;
	}
	closedir(dir);
	return n;
}

/*
 * Take RUNDIR/l2tpfastd.pid, before anything of this daemon goes into the
 * run directory; -1 (and said why) when it must not start.
 */
int restart_lock(struct lns *lns)
{
	char path[PATH_MAX], buf[32];
	struct stat st;
	ssize_t n;

	lns->pid_fd = -1;
	if (!realpath(lns->run_dir, path)) {
		log_msg(LOG_ERR, "run directory %s: %s", lns->run_dir, strerror(errno));
		return -1;
	}
	if (strlen(path) >= sizeof(lns->run_path)) {
		log_msg(LOG_ERR, "run directory %s: name too long", path);
		return -1;
	}
	strcpy(lns->run_path, path);
	if (stat(lns->run_path, &st) || !S_ISDIR(st.st_mode)) {
		log_msg(LOG_ERR, "run directory %s: not a directory", lns->run_path);
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022)) {
		log_msg(LOG_ERR, "run directory %s: must be ours and not writable by others", lns->run_path);
		return -1;
	}
	lns->run_dir = lns->run_path;
	if (snprintf(lns->run_mark, sizeof(lns->run_mark), "L2TPFAST_RUN=%s",
		     lns->run_path) >= (int)sizeof(lns->run_mark) ||
	    snprintf(path, sizeof(path), "%s/l2tpfastd.pid", lns->run_path) >= (int)sizeof(path)) {
		log_msg(LOG_ERR, "run directory %s: name too long", lns->run_path);
		return -1;
	}
	lns->pid_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (lns->pid_fd < 0) {
		log_msg(LOG_ERR, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = pread(lns->pid_fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	if (flock(lns->pid_fd, LOCK_EX | LOCK_NB)) {
		log_msg(LOG_ERR, "another l2tpfastd (pid %d) runs with run directory %s: not started (-r gives each its own)",
			atoi(buf), lns->run_path);
		close(lns->pid_fd);
		lns->pid_fd = -1;
		return -1;
	}
	n = pread(lns->pid_fd, buf, sizeof(buf) - 1, 0);	/* again, locked */
	buf[n > 0 ? n : 0] = '\0';
	lns->old_pid = atoi(buf);
	if (lns->old_pid > 0) {
		int orphans = end_orphan_pppds(lns);
		int files = remove_optfiles(lns);

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
	if (ftruncate(lns->pid_fd, 0) || pwrite(lns->pid_fd, buf, (size_t)n, 0) != n)
		log_msg(LOG_WARNING, "%s/l2tpfastd.pid: %s", lns->run_dir, strerror(errno));
}

/* A clean stop: the file says nobody runs. */
void restart_end(struct lns *lns)
{
	if (lns->pid_fd < 0)
		return;
	if (ftruncate(lns->pid_fd, 0))
		log_msg(LOG_WARNING, "%s/l2tpfastd.pid: %s", lns->run_dir, strerror(errno));
	close(lns->pid_fd);
	lns->pid_fd = -1;
}
