/*
 * master_spawn - start, reap, throttle and stop children.
 *
 * master_spawn() forks and execs one child of a service with the status
 * channel on MASTER_STATUS_FD (5), the listeners on MASTER_LISTEN_FD (6)
 * and up, the children's environment (master_ent_env), default signal
 * handling, and every other descriptor closed at exec. A new child counts
 * as idle. master_reap() collects exited children (after SIGCHLD); a child
 * that exits with a non-zero status or on a signal, or that exits at once
 * without serving a request, throttles its service: no new process for
 * service_throttle_time seconds, so a crash loop costs one fork per
 * throttle period. master_retire() detaches the children of a service that
 * a reload replaced; master_kill_all() ends every child (stop and abort).
 *
 * LOGGING (as Postfix):
 *      warning: process /PATH pid N exit status S
 *      warning: process /PATH pid N killed by signal S
 *      warning: /PATH: bad command startup -- throttling
 *      warning: fork: REASON
 */
#include "sys_defs.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "iostuff.h"
#include "msg.h"
#include "mymalloc.h"

#include "mail_params.h"
#include "mail_server.h"

#include "master.h"
#include "master_proto.h"

MASTER_PROC *master_procs;

/* master_child_fds - put the status channel and listeners in place */
static void
master_child_fds(MASTER_SERV *serv)
{
    int high[MASTER_LISTEN_MAX + 1];
    int base = MASTER_LISTEN_FD + MASTER_LISTEN_MAX + 10;
    int i;

    /* Move everything out of the way first: sources may overlap targets. */
    if ((high[0] = fcntl(serv->status_fd[1], F_DUPFD, base)) < 0)
        msg_fatal("dup status channel: %m");
    for (i = 0; i < serv->listen_count; i++)
        if ((high[i + 1] = fcntl(serv->listen_fds[i], F_DUPFD, base)) < 0)
            msg_fatal("dup listener: %m");
    if (dup2(high[0], MASTER_STATUS_FD) < 0)
        msg_fatal("dup2 status channel: %m");
    for (i = 0; i < serv->listen_count; i++)
        if (dup2(high[i + 1], MASTER_LISTEN_FD + i) < 0)
            msg_fatal("dup2 listener: %m");
    for (i = 0; i <= serv->listen_count; i++)
        (void)close(high[i]);
    close_on_exec(MASTER_STATUS_FD, 0);
    for (i = 0; i < serv->listen_count; i++) {
        close_on_exec(MASTER_LISTEN_FD + i, 0);
        non_blocking(MASTER_LISTEN_FD + i, NON_BLOCKING);
    }
    /* Everything else closes at exec; our log channel stays until then. */
    (void)close_range(3, MASTER_STATUS_FD - 1, CLOSE_RANGE_CLOEXEC);
    (void)close_range((unsigned)(MASTER_LISTEN_FD + serv->listen_count), ~0U, CLOSE_RANGE_CLOEXEC);
}

/* master_child_exec - the child side of master_spawn */
static NORETURN
master_child_exec(MASTER_SERV *serv)
{
    static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGPIPE, 0};
    sigset_t none;
    int i;

    for (i = 0; sigs[i]; i++)
        signal(sigs[i], SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, (sigset_t *)0);
    master_child_fds(serv);
    execve(serv->path, serv->args->argv, master_child_env->argv);
    msg_fatal("exec %s: %m", serv->path);
}

/* master_spawn - start one child of a service */
void
master_spawn(MASTER_SERV *serv)
{
    MASTER_PROC *proc;
    sigset_t all;
    sigset_t saved;
    pid_t pid;

    if (serv->throttled || (serv->max_proc > 0 && serv->total_proc >= serv->max_proc))
        return;
    /*
     * Until the child has reset its handlers, a signal sent to it (a process
     * group kill) would run master's handler there and write into master's
     * self-pipe: master would act on a signal that was never sent to it.
     */
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &saved);
    if ((pid = fork()) < 0) {
        sigprocmask(SIG_SETMASK, &saved, (sigset_t *)0);
        msg_warn("fork: %m");
        master_throttle(serv);
        return;
    }
    if (pid == 0)
        master_child_exec(serv);
    sigprocmask(SIG_SETMASK, &saved, (sigset_t *)0);
    if (msg_verbose)
        msg_info("spawn %s pid %ld for service %s/%s", serv->path, (long)pid, serv->name,
                 serv->type_name);
    proc = (MASTER_PROC *)mycalloc(1, sizeof(*proc));
    proc->pid = pid;
    proc->serv = serv;
    proc->avail = 1;
    proc->start = time((time_t *)0);
    proc->path = mystrdup(serv->path);
    proc->next = master_procs;
    master_procs = proc;
    serv->total_proc++;
    serv->avail_proc++;
    master_avail_update(serv);
}

/* master_proc_find - look up a child by process ID */
MASTER_PROC *
master_proc_find(pid_t pid)
{
    MASTER_PROC *proc;

    for (proc = master_procs; proc; proc = proc->next)
        if (proc->pid == pid)
            return (proc);
    return (0);
}

