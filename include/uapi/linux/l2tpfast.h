/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/l2tpfast.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_L2TPFAST_H
#define _UAPI_LINUX_L2TPFAST_H

#define L2TPFAST_FAMILY_NAME	"l2tpfast"
#define L2TPFAST_FAMILY_VERSION	1

#define L2TPFAST_API_VERSION	1

/**
 * enum l2tpfast_caps - What the module can do on the kernel it runs on.
 * @L2TPFAST_CAPS_IPV6: Tunnels over IPv6 are handled (the kernel has IPv6).
 * @L2TPFAST_CAPS_XFRM: The kernel has IPsec (xfrm), so packets can be tied to
 *   the SA they arrived on.
 * @L2TPFAST_CAPS_NETNS_SESSION_LOOKUP: The kernel finds a data packet's
 *   session by (tunnel id, session id) in the network namespace, whatever
 *   socket received it (6.12); without it the session is found inside the
 *   receiving socket's tunnel (6.1).
 */
enum l2tpfast_caps {
	L2TPFAST_CAPS_IPV6 = 1,
	L2TPFAST_CAPS_XFRM = 2,
	L2TPFAST_CAPS_NETNS_SESSION_LOOKUP = 4,
};

enum {
	L2TPFAST_A_VERSION = 1,
	L2TPFAST_A_API_VERSION,
	L2TPFAST_A_CAPS,
	L2TPFAST_A_KERNEL_RELEASE,

	__L2TPFAST_A_MAX,
	L2TPFAST_A_MAX = (__L2TPFAST_A_MAX - 1)
};

enum {
	L2TPFAST_CMD_VERSION_GET = 1,

	__L2TPFAST_CMD_MAX,
	L2TPFAST_CMD_MAX = (__L2TPFAST_CMD_MAX - 1)
};

#define L2TPFAST_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_L2TPFAST_H */
