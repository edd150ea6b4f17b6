/*
 * master - what the modules of the master daemon share.
 *
 * A MASTER_SERV is one service from master.cf that master runs: its
 * listeners, its status channel, its process counts and its command line.
 * A MASTER_PROC is one child. master_ent.c builds the service list from
 * master.cf; master_listen.c opens and closes endpoints; master_status.c
 * reads busy/idle reports; master_spawn.c starts, reaps, throttles and
 * stops children; master_avail.c decides when master watches a listener;
 * master_wakeup.c sends the periodic wakeups; master_sig.c turns signals
 * into events; master_pid.c keeps the pid file.
 *
 * Memory: the service list and the process list belong to master; a
 * service removed by a reload is freed after its children are retired
 * (proc->serv becomes NULL), and a retired child is freed when reaped.
 */
#ifndef MASTER_H
#define MASTER_H

#include "sys_defs.h"
#include "argv.h"
#include "vstring.h"
#include <time.h>

#define MASTER_SERV_UNIX 1
#define MASTER_SERV_INET 2
#define MASTER_SERV_FIFO 3

typedef struct MASTER_SERV {
    char *name;      /* column 1 */
    char *type_name; /* column 2 */
    int type;        /* MASTER_SERV_* */
    int private_flag;
    int unpriv;
    int chroot;
    int wakeup_time; /* 0: none */
    int wakeup_conditional;
    int max_proc;    /* 0: unlimited */
    int line;        /* where in master.cf */
    char *path;      /* daemon_directory/command */
    ARGV *args;      /* the child's argv */
    ARGV *endpoints; /* "private/NAME", "127.0.0.1:25", ... */
    int listen_count;
    int *listen_fds;     /* -1 where not (yet) open */
    int status_fd[2];    /* [0]: master's end, [1]: the children's */
    VSTRING *status_buf; /* partial status records */
    int total_proc;
    int avail_proc;
    int throttled;
    int listening; /* listener events are enabled */
    struct MASTER_SERV *next;
} MASTER_SERV;

typedef struct MASTER_PROC {
    pid_t pid;
    MASTER_SERV *serv; /* NULL: retired by a reload */
    int avail;         /* counted in serv->avail_proc */
    int use_count;     /* busy reports seen */
    time_t start;
    char *path; /* program, for log lines */
    struct MASTER_PROC *next;
} MASTER_PROC;

extern MASTER_SERV *master_services;
extern MASTER_PROC *master_procs;
extern ARGV *master_child_env;
extern int master_foreground;
extern int master_privileged;  /* running as root */
extern uid_t master_owner_uid; /* mail_owner, when privileged */
extern gid_t master_owner_gid;

/* master_ent.c */
extern MASTER_SERV *master_ent_load(const char *path);
extern void master_ent_free(MASTER_SERV *serv);
extern int master_ent_same_endpoints(MASTER_SERV *a, MASTER_SERV *b);
extern void master_ent_env(void);

/* master_listen.c */
extern int master_listen_open(MASTER_SERV *serv);
extern void master_listen_close(MASTER_SERV *serv);
extern void master_listen_take(MASTER_SERV *to, MASTER_SERV *from);

/* master_status.c */
extern void master_status_open(MASTER_SERV *serv);
extern void master_status_close(MASTER_SERV *serv);

/* master_avail.c */
extern void master_avail_update(MASTER_SERV *serv);
extern void master_avail_stop(MASTER_SERV *serv);

/* master_spawn.c */
extern void master_spawn(MASTER_SERV *serv);
extern void master_reap(void);
extern void master_throttle(MASTER_SERV *serv);
extern void master_unthrottle_cancel(MASTER_SERV *serv);
extern void master_retire(MASTER_SERV *serv);
extern MASTER_PROC *master_proc_find(pid_t pid);
extern void master_kill_all(int graceful);

/* master_wakeup.c */
extern void master_wakeup_start(MASTER_SERV *serv);
extern void master_wakeup_stop(MASTER_SERV *serv);

/* master_sig.c */
extern void master_sig_init(void);

/* master_pid.c */
extern void master_pid_lock(const char *path);
extern void master_pid_remove(void);

/* master_config.c */
extern void master_config_start(void);
extern void master_config_reload(void);
extern void master_config_stop(void);

#endif
