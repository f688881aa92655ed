/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where the supported kernels (Debian 12's 6.1 and 6.12)
 * differ for l2tpfast. Each difference is named after the capability it
 * stands for; the COMPAT_HAVE_* inputs come from the feature tests in Kbuild,
 * which read what the target kernel exports, never its version number.
 */
#ifndef _L2TPFAST_COMPAT_H
#define _L2TPFAST_COMPAT_H

#include <linux/types.h>

/*
 * 6.12 keeps L2TPv2 sessions in a per-netns table keyed by (tunnel id,
 * session id) and exports l2tp_v2_session_get(); 6.1 finds a session only
 * inside the tunnel of the socket that received the packet.
 */
#ifdef COMPAT_HAVE_NETNS_SESSION_LOOKUP
#define L2TPFAST_KERNEL_NETNS_SESSION_LOOKUP true
#else
#define L2TPFAST_KERNEL_NETNS_SESSION_LOOKUP false
#endif

#endif /* _L2TPFAST_COMPAT_H */
