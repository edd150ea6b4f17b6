/*
 * qmgr_resolve - a simplified trivial-rewrite: which transport and next hop
 * deliver a recipient address.
 *
 * qmgr_resolve_addr(addr, conf, transport, nexthop) looks at the domain of
 * addr (after the last '@'; a trailing dot is ignored). The domain is local
 * when it is empty, equals conf->myhostname or "localhost", or is listed
 * (case-insensitive) in conf->mydestination (a comma/space separated list;
 * table references such as hash:/path or /file are not supported and never
 * match, see qmgr_resolve_check). Local recipients use conf->local_transport,
 * others conf->default_transport. A transport spec is "name" or
 * "name:nexthop"; without a next hop the local transport uses myhostname and
 * the default transport the recipient domain. The result is written into the
 * caller's VSTRINGs; the return value is QMGR_RESOLVE_LOCAL or
 * QMGR_RESOLVE_REMOTE, or QMGR_RESOLVE_ERROR when the spec names no transport
 * (the caller defers such a recipient).
 *
 * qmgr_resolve_local_domain(domain, conf) is the local-domain test alone.
 * qmgr_resolve_split(spec, default_nexthop, transport, nexthop) parses one
 * transport spec (returns -1 when the transport name is empty).
 * qmgr_resolve_check(conf) warns once about mydestination entries that
 * postern does not implement.
 */
#ifndef QMGR_RESOLVE_H
#define QMGR_RESOLVE_H

#include "sys_defs.h"
#include "vstring.h"

typedef struct QMGR_RESOLVE_CONF {
    const char *mydestination;
    const char *myhostname;
    const char *local_transport;
    const char *default_transport;
} QMGR_RESOLVE_CONF;

#define QMGR_RESOLVE_ERROR (-1)
#define QMGR_RESOLVE_LOCAL 1
#define QMGR_RESOLVE_REMOTE 2

extern int qmgr_resolve_addr(const char *addr, const QMGR_RESOLVE_CONF *conf, VSTRING *transport,
                             VSTRING *nexthop);
extern int qmgr_resolve_local_domain(const char *domain, const QMGR_RESOLVE_CONF *conf);
extern int qmgr_resolve_split(const char *spec, const char *default_nexthop, VSTRING *transport,
                              VSTRING *nexthop);
extern void qmgr_resolve_check(const QMGR_RESOLVE_CONF *conf);

#endif
