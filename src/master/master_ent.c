/*
 * master_ent - turn master.cf into the list of services that master runs.
 *
 * master_ent_load(path) reads master.cf (errors are logged as warnings and
 * the bad lines skipped), and builds one MASTER_SERV per usable entry: its
 * endpoints (unix and fifo: "private/NAME" or "public/NAME", relative to
 * queue_directory; inet: "host:port" for the given host, else one per
 * inet_interfaces address) and the child's command line
 *
 *      COMMAND -c CONFIG_DIR -n NAME -t TYPE [-s N] [-u] [-r] [-v] ARGS...
 *
 * Entries that master cannot run are skipped with one warning each, never
 * fatal: a program missing from daemon_directory (Debian's stock master.cf
 * names smtpd, tlsmgr, ...), and the types unix-dgram and pass.
 * master_ent_env() rebuilds the children's environment from
 * import_environment, plus MAIL_CONFIG.
 *
 * LOGGING: "warning: PATH, line N: service NAME/TYPE: PROGRAM: No such file
 * or directory -- skipped"; "warning: PATH, line N: service NAME/TYPE:
 * type TYPE is not supported -- skipped"; "warning: ...: wakeup is
 * ignored for inet services".
 *
 * Memory: master_ent_free() releases one service (listeners must be closed
 * first); master_child_env is owned here.
 */
#include "sys_defs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstring.h"

#include "mail_conf.h"
#include "mail_params.h"
#include "master_conf.h"

#include "master.h"
#include "master_proto.h"

ARGV *master_child_env;

/* master_ent_endpoint_inet - the endpoints of one inet service */
static void
master_ent_endpoint_inet(MASTER_SERV *serv, MASTER_ENT *ent)
{
    ARGV *hosts;
    const char *host;
    ssize_t i;

    if (ent->host && strcmp(ent->host, "*") != 0) {
        host = ent->host;
        hosts = argv_split(host, ",");
    } else if (strcasecmp(var_inet_interfaces, "all") == 0) {
        hosts = argv_split("", " ");
        argv_add(hosts, "", (char *)0);
    } else if (strcasecmp(var_inet_interfaces, "loopback-only") == 0) {
        hosts = argv_split("127.0.0.1", " ");
    } else {
        hosts = argv_split(var_inet_interfaces, ", \t\r\n");
    }
    for (i = 0; i < hosts->argc && i < MASTER_LISTEN_MAX; i++) {
        host = hosts->argv[i];
        if (strchr(host, ':') != 0 && *host != '[') {
            char *addr = concatenate("[", host, "]:", ent->port, (char *)0);

            argv_add(serv->endpoints, addr, (char *)0);
            myfree(addr);
        } else {
            char *addr = concatenate(host, ":", ent->port, (char *)0);

            argv_add(serv->endpoints, addr, (char *)0);
            myfree(addr);
        }
    }
    argv_free(hosts);
}

/* master_ent_args - the child's command line */
static void
master_ent_args(MASTER_SERV *serv, MASTER_ENT *ent)
{
    char count[20];
    ssize_t i;

    serv->args = argv_alloc(10 + ent->args->argc);
    argv_add(serv->args, ent->command, "-c", mail_conf_dir(), "-n", serv->name, "-t",
             serv->type_name, (char *)0);
    if (serv->endpoints->argc > 1) {
        (void)snprintf(count, sizeof(count), "%ld", (long)serv->endpoints->argc);
        argv_add(serv->args, "-s", count, (char *)0);
    }
    if (serv->unpriv)
        argv_add(serv->args, "-u", (char *)0);
    if (serv->chroot)
        argv_add(serv->args, "-r", (char *)0);
    if (msg_verbose)
        argv_add(serv->args, "-v", (char *)0);
    for (i = 0; i < ent->args->argc; i++)
        argv_add(serv->args, ent->args->argv[i], (char *)0);
}

/* master_ent_type - map the type column; 0 when master cannot run it */
static int
master_ent_type(const char *type)
{
    if (strcmp(type, MASTER_TYPE_UNIX) == 0)
        return (MASTER_SERV_UNIX);
    if (strcmp(type, MASTER_TYPE_INET) == 0)
        return (MASTER_SERV_INET);
    if (strcmp(type, MASTER_TYPE_FIFO) == 0)
        return (MASTER_SERV_FIFO);
    return (0);
}

