/*
 * qmgr_resolve - map a recipient address to (transport, next hop).
 *
 * This is the small routing table that Postfix keeps in trivial-rewrite,
 * reduced to what postern implements: local domains ($mydestination,
 * $myhostname, localhost) go to $local_transport, everything else to
 * $default_transport. See qmgr_resolve.h for the contract. The functions
 * allocate only temporary memory that they free; results go into the
 * caller's VSTRINGs. qmgr_resolve_check() is the only one that logs.
 */
#include "sys_defs.h"
#include <string.h>
#include <strings.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstring.h"

#include "qmgr_resolve.h"

#define QMGR_RESOLVE_DELIM ", \t\r\n"

/* qmgr_resolve_unsupported - is a mydestination entry a table or file? */
static int
qmgr_resolve_unsupported(const char *entry)
{
    return *entry == '/' || strchr(entry, ':') != 0;
}

/* qmgr_resolve_same_domain - compare domains, ignoring case and a final dot */
static int
qmgr_resolve_same_domain(const char *domain, size_t len, const char *name)
{
    size_t name_len = strlen(name);

    if (name_len > 0 && name[name_len - 1] == '.')
        name_len--;
    return len == name_len && strncasecmp(domain, name, len) == 0;
}

/* qmgr_resolve_local_len - the local-domain test on a counted domain */
static int
qmgr_resolve_local_len(const char *domain, size_t len, const QMGR_RESOLVE_CONF *conf)
{
    ARGV *list;
    ssize_t i;
    int found = 0;

    if (len == 0)
        return 1;
    if (qmgr_resolve_same_domain(domain, len, "localhost"))
        return 1;
    if (conf->myhostname && *conf->myhostname &&
        qmgr_resolve_same_domain(domain, len, conf->myhostname))
        return 1;
    if (conf->mydestination == 0)
        return 0;
    list = argv_split(conf->mydestination, QMGR_RESOLVE_DELIM);
    for (i = 0; i < list->argc && !found; i++)
        if (!qmgr_resolve_unsupported(list->argv[i]))
            found = qmgr_resolve_same_domain(domain, len, list->argv[i]);
    argv_free(list);
    return found;
}

/* qmgr_resolve_local_domain - is this domain delivered locally? */
int
qmgr_resolve_local_domain(const char *domain, const QMGR_RESOLVE_CONF *conf)
{
    size_t len = strlen(domain);

    if (len > 0 && domain[len - 1] == '.')
        len--;
    return qmgr_resolve_local_len(domain, len, conf);
}

/* qmgr_resolve_split - parse "transport[:nexthop]" */
int
qmgr_resolve_split(const char *spec, const char *default_nexthop, VSTRING *transport,
                   VSTRING *nexthop)
{
    const char *colon = strchr(spec, ':');

    if (colon) {
        vstring_strncpy(transport, spec, colon - spec);
        vstring_strcpy(nexthop, colon[1] ? colon + 1 : default_nexthop);
    } else {
        vstring_strcpy(transport, spec);
        vstring_strcpy(nexthop, default_nexthop);
    }
    return LEN(transport) > 0 ? 0 : -1;
}

/* qmgr_resolve_addr - find transport and next hop for one recipient */
int
qmgr_resolve_addr(const char *addr, const QMGR_RESOLVE_CONF *conf, VSTRING *transport,
                  VSTRING *nexthop)
{
    const char *at = strrchr(addr, '@');
    const char *domain = at ? at + 1 : "";
    size_t len = strlen(domain);
    char *bare_domain;
    int local;
    int ret;

    if (len > 0 && domain[len - 1] == '.')
        len--;
    local = qmgr_resolve_local_len(domain, len, conf);
    if (local) {
        ret = qmgr_resolve_split(conf->local_transport ? conf->local_transport : "",
                                 conf->myhostname ? conf->myhostname : "", transport, nexthop);
        return ret < 0 ? QMGR_RESOLVE_ERROR : QMGR_RESOLVE_LOCAL;
    }
    bare_domain = mystrndup(domain, len);
    ret = qmgr_resolve_split(conf->default_transport ? conf->default_transport : "", bare_domain,
                             transport, nexthop);
    myfree(bare_domain);
    return ret < 0 ? QMGR_RESOLVE_ERROR : QMGR_RESOLVE_REMOTE;
}

/* qmgr_resolve_check - report mydestination entries that never match */
void
qmgr_resolve_check(const QMGR_RESOLVE_CONF *conf)
{
    ARGV *list;
    ssize_t i;

    if (conf->mydestination == 0)
        return;
    list = argv_split(conf->mydestination, QMGR_RESOLVE_DELIM);
    for (i = 0; i < list->argc; i++)
        if (qmgr_resolve_unsupported(list->argv[i]))
            msg_warn("mydestination: lookup table or file \"%s\" is not supported; ignored",
                     list->argv[i]);
    argv_free(list);
}
