/* SPDX-License-Identifier: GPL-2.0 */
#ifndef L2TPFAST_CTL_H
#define L2TPFAST_CTL_H

#include <stdint.h>
#include <stdio.h>

#include "l2tpfast.h"

struct lf_genl;

/* Subcommands: argv[0] is the name. Each returns the process exit code. */
int ctl_version(struct lf_genl *g, int argc, char **argv);
int ctl_attach(struct lf_genl *g, int argc, char **argv);
int ctl_detach(struct lf_genl *g, int argc, char **argv);
int ctl_reset(struct lf_genl *g, int argc, char **argv);
int ctl_set(struct lf_genl *g, int argc, char **argv);
int ctl_show(struct lf_genl *g, int argc, char **argv);
int ctl_watch(struct lf_genl *g, int argc, char **argv);
int ctl_monitor(struct lf_genl *g, int argc, char **argv);
int ctl_ipsec(struct lf_genl *g, int argc, char **argv);

/* Output formats, all in format.c. */
void format_table(FILE *f, const struct lf_snapshot *s);
void format_json(FILE *f, const struct lf_snapshot *s);
void format_prometheus(FILE *f, const struct lf_snapshot *s);
/* Rates between two snapshots taken dt seconds apart. */
void format_rates(FILE *f, const struct lf_snapshot *prev,
		  const struct lf_snapshot *cur);

/* A tunnel id argument (1..UINT32_MAX); prints the error itself. */
int parse_tunnel_id(const char *cmd, const char *s, uint32_t *id);
/* Report an error from the kernel for tunnel @id in words. */
void report_error(const char *cmd, uint32_t id, int err);

#endif /* L2TPFAST_CTL_H */
