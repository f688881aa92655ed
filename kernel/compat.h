/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where the supported kernels (Debian 12's 6.1 and 6.12)
 * differ for l2tpfast. Each difference is named after the capability it
 * stands for; the COMPAT_HAVE_* inputs come from the feature tests in Kbuild,
 * which read what the target kernel exports, never its version number.
 *
 * l2tp_core's structures are private (net/l2tp/l2tp_core.h is not in the
 * header packages), so they stay opaque here: l2tpfast only ever compares
 * their addresses and hands them back to l2tp_core's exported functions,
 * whose prototypes are declared below as each kernel defines them.
 */
#ifndef _L2TPFAST_COMPAT_H
#define _L2TPFAST_COMPAT_H

#include <linux/types.h>

struct l2tp_session;
struct l2tp_tunnel;
struct net;
struct sk_buff;
struct sock;

/* Exported by every supported l2tp_core. */
int l2tp_udp_encap_recv(struct sock *sk, struct sk_buff *skb);
struct l2tp_tunnel *l2tp_tunnel_get(const struct net *net, u32 tunnel_id);

/*
 * 6.12 has l2tp_tunnel_put()/l2tp_session_put(), and its
 * l2tp_sk_to_tunnel() looks the tunnel up and returns a counted reference.
 * 6.1 has *_dec_refcount(), and l2tp_sk_to_tunnel() just reads
 * sk_user_data without taking one.
 */
#ifdef COMPAT_HAVE_L2TP_PUT
void l2tp_tunnel_put(struct l2tp_tunnel *tunnel);
void l2tp_session_put(struct l2tp_session *session);
struct l2tp_tunnel *l2tp_sk_to_tunnel(const struct sock *sk);

static inline void l2tpfast_core_tunnel_put(struct l2tp_tunnel *tunnel)
{
	l2tp_tunnel_put(tunnel);
}

static inline void l2tpfast_core_session_put(struct l2tp_session *session)
{
	l2tp_session_put(session);
}

/* A walk of the netns's tunnels on 6.12: for attach, not for the fast path. */
static inline bool l2tpfast_core_sk_is_tunnel(struct sock *sk,
					      const struct l2tp_tunnel *tunnel)
{
	struct l2tp_tunnel *found = l2tp_sk_to_tunnel(sk);

	if (!found)
		return false;
	l2tp_tunnel_put(found);
	return found == tunnel;
}
#else
void l2tp_tunnel_dec_refcount(struct l2tp_tunnel *tunnel);
void l2tp_session_dec_refcount(struct l2tp_session *session);
struct l2tp_tunnel *l2tp_sk_to_tunnel(struct sock *sk);

static inline void l2tpfast_core_tunnel_put(struct l2tp_tunnel *tunnel)
{
	l2tp_tunnel_dec_refcount(tunnel);
}

static inline void l2tpfast_core_session_put(struct l2tp_session *session)
{
	l2tp_session_dec_refcount(session);
}

static inline bool l2tpfast_core_sk_is_tunnel(struct sock *sk,
					      const struct l2tp_tunnel *tunnel)
{
	return l2tp_sk_to_tunnel(sk) == tunnel;
}
#endif

/*
 * 6.12 keeps L2TPv2 sessions in a per-netns table keyed by (tunnel id,
 * session id) and exports l2tp_v2_session_get(); 6.1 finds a session only
 * inside the tunnel of the socket that received the packet, and reads that
 * tunnel from sk_user_data (callers make sure the socket is l2tp_core's).
 */
#ifdef COMPAT_HAVE_NETNS_SESSION_LOOKUP
#define L2TPFAST_KERNEL_NETNS_SESSION_LOOKUP true

struct l2tp_session *l2tp_v2_session_get(const struct net *net,
					 u16 tunnel_id, u16 session_id);
struct l2tp_session *l2tp_v3_session_get(const struct net *net,
					 struct sock *sk, u32 session_id);
struct l2tp_session *l2tp_session_get_next(const struct net *net,
					   struct sock *sk, int pver,
					   u32 tunnel_id, unsigned long *key);

static inline struct l2tp_session *
l2tpfast_core_session_get(struct net *net, struct sock *sk, int version,
			  u32 tunnel_id, u32 session_id)
{
	if (version == 2)
		return l2tp_v2_session_get(net, tunnel_id, session_id);
	return l2tp_v3_session_get(net, sk, session_id);
}

/* Does l2tp_core's tunnel tunnel_id on sk have any session? */
static inline bool l2tpfast_core_tunnel_has_sessions(struct net *net,
						     struct sock *sk,
						     int version, u32 tunnel_id)
{
	struct l2tp_session *session;
	unsigned long key = 0;

	session = l2tp_session_get_next(net, sk, version, tunnel_id, &key);
	if (!session)
		return false;
	l2tp_session_put(session);
	return true;
}
#else
#define L2TPFAST_KERNEL_NETNS_SESSION_LOOKUP false

struct l2tp_session *l2tp_tunnel_get_session(struct l2tp_tunnel *tunnel,
					     u32 session_id);
struct l2tp_session *l2tp_session_get_nth(struct l2tp_tunnel *tunnel,
					  int nth);

static inline struct l2tp_session *
l2tpfast_core_session_get(struct net *net, struct sock *sk, int version,
			  u32 tunnel_id, u32 session_id)
{
	struct l2tp_tunnel *tunnel = l2tp_sk_to_tunnel(sk);

	return tunnel ? l2tp_tunnel_get_session(tunnel, session_id) : NULL;
}

/*
 * A PPPoL2TP tunnel-management socket's session 0 carries no data and is
 * not counted (6.12's l2tp_session_get_next() skips it itself).
 */
static inline bool l2tpfast_core_tunnel_has_sessions(struct net *net,
						     struct sock *sk,
						     int version, u32 tunnel_id)
{
	struct l2tp_tunnel *tunnel = l2tp_sk_to_tunnel(sk);
	struct l2tp_session *zero, *session;
	bool any = false;
	int nth;

	if (!tunnel)
		return false;
	zero = l2tp_tunnel_get_session(tunnel, 0);
	for (nth = 0; nth < 2 && !any; nth++) {
		session = l2tp_session_get_nth(tunnel, nth);
		if (!session)
			break;
		any = session != zero;
		l2tp_session_dec_refcount(session);
	}
	if (zero)
		l2tp_session_dec_refcount(zero);
	return any;
}
#endif

/* Would l2tp_core hand a data packet with these ids, got on sk, to a session? */
static inline bool l2tpfast_core_has_session(struct net *net, struct sock *sk,
					     int version, u32 tunnel_id,
					     u32 session_id)
{
	struct l2tp_session *session;

	session = l2tpfast_core_session_get(net, sk, version, tunnel_id,
					    session_id);
	if (!session)
		return false;
	l2tpfast_core_session_put(session);
	return true;
}

#endif /* _L2TPFAST_COMPAT_H */
