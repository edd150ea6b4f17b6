/*
 * mail_server - the start-up code that every postern daemon shares:
 * command line, configuration, logging, privilege drop, and the status
 * channel to master. single_server.c and trigger_server.c build on it.
 *
 * Command line (master passes it; see docs/master.md):
 *      DAEMON -c config_dir -n service -t type [-s count] [-u] [-r] [-v]
 *             [-S] [-o name=value]... [service arguments]
 *
 * Order of start-up: logging with default settings, main.cf, -o overrides,
 * mail_params_init(), logging again as main.cf says, chdir to
 * queue_directory, PRE_INIT (privileged), chroot (-r, root only), drop to
 * mail_owner (root only, unless MAIL_SERVER_PRIVILEGED), POST_INIT.
 *
 * SECURITY: when started as root, the process becomes mail_owner (with its
 * supplementary groups) before it touches any request; a mail_owner that is
 * missing or has uid 0 is fatal, and so is a privilege change that did not
 * take. Started by another user, nothing changes.
 *
 * LOGGING: "fatal: usage: ..." on a bad command line; "fatal: mail_owner
 * user NAME: no such user"; "fatal: chroot NAME: ..."; start-up and exit
 * are silent unless -v.
 *
 * Memory: var_procname and var_servname are allocated once and live for
 * the life of the process.
 */
#include "sys_defs.h"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "events.h"
#include "iostuff.h"
#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"

#include "mail_conf.h"
#include "mail_params.h"
#include "maillog.h"

#include "mail_server_int.h"

char *var_procname;
char *var_servname;

/* mail_server_opts - take the daemon's hooks and flags from its varargs */
static void
mail_server_opts(MAIL_SERVER_CTX *ctx, va_list ap)
{
    int key;

    while ((key = va_arg(ap, int)) != MAIL_SERVER_END) {
        switch (key) {
        case MAIL_SERVER_PRE_INIT:
            ctx->pre_init = va_arg(ap, MAIL_SERVER_INIT_FN);
            break;
        case MAIL_SERVER_POST_INIT:
            ctx->post_init = va_arg(ap, MAIL_SERVER_INIT_FN);
            break;
        case MAIL_SERVER_LOOP:
            ctx->loop = va_arg(ap, MAIL_SERVER_LOOP_FN);
            break;
        case MAIL_SERVER_EXIT:
            ctx->exit_fn = va_arg(ap, MAIL_SERVER_EXIT_FN);
            break;
        case MAIL_SERVER_PRIVILEGED:
            ctx->privileged = 1;
            break;
        case MAIL_SERVER_UNLIMITED:
            ctx->unlimited = 1;
            break;
        default:
            msg_panic("mail_server: unknown option key %d", key);
        }
    }
}

/* mail_server_usage - complain about the command line */
static NORETURN
mail_server_usage(void)
{
    msg_fatal("usage: %s [-c config_dir] [-n service] [-t type] [-s count] "
              "[-o name=value] [-u] [-r] [-S] [-v] [args...]",
              var_procname);
}

/* mail_server_args - parse the command line; returns the -o overrides */
static ARGV *
mail_server_args(MAIL_SERVER_CTX *ctx, int argc, char **argv, int *chroot_flag)
{
    ARGV *overrides = argv_alloc(4);
    long count;
    int ch;

    opterr = 0;
    while ((ch = getopt(argc, argv, "+c:n:o:rs:St:uvdlz")) > 0) {
        switch (ch) {
        case 'c':
            mail_conf_set_dir(optarg);
            break;
        case 'n':
            myfree(var_servname);
            var_servname = mystrdup(optarg);
            break;
        case 'o':
            if (strchr(optarg, '=') == 0)
                msg_fatal("-o %s: expected name=value", optarg);
            argv_add(overrides, optarg, (char *)0);
            break;
        case 'r':
            *chroot_flag = 1;
            break;
        case 's':
            if (parse_long(optarg, &count) < 0 || count < 1 || count > MASTER_LISTEN_MAX)
                msg_fatal("-s %s: bad listener count", optarg);
            ctx->listen_count = (int)count;
            break;
        case 'S':
            ctx->stand_alone = 1;
            break;
        case 't':
            ctx->transport = optarg;
            break;
        case 'v':
            msg_verbose++;
            break;
        case 'u':
        case 'd':
        case 'l':
        case 'z':
            break; /* informational */
        default:
            mail_server_usage();
        }
    }
    ctx->argv = argv + optind;
    return (overrides);
}

