/* SPDX-License-Identifier: GPL-2.0 */
#ifndef L2TPFAST_CTL_H
#define L2TPFAST_CTL_H

struct lf_genl;

/* One subcommand: argv[0] is its name. Returns the process exit code. */
int ctl_version(struct lf_genl *g, int argc, char **argv);

#endif /* L2TPFAST_CTL_H */
