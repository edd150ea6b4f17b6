/*
 * postern - start, stop and inspect the postern mail system.
 *
 * SYNOPSIS
 *      postern [-c config_dir] [-v] command
 *
 * COMMANDS
 *      start     check the configuration, then start master; returns once
 *                master holds its pid file lock (or failed).
 *      start-fg  run master in the foreground (for containers, supervisors).
 *      stop      ask master to stop (SIGTERM) and wait until it is gone
 *                (at most 30 seconds).
 *      abort     stop at once (SIGQUIT: children get SIGKILL).
 *      reload    check, then make master re-read its configuration (SIGHUP).
 *      status    say whether master is running (exit 0) or not (exit 1).
 *      check     main.cf and master.cf load, daemon_directory has the
 *                programs that master.cf names (missing ones are warnings),
 *                the queue tree exists with the expected owners and modes,
 *                postdrop and postqueue are setgid setgid_group. Exit 1 when
 *                something is broken (not for warnings).
 *      flush     ask qmgr to retry all deferred mail now (as postqueue -f).
 *
 *      MAIL_CONFIG names the configuration directory unless -c does.
 *
 * DIAGNOSTICS
 *      Messages go to stderr and to the mail log, as
 *      "postern/postern-script: starting the postern mail system",
 *      "postern/postern-script: the postern mail system is running: PID: N",
 *      "postern/postern-script: fatal: the postern mail system is not
 *      running". Whether master runs is decided by the lock on
 *      $queue_directory/pid/master.pid, not by the file's content.
 *
 * SECURITY
 *      Not set-uid. stop/reload/abort signal the process that holds the
 *      pid file lock, which the caller must be allowed to signal.
 */
#include "sys_defs.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iostuff.h"
#include "lock.h"
#include "msg.h"
#include "mymalloc.h"
#include "sock.h"
#include "stringops.h"
#include "vstring.h"

#include "mail_conf.h"
#include "mail_params.h"
#include "mail_proto.h"
#include "mail_queue.h"
#include "maillog.h"
#include "master_conf.h"

#include "queue_tree.h"

#define POSTERN_WAIT 30

/* postern_pid_path - $queue_directory/$process_id_directory/master.pid */
static char *
postern_pid_path(void)
{
    return (
        concatenate(var_queue_directory, "/", var_process_id_directory, "/master.pid", (char *)0));
}

/* postern_running - pid of the master that holds the lock, or 0 */
static pid_t
postern_running(void)
{
    char *path = postern_pid_path();
    pid_t pid = lock_holder(path);

    myfree(path);
    return (pid);
}

/* postern_check_master_cf - load master.cf and look for its programs */
static int
postern_check_master_cf(void)
{
    char *path = concatenate(mail_conf_dir(), "/master.cf", (char *)0);
    MASTER_CONF *conf = master_conf_read(path, MASTER_CONF_FLAG_NONE);
    int errors = (int)conf->errors->argc;
    MASTER_ENT *ent;
    char *prog;
    ssize_t i;

    for (i = 0; i < conf->errors->argc; i++)
        msg_warn("%s", conf->errors->argv[i]);
    for (i = 0; i < conf->count; i++) {
        ent = conf->entries[i];
        prog = *ent->command == '/'
                   ? mystrdup(ent->command)
                   : concatenate(var_daemon_directory, "/", ent->command, (char *)0);
        if (access(prog, X_OK) < 0)
            msg_warn("%s, line %d: service %s/%s: %s: %m", path, ent->line, ent->service, ent->type,
                     prog);
        myfree(prog);
    }
    master_conf_free(conf);
    myfree(path);
    return (errors);
}

/* postern_check_setgid - postdrop and postqueue must be setgid setgid_group */
static void
postern_check_setgid(const QUEUE_TREE_IDS *ids)
{
    static const char *progs[] = {"postdrop", "postqueue", 0};
    struct stat st;
    char *path;
    int i;

    if (!ids->privileged)
        return;
    for (i = 0; progs[i]; i++) {
        path = concatenate(var_command_directory, "/", progs[i], (char *)0);
        if (stat(path, &st) == 0) {
            if (st.st_gid != ids->setgid_gid)
                msg_warn("%s: wrong group gid %ld, expected %s (gid %ld)", path, (long)st.st_gid,
                         var_setgid_group, (long)ids->setgid_gid);
            if ((st.st_mode & S_ISGID) == 0)
                msg_warn("%s: not set-gid; expected mode 2755", path);
        }
        myfree(path);
    }
}