/* mail_server_config - load main.cf with the -o overrides applied */
static void
mail_server_config(ARGV *overrides)
{
    char *name;
    char *value;
    ssize_t i;

    mail_conf_read();
    for (i = 0; i < overrides->argc; i++) {
        name = mystrdup(overrides->argv[i]);
        value = split_at(name, '=');
        mail_conf_update(name, value);
        myfree(name);
    }
    mail_params_init();
}

/* mail_server_drop - chroot if asked and become mail_owner, when root */
static void
mail_server_drop(MAIL_SERVER_CTX *ctx, int chroot_flag)
{
    struct passwd *pw;
    uid_t uid;
    gid_t gid;

    if (getuid() != 0 && geteuid() != 0)
        return;
    if ((pw = getpwnam(var_mail_owner)) == 0)
        msg_fatal("mail_owner user %s: no such user", var_mail_owner);
    if ((uid = pw->pw_uid) == 0)
        msg_fatal("mail_owner user %s has privileged user ID", var_mail_owner);
    gid = pw->pw_gid;
    if (chroot_flag) {
        if (chroot(var_queue_directory) < 0 || chdir("/") < 0)
            msg_fatal("chroot %s: %m", var_queue_directory);
        if (msg_verbose)
            msg_info("chroot %s", var_queue_directory);
    }
    if (ctx->privileged)
        return;
    if (setgid(gid) < 0 || initgroups(var_mail_owner, gid) < 0 || setuid(uid) < 0)
        msg_fatal("cannot become %s (uid %ld gid %ld): %m", var_mail_owner, (long)uid, (long)gid);
    if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid ||
        setuid(0) == 0)
        msg_fatal("privilege drop to %s did not take", var_mail_owner);
}

/* mail_server_fds - check the descriptors that master should have passed */
static void
mail_server_fds(MAIL_SERVER_CTX *ctx)
{
    struct stat st;

    if (fstat(MASTER_LISTEN_FD, &st) < 0) {
        if (!ctx->stand_alone)
            msg_fatal("no listener on descriptor %d: run me from master, or use -S",
                      MASTER_LISTEN_FD);
        ctx->listen_count = 0;
    } else if (ctx->listen_count == 0) {
        ctx->listen_count = 1;
    }
    ctx->status_fd = -1;
    if (!ctx->stand_alone) {
        if (fstat(MASTER_STATUS_FD, &st) < 0)
            msg_fatal("no status channel on descriptor %d", MASTER_STATUS_FD);
        ctx->status_fd = MASTER_STATUS_FD;
        close_on_exec(MASTER_STATUS_FD, 1);
    }
}

/* mail_server_start - everything before the first request */
void
mail_server_start(MAIL_SERVER_CTX *ctx, int argc, char **argv, va_list ap)
{
    const char *slash;
    ARGV *overrides;
    int chroot_flag = 0;
    int i;

    memset(ctx, 0, sizeof(*ctx));
    mail_server_opts(ctx, ap);
    slash = strrchr(argv[0], '/');
    var_procname = mystrdup(slash ? slash + 1 : argv[0]);
    var_servname = mystrdup(var_procname);
    signal(SIGPIPE, SIG_IGN);
    maillog_init(var_procname, MAILLOG_FLAG_STDERR);
    overrides = mail_server_args(ctx, argc, argv, &chroot_flag);
    mail_server_config(overrides);
    argv_free(overrides);
    maillog_init(var_procname, ctx->stand_alone ? MAILLOG_FLAG_STDERR : 0);
    mail_server_fds(ctx);
    for (i = 0; i < ctx->listen_count; i++)
        close_on_exec(MASTER_LISTEN_FD + i, 1);
    if (chdir(var_queue_directory) < 0)
        msg_fatal("chdir %s: %m", var_queue_directory);
    if (ctx->pre_init)
        ctx->pre_init(var_servname, ctx->argv);
    mail_server_drop(ctx, chroot_flag);
    if (ctx->post_init)
        ctx->post_init(var_servname, ctx->argv);
    if (msg_verbose)
        msg_info("%s: service %s ready", var_procname, var_servname);
}