/* master_ent_build - one service from one master.cf entry, or NULL */
static MASTER_SERV *
master_ent_build(MASTER_ENT *ent, const char *cf_path)
{
    MASTER_SERV *serv;
    char *path;
    int type;

    if ((type = master_ent_type(ent->type)) == 0) {
        msg_warn("%s, line %d: service %s/%s: type %s is not supported -- skipped", cf_path,
                 ent->line, ent->service, ent->type, ent->type);
        return (0);
    }
    path = *ent->command == '/' ? mystrdup(ent->command)
                                : concatenate(var_daemon_directory, "/", ent->command, (char *)0);
    if (access(path, X_OK) < 0) {
        msg_warn("%s, line %d: service %s/%s: %s: %m -- skipped", cf_path, ent->line, ent->service,
                 ent->type, path);
        myfree(path);
        return (0);
    }
    serv = (MASTER_SERV *)mycalloc(1, sizeof(*serv));
    serv->name = mystrdup(ent->service);
    serv->type_name = mystrdup(ent->type);
    serv->type = type;
    serv->private_flag = ent->private_flag;
    serv->unpriv = ent->unpriv;
    serv->chroot = ent->chroot;
    serv->wakeup_time = ent->wakeup;
    serv->wakeup_conditional = ent->wakeup_conditional;
    serv->max_proc = ent->maxproc;
    serv->line = ent->line;
    serv->path = path;
    serv->endpoints = argv_alloc(2);
    serv->status_fd[0] = serv->status_fd[1] = -1;
    if (type == MASTER_SERV_INET) {
        master_ent_endpoint_inet(serv, ent);
        if (serv->wakeup_time > 0) {
            msg_warn("%s, line %d: service %s/%s: wakeup is ignored for inet services", cf_path,
                     ent->line, ent->service, ent->type);
            serv->wakeup_time = 0;
        }
    } else {
        char *ep = concatenate(serv->private_flag ? "private/" : "public/", serv->name, (char *)0);

        argv_add(serv->endpoints, ep, (char *)0);
        myfree(ep);
    }
    master_ent_args(serv, ent);
    return (serv);
}

/* master_ent_load - read master.cf into a list of runnable services */
MASTER_SERV *
master_ent_load(const char *path)
{
    MASTER_CONF *conf = master_conf_read(path, MASTER_CONF_FLAG_WARN);
    MASTER_SERV *head = 0;
    MASTER_SERV **tail = &head;
    MASTER_SERV *serv;
    ssize_t i;

    for (i = 0; i < conf->count; i++) {
        if ((serv = master_ent_build(conf->entries[i], path)) != 0) {
            *tail = serv;
            tail = &serv->next;
        }
    }
    master_conf_free(conf);
    return (head);
}

/* master_ent_same_endpoints - true when two services listen alike */
int
master_ent_same_endpoints(MASTER_SERV *a, MASTER_SERV *b)
{
    ssize_t i;

    if (strcmp(a->name, b->name) != 0 || a->type != b->type ||
        a->endpoints->argc != b->endpoints->argc)
        return (0);
    for (i = 0; i < a->endpoints->argc; i++)
        if (strcmp(a->endpoints->argv[i], b->endpoints->argv[i]) != 0)
            return (0);
    return (1);
}

/* master_ent_free - release one service */
void
master_ent_free(MASTER_SERV *serv)
{
    if (serv->listen_fds)
        myfree(serv->listen_fds);
    if (serv->status_buf)
        vstring_free(serv->status_buf);
    argv_free(serv->endpoints);
    argv_free(serv->args);
    myfree(serv->path);
    myfree(serv->type_name);
    myfree(serv->name);
    myfree(serv);
}

/* master_ent_env - the environment that every child gets */
void
master_ent_env(void)
{
    ARGV *names = argv_split(var_import_environment, ", \t\r\n");
    const char *value;
    char *entry;
    ssize_t i;

    if (master_child_env)
        argv_free(master_child_env);
    master_child_env = argv_alloc(names->argc + 2);
    for (i = 0; i < names->argc; i++) {
        if (strncmp(names->argv[i], "MAIL_CONFIG", 11) == 0)
            continue;
        if (strchr(names->argv[i], '=') != 0) {
            argv_add(master_child_env, names->argv[i], (char *)0);
        } else if ((value = getenv(names->argv[i])) != 0) {
            entry = concatenate(names->argv[i], "=", value, (char *)0);
            argv_add(master_child_env, entry, (char *)0);
            myfree(entry);
        }
    }
    entry = concatenate("MAIL_CONFIG=", mail_conf_dir(), (char *)0);
    argv_add(master_child_env, entry, (char *)0);
    myfree(entry);
    argv_free(names);
}