/* postern_check - every check; returns the number of errors */
static int
postern_check(int starting)
{
    QUEUE_TREE_IDS ids;
    VSTRING *why = vstring_alloc(100);
    int errors = 0;
    char *path;

    (void)mail_conf_check_unused();
    errors += postern_check_master_cf();
    path = concatenate(var_daemon_directory, "/master", (char *)0);
    if (access(path, X_OK) < 0 && ++errors)
        msg_warn("%s: %m", path);
    myfree(path);
    if (queue_tree_ids(&ids, why) < 0) {
        msg_warn("%s", STR(why));
        errors++;
    } else {
        /* At start, master creates whatever part of the tree is missing. */
        /* Like "postfix check": create what is missing, then verify it all. */
        if (!starting) {
            queue_tree_create(var_queue_directory, &ids);
            errors += queue_tree_check(var_queue_directory, &ids);
        }
        postern_check_setgid(&ids);
    }
    vstring_free(why);
    return (errors);
}

/* postern_wait_gone - wait until master has released its lock */
static int
postern_wait_gone(int seconds)
{
    time_t deadline = time((time_t *)0) + seconds;

    while (postern_running() != 0) {
        if (time((time_t *)0) > deadline)
            return (-1);
        doze(100000);
    }
    return (0);
}

/* postern_run_master - run master and wait for its parent to report */
static int
postern_run_master(void)
{
    char *path = concatenate(var_daemon_directory, "/master", (char *)0);
    time_t deadline = time((time_t *)0) + POSTERN_WAIT;
    pid_t pid;
    int status;

    if ((pid = fork()) < 0)
        msg_fatal("fork: %m");
    if (pid == 0) {
        execl(path, "master", "-c", mail_conf_dir(), (msg_verbose ? "-v" : (char *)0), (char *)0);
        msg_fatal("exec %s: %m", path);
    }
    myfree(path);
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (time((time_t *)0) > deadline) {
            (void)kill(pid, SIGKILL);
            msg_fatal("master did not report back in %d seconds", POSTERN_WAIT);
        }
        doze(50000);
    }
    return (WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/*
 * Temporary queue files (NAME.tmp) belong to a writer that has not yet
 * acknowledged anything. With master stopped no cleanup runs, so every
 * one in incoming/ is left over from a crash; postdrop runs without
 * master, so maildrop/ keeps young ones.
 */
#define POSTERN_STALE_MAILDROP (24 * 3600)

/* postern_remove_stale - remove temporary files left by a crashed writer */
static void
postern_remove_stale(const char *queue, int min_age)
{
    VSTRING *path = vstring_alloc(100);
    char *queue_path = concatenate(var_queue_directory, "/", queue, (char *)0);
    struct dirent *dp;
    struct stat st;
    size_t len;
    DIR *dir;

    dir = opendir(queue_path);
    myfree(queue_path);
    if (dir == NULL) {
        vstring_free(path);
        return;
    }
    while ((dp = readdir(dir)) != NULL) {
        len = strlen(dp->d_name);
        if (len < 5 || strcmp(dp->d_name + len - 4, ".tmp") != 0)
            continue;
        vstring_sprintf(path, "%s/%s/%s", var_queue_directory, queue, dp->d_name);
        if (lstat(STR(path), &st) < 0 || !S_ISREG(st.st_mode) ||
            time((time_t *)0) - st.st_mtime < min_age)
            continue;
        if (unlink(STR(path)) == 0)
            msg_info("removed stale temporary file %s", STR(path));
    }
    closedir(dir);
    vstring_free(path);
}

/* postern_start - check, then start master */
static int
postern_start(void)
{
    pid_t pid;

    if (postern_check(1) > 0)
        msg_fatal("configuration problems -- the %s mail system was not started", MAIL_NAME);
    if ((pid = postern_running()) != 0)
        msg_fatal("the %s mail system is already running", MAIL_NAME);
    postern_remove_stale(MAIL_QUEUE_INCOMING, 0);
    postern_remove_stale(MAIL_QUEUE_MAILDROP, POSTERN_STALE_MAILDROP);
    msg_info("starting the %s mail system", MAIL_NAME);
    if (postern_run_master() != 0)
        msg_fatal("mail system startup failed");
    if (postern_running() == 0)
        msg_fatal("mail system startup failed: master is not running");
    return (0);
}

/* postern_start_fg - become master, in the foreground */
static NORETURN
postern_start_fg(void)
{
    char *path = concatenate(var_daemon_directory, "/master", (char *)0);

    if (postern_check(1) > 0)
        msg_fatal("configuration problems -- the %s mail system was not started", MAIL_NAME);
    if (postern_running() != 0)
        msg_fatal("the %s mail system is already running", MAIL_NAME);
    execl(path, "master", "-d", "-c", mail_conf_dir(), (char *)0);
    msg_fatal("exec %s: %m", path);
}

/* postern_signal - send a signal to master; fatal when it is not running */
static pid_t
postern_signal(int sig)
{
    pid_t pid;

    if ((pid = postern_running()) == 0)
        msg_fatal("the %s mail system is not running", MAIL_NAME);
    if (kill(pid, sig) < 0)
        msg_fatal("signal master pid %ld: %m", (long)pid);
    return (pid);
}

/* postern_flush - ask qmgr to deliver everything it can, now */
static int
postern_flush(void)
{
    static const char req[] = {QMGR_REQ_FLUSH_DEAD, QMGR_REQ_SCAN_ALL, QMGR_REQ_SCAN_DEFERRED};
    struct stat st;
    char *path;
    int ret;

    if (postern_running() == 0)
        msg_fatal("the %s mail system is not running", MAIL_NAME);
    path =
        concatenate(var_queue_directory, "/" MAIL_CLASS_PUBLIC "/" MAIL_SERVICE_QUEUE, (char *)0);
    ret = trigger_send(path, stat(path, &st) == 0 && S_ISFIFO(st.st_mode), req,
                       (ssize_t)sizeof(req), var_trigger_timeout);
    if (ret < 0)
        msg_fatal("cannot flush the mail queue: %s: %m", path);
    myfree(path);
    return (0);
}

/* postern_command - run one command; returns the exit status */
static int
postern_command(const char *cmd)
{
    pid_t pid;

    if (strcmp(cmd, "start") == 0)
        return (postern_start());
    if (strcmp(cmd, "start-fg") == 0)
        postern_start_fg();
    if (strcmp(cmd, "stop") == 0 || strcmp(cmd, "abort") == 0) {
        postern_signal(strcmp(cmd, "stop") == 0 ? SIGTERM : SIGQUIT);
        msg_info("stopping the %s mail system", MAIL_NAME);
        if (postern_wait_gone(POSTERN_WAIT) < 0)
            msg_fatal("the %s mail system did not stop in %d seconds", MAIL_NAME, POSTERN_WAIT);
        return (0);
    }
    if (strcmp(cmd, "reload") == 0) {
        if (postern_check(1) > 0)
            msg_fatal("configuration problems -- not reloading");
        postern_signal(SIGHUP);
        msg_info("refreshing the %s mail system", MAIL_NAME);
        return (0);
    }
    if (strcmp(cmd, "status") == 0) {
        if ((pid = postern_running()) == 0) {
            msg_info("the %s mail system is not running", MAIL_NAME);
            return (1);
        }
        msg_info("the %s mail system is running: PID: %ld", MAIL_NAME, (long)pid);
        return (0);
    }
    if (strcmp(cmd, "check") == 0)
        return (postern_check(0) > 0 ? 1 : 0);
    if (strcmp(cmd, "flush") == 0)
        return (postern_flush());
    msg_fatal("unknown command: '%s'. Use one of: start start-fg stop abort reload "
              "status check flush",
              cmd);
}

/* main - parse the command line, load main.cf, run the command */
int
main(int argc, char **argv)
{
    int ch;

    maillog_init("postern-script", MAILLOG_FLAG_STDERR);
    while ((ch = getopt(argc, argv, "c:v")) > 0) {
        switch (ch) {
        case 'c':
            mail_conf_set_dir(optarg);
            break;
        case 'v':
            msg_verbose++;
            break;
        default:
            msg_fatal("usage: postern [-c config_dir] [-v] command");
        }
    }
    if (optind + 1 != argc)
        msg_fatal("usage: postern [-c config_dir] [-v] command");
    mail_conf_read();
    mail_params_init();
    maillog_init("postern-script", MAILLOG_FLAG_STDERR);
    exit(postern_command(argv[optind]));
}
