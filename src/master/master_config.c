/*
 * master_config - the service list over master's life: start, reload,
 * stop.
 *
 * master_config_start() builds the service list from master.cf and
 * activates each service: listeners, status channel, wakeups. A service
 * whose listener cannot be opened is dropped with a warning.
 * master_config_reload() (SIGHUP) reads main.cf and master.cf again; a
 * service that keeps its name, type and endpoints keeps its open
 * listeners; every other listener is closed; all children are told to
 * finish (their status channel closes) and new ones start on demand with
 * the new settings. master_config_stop() removes the pid file and exits.
 *
 * LOGGING: "reload -- version V, configuration DIR".
 */
#include "sys_defs.h"

#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

#include "mail_conf.h"
#include "mail_params.h"
#include "maillog.h"

#include "master.h"

MASTER_SERV *master_services;
int master_foreground;
int master_privileged;
uid_t master_owner_uid;
gid_t master_owner_gid;

/* master_config_cf_path - where master.cf is */
static char *
master_config_cf_path(void)
{
    static char *path;

    myfree(path);
    path = concatenate(mail_conf_dir(), "/master.cf", (char *)0);
    return (path);
}

/* master_config_activate - bring one new service to life; -1 to drop it */
static int
master_config_activate(MASTER_SERV *serv)
{
    if (master_listen_open(serv) < 0)
        return (-1);
    master_status_open(serv);
    master_wakeup_start(serv);
    master_avail_update(serv);
    return (0);
}

/* master_config_deactivate - end one service and free it */
static void
master_config_deactivate(MASTER_SERV *serv)
{
    master_avail_stop(serv);
    master_wakeup_stop(serv);
    master_unthrottle_cancel(serv);
    master_status_close(serv);
    master_retire(serv);
    if (serv->listen_fds)
        master_listen_close(serv);
    master_ent_free(serv);
}

/* master_config_activate_all - activate a fresh list, dropping failures */
static void
master_config_activate_all(MASTER_SERV *list)
{
    MASTER_SERV **pp = &master_services;
    MASTER_SERV *serv;
    MASTER_SERV *next;

    *pp = 0;
    for (serv = list; serv; serv = next) {
        next = serv->next;
        serv->next = 0;
        if (master_config_activate(serv) < 0) {
            master_config_deactivate(serv);
            continue;
        }
        *pp = serv;
        pp = &serv->next;
    }
}

/* master_config_start - the first service list */
void
master_config_start(void)
{
    master_ent_env();
    master_config_activate_all(master_ent_load(master_config_cf_path()));
}

/* master_config_reload - SIGHUP: read everything again */
void
master_config_reload(void)
{
    MASTER_SERV *fresh;
    MASTER_SERV *old;
    MASTER_SERV *serv;
    MASTER_SERV *next;

    msg_info("reload -- version %s, configuration %s", MAIL_VERSION, mail_conf_dir());
    mail_conf_read();
    mail_params_init();
    maillog_init("master", master_foreground ? MAILLOG_FLAG_STDERR : 0);
    (void)mail_conf_check_unused();
    master_ent_env();
    fresh = master_ent_load(master_config_cf_path());
    for (serv = fresh; serv; serv = serv->next)
        for (old = master_services; old; old = old->next)
            if (old->listen_fds && master_ent_same_endpoints(serv, old))
                master_listen_take(serv, old);
    for (old = master_services; old; old = next) {
        next = old->next;
        master_config_deactivate(old);
    }
    master_config_activate_all(fresh);
}

/* master_config_stop - leave for good */
void
master_config_stop(void)
{
    master_pid_remove();
    exit(0);
}
