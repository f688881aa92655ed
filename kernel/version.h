/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _L2TPFAST_VERSION_H
#define _L2TPFAST_VERSION_H

/* Keep in step with PACKAGE_VERSION in dkms.conf (a selftest checks it). */
#define L2TPFAST_VERSION "0.1.0"

#endif /* _L2TPFAST_VERSION_H */