/* master_proc_unlink - remove a child from the list */
static MASTER_PROC *
master_proc_unlink(pid_t pid)
{
    MASTER_PROC **pp;
    MASTER_PROC *proc;

    for (pp = &master_procs; (proc = *pp) != 0; pp = &proc->next) {
        if (proc->pid == pid) {
            *pp = proc->next;
            return (proc);
        }
    }
    return (0);
}

/*
 * master_restart_resident - a service with an unconditional wakeup (qmgr,
 * pickup) is meant to run all the time: when its last process is gone,
 * wake it (which starts it) now rather than at the next periodic wakeup,
 * so a crashed qmgr does not leave the queue idle for minutes.
 */
static void
master_restart_resident(MASTER_SERV *serv)
{
    if (serv->wakeup_time > 0 && !serv->wakeup_conditional && serv->total_proc == 0)
        master_wakeup_start(serv);
}

/* master_unthrottle_event - the throttle time is over */
static void
master_unthrottle_event(int event, void *context)
{
    MASTER_SERV *serv = context;

    (void)event;
    serv->throttled = 0;
    if (msg_verbose)
        msg_info("service %s/%s: throttle released", serv->name, serv->type_name);
    master_avail_update(serv);
    master_restart_resident(serv);
}

/* master_throttle - pause a service for service_throttle_time */
void
master_throttle(MASTER_SERV *serv)
{
    if (serv->throttled)
        return;
    serv->throttled = 1;
    event_request_timer(master_unthrottle_event, serv, var_service_throttle_time);
    master_avail_update(serv);
}

/* master_unthrottle_cancel - forget a pending throttle timer */
void
master_unthrottle_cancel(MASTER_SERV *serv)
{
    event_cancel_timer(master_unthrottle_event, serv);
    serv->throttled = 0;
}

/* master_reap_one - account for one exited child */
static void
master_reap_one(MASTER_PROC *proc, int status)
{
    MASTER_SERV *serv = proc->serv;
    int abnormal = WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0);

    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        msg_warn("process %s pid %ld exit status %d", proc->path, (long)proc->pid,
                 WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        msg_warn("process %s pid %ld killed by signal %d", proc->path, (long)proc->pid,
                 WTERMSIG(status));
    if (serv == 0)
        return;
    serv->total_proc--;
    if (proc->avail)
        serv->avail_proc--;
    /* An immediate clean exit without work would otherwise fork in a loop. */
    if (!abnormal && proc->use_count == 0 && time((time_t *)0) - proc->start < 1)
        abnormal = 1;
    if (abnormal && proc->use_count == 0 && !serv->throttled) {
        msg_warn("%s: bad command startup -- throttling", serv->path);
        master_throttle(serv);
    } else if (abnormal && !serv->throttled) {
        msg_warn("%s: abnormal exit -- throttling", serv->path);
        master_throttle(serv);
    }
    master_avail_update(serv);
    if (!serv->throttled)
        master_restart_resident(serv);
}

/* master_reap - collect every child that has exited */
void
master_reap(void)
{
    MASTER_PROC *proc;
    pid_t pid;
    int status;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if ((proc = master_proc_unlink(pid)) == 0)
            continue;
        if (msg_verbose)
            msg_info("reap pid %ld", (long)pid);
        master_reap_one(proc, status);
        myfree(proc->path);
        myfree(proc);
    }
}

/* master_retire - detach the children of a service being replaced */
void
master_retire(MASTER_SERV *serv)
{
    MASTER_PROC *proc;

    for (proc = master_procs; proc; proc = proc->next)
        if (proc->serv == serv)
            proc->serv = 0;
    serv->total_proc = serv->avail_proc = 0;
}

/* master_wait_all - reap silently until no child is left or time is up */
static void
master_wait_all(int seconds)
{
    time_t deadline = time((time_t *)0) + seconds;
    MASTER_PROC *proc;
    pid_t pid;
    int status;

    while (master_procs != 0 && time((time_t *)0) <= deadline) {
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            if ((proc = master_proc_unlink(pid)) != 0) {
                myfree(proc->path);
                myfree(proc);
            }
        }
        if (pid < 0 && errno == ECHILD)
            break;
        if (master_procs != 0)
            doze(50000);
    }
}

/* master_kill_all - end every child: SIGTERM with a grace period, or SIGKILL */
void
master_kill_all(int graceful)
{
    MASTER_PROC *proc;

    for (proc = master_procs; proc; proc = proc->next)
        (void)kill(proc->pid, graceful ? SIGTERM : SIGKILL);
    master_wait_all(graceful ? 5 : 1);
    if (master_procs != 0) {
        for (proc = master_procs; proc; proc = proc->next) {
            msg_warn("process %s pid %ld did not stop -- killing it", proc->path, (long)proc->pid);
            (void)kill(proc->pid, SIGKILL);
        }
        master_wait_all(1);
    }
}