/* mail_server_notify - tell master that we are busy or idle */
void
mail_server_notify(MAIL_SERVER_CTX *ctx, int status)
{
    char buf[MASTER_STAT_RECORD_MAX];
    int len;

    if (ctx->status_fd < 0)
        return;
    len = snprintf(buf, sizeof(buf), "%c %ld\n", status, (long)getpid());
    if (write_buf(ctx->status_fd, buf, (size_t)len, var_ipc_timeout) != len) {
        if (msg_verbose)
            msg_info("status channel to master: %m -- exiting");
        mail_server_exit(ctx);
    }
}

/* mail_server_master_event - master closed the status channel */
static void
mail_server_master_event(int event, void *context)
{
    MAIL_SERVER_CTX *ctx = context;
    char buf[64];
    ssize_t n;

    (void)event;
    /* Nothing is ever sent this way; any input or EOF means "go away". */
    n = read(ctx->status_fd, buf, sizeof(buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (msg_verbose)
        msg_info("master disconnected -- exiting");
    mail_server_exit(ctx);
}

/* mail_server_watch_master - exit when master goes away or reloads */
void
mail_server_watch_master(MAIL_SERVER_CTX *ctx)
{
    if (ctx->status_fd >= 0) {
        non_blocking(ctx->status_fd, NON_BLOCKING);
        event_enable_read(ctx->status_fd, mail_server_master_event, ctx);
    }
}

/* mail_server_wait_time - how long the next event_loop round may wait */
int
mail_server_wait_time(MAIL_SERVER_CTX *ctx)
{
    return (ctx->loop ? ctx->loop(var_servname, ctx->argv) : -1);
}

/* mail_server_done - true when max_use says that it is time to go */
int
mail_server_done(MAIL_SERVER_CTX *ctx)
{
    return (!ctx->unlimited && ctx->use_count >= var_max_use);
}

/* mail_server_exit - run the exit hook and leave */
NORETURN
mail_server_exit(MAIL_SERVER_CTX *ctx)
{
    if (ctx->exit_fn)
        ctx->exit_fn(var_servname, ctx->argv);
    exit(0);
}

/* mail_server_idle - max_idle seconds without a request: exit */
static void
mail_server_idle(int event, void *context)
{
    (void)event;
    if (msg_verbose)
        msg_info("idle timeout -- exiting");
    mail_server_exit((MAIL_SERVER_CTX *)context);
}

/* mail_server_arm_idle - restart the idle timer */
void
mail_server_arm_idle(MAIL_SERVER_CTX *ctx)
{
    if (!ctx->unlimited && !ctx->stand_alone)
        event_request_timer(mail_server_idle, ctx, var_max_idle);
}

/* mail_server_disarm_idle - a request is being served: no idle exit now */
void
mail_server_disarm_idle(MAIL_SERVER_CTX *ctx)
{
    event_cancel_timer(mail_server_idle, ctx);
}

/* mail_server_request_begin - a request arrived: tell master we are busy */
void
mail_server_request_begin(MAIL_SERVER_CTX *ctx)
{
    mail_server_disarm_idle(ctx);
    mail_server_notify(ctx, MASTER_STAT_BUSY);
}

/* mail_server_request_end - count the request, then exit or go idle */
void
mail_server_request_end(MAIL_SERVER_CTX *ctx)
{
    ctx->use_count++;
    if (mail_server_done(ctx))
        mail_server_exit(ctx);
    mail_server_notify(ctx, MASTER_STAT_IDLE);
    mail_server_arm_idle(ctx);
}
