/*
 * sendmail - the Sendmail-compatible submission command (also mailq and
 * newaliases).
 *
 * SYNOPSIS
 *	sendmail [-t] [-i] [-oi] [-f sender] [-F fullname] [-C dir] [-c dir]
 *		[-v] [-bm] [recipient ...]
 *	sendmail -bp, mailq		(runs "postqueue -p")
 *	sendmail -q			(runs "postqueue -f")
 *	sendmail -bi, -I, newaliases	(not supported yet, see below)
 *
 * DESCRIPTION
 *	sendmail reads a message on standard input and hands it to postdrop,
 *	which stores it in the maildrop queue for pickup. Each recipient
 *	argument may hold a list of addresses ("a, b"). With -t the
 *	recipients are also taken from the To:, Cc: and Bcc: headers (by
 *	cleanup; command-line recipients are added to them); without -t at
 *	least one recipient argument is required. Without -i (or -oi) a line
 *	holding a single "." ends the message. With -t and no recipient
 *	arguments, a message whose header has no address in To:, Cc: or
 *	Bcc: (or in their Resent- forms when it has Resent- headers) is
 *	refused at once ("No recipient addresses found in message header")
 *	instead of being accepted and failing later. A first line "From ..." (an mbox envelope line)
 *is dropped. CR before LF is removed (see sendmail_fix_line_endings). Lines longer than
 *line_length_limit are stored in pieces and joined again at delivery; all bytes (8-bit text, and
 *NUL bytes) are kept as they are.
 *
 *	The envelope sender is -f (or -r), else the login name of the real
 *	user; the full name is -F, else the passwd GECOS field (before the
 *	first comma, "&" replaced by the capitalised login name). The
 *	record stream written to postdrop is TIME, FULL, FLGS, FROM, RCPT...,
 *	MESG, NORM/CONT..., XTRA, END.
 *
 *	Other options: -C/-c DIR (configuration directory, or a main.cf
 *	path; MAIL_CONFIG is set for the commands run), -v (verbose, passed
 *	to postdrop), -bm (the default), -B TYPE (7BIT or 8BITMIME), -oXXX
 *	(other -o options are accepted and ignored), -G, -h N, -L label,
 *	-m, -n, -U, -X file, -qINTERVAL (accepted, no effect), -N, -R, -V
 *	(DSN options: accepted with a warning, not implemented). -bs, -bd,
 *	-bv and the other -b modes are usage errors.
 *
 *	newaliases (and -bi, -I) prints "newaliases: alias tables are not
 *	supported yet" and exits with EX_TEMPFAIL (75).
 *
 *	postdrop and postqueue are run from the directory of sendmail's own
 *	argv[0] when it names a directory holding them, else from
 *	command_directory; never through a shell.
 *
 * EXIT STATUS
 *	0 when postdrop committed the message; EX_USAGE (64) for command
 *	line errors; EX_DATAERR (65) for a message that is too big;
 *	EX_NOUSER (67) when the real user has no passwd entry; postdrop's
 *	own sysexits status when it gives one; EX_TEMPFAIL (75) otherwise.
 *
 * SECURITY
 *	Runs with the caller's privileges; it is not set-uid or set-gid.
 *	The queue is written only by postdrop, which checks every record.
 *
 * STANDARDS
 *	RFC 5322 (the To:, Cc:, Bcc: and Resent- fields that -t looks at).
 *
 * LOGGING
 *	Nothing on success (pickup logs the message). Errors go to the mail
 *	log as "postern/sendmail[PID]: fatal: ...".
 *
 * DIAGNOSTICS
 *	"sendmail: fatal: ..." on standard error (or "mailq:",
 *	"newaliases:"), and to the mail log.
 */
#include "sys_defs.h"
#include "msg.h"
#include "mymalloc.h"
#include "vstream.h"
#include "vstring.h"
#include "argv.h"
#include "stringops.h"
#include "record.h"
#include "rec_type.h"
#include "mail_addr.h"
#include "mail_conf.h"
#include "mail_params.h"
#include "maillog.h"
#include "cleanup_proto.h"

#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>
#include <ctype.h>

typedef enum SENDMAIL_MODE {
    SENDMAIL_MODE_ENQUEUE,
    SENDMAIL_MODE_MAILQ,
    SENDMAIL_MODE_FLUSH,
    SENDMAIL_MODE_NEWALIASES,
    SENDMAIL_MODE_IGNORE,
} SENDMAIL_MODE;

typedef struct SENDMAIL_OPTS {
    SENDMAIL_MODE mode;
    const char *sender;   /* -f/-r, or NULL */
    const char *fullname; /* -F, or NULL */
    const char *config_dir;
    int extract; /* -t */
    int dot;     /* a lone "." ends input */
} SENDMAIL_OPTS;

static char sendmail_name[64] = "sendmail";
static pid_t sendmail_postdrop_pid = -1;
static const char *sendmail_argv0 = "sendmail";

/* sendmail_kill_postdrop - on a fatal error, make postdrop discard its file */
static void
sendmail_kill_postdrop(void)
{
    int status;

    if (sendmail_postdrop_pid > 0) {
        (void)kill(sendmail_postdrop_pid, SIGTERM);
        (void)waitpid(sendmail_postdrop_pid, &status, 0);
        sendmail_postdrop_pid = -1;
    }
}

/* sendmail_program - path of a postern command next to us or in command_directory */
static char *
sendmail_program(const char *name)
{
    const char *slash = strrchr(sendmail_argv0, '/');
    VSTRING *path = vstring_alloc(100);

    if (slash != NULL) {
        vstring_strncpy(path, sendmail_argv0, slash - sendmail_argv0 + 1);
        vstring_strcat(path, name);
        if (access(STR(path), X_OK) == 0)
            return (vstring_export(path));
    }
    vstring_sprintf(path, "%s/%s", var_command_directory, name);
    return (vstring_export(path));
}

/* sendmail_exec_postqueue - replace this process with postqueue */
static NORETURN
sendmail_exec_postqueue(const char *option)
{
    char *path = sendmail_program("postqueue");
    char *args[6];
    int n = 0;

    args[n++] = "postqueue";
    args[n++] = (char *)option;
    if (msg_verbose)
        args[n++] = "-v";
    args[n] = NULL;
    execv(path, args);
    msg_fatal_status(EX_UNAVAILABLE, "execute %s: %m", path);
}

/* sendmail_config - read main.cf */
static void
sendmail_config(const char *dir)
{
    struct stat st;
    char *copy;
    char *slash;

    if (dir != NULL) {
        copy = mystrdup(dir);
        if (stat(copy, &st) == 0 && S_ISREG(st.st_mode) && (slash = strrchr(copy, '/')) != NULL)
            *slash = 0; /* -C /path/main.cf names the directory */
        if (setenv("MAIL_CONFIG", copy, 1) != 0)
            msg_fatal_status(EX_OSERR, "setenv: %m");
        mail_conf_set_dir(copy);
        myfree(copy);
    }
    mail_conf_read();
    mail_params_init();
    maillog_init("sendmail", MAILLOG_FLAG_NONE);
}

/* sendmail_option_b - the -b mode options */
static void
sendmail_option_b(SENDMAIL_OPTS *opts, const char *arg)
{
    if (strcmp(arg, "m") == 0)
        opts->mode = SENDMAIL_MODE_ENQUEUE;
    else if (strcmp(arg, "p") == 0)
        opts->mode = SENDMAIL_MODE_MAILQ;
    else if (strcmp(arg, "i") == 0)
        opts->mode = SENDMAIL_MODE_NEWALIASES;
    else
        msg_fatal_status(EX_USAGE, "-b%s: option is not supported", arg);
}

/* sendmail_option_q - the -q options */
static void
sendmail_option_q(SENDMAIL_OPTS *opts, const char *arg)
{
    if (arg == NULL || *arg == 0)
        opts->mode = SENDMAIL_MODE_FLUSH;
    else if (isdigit((unsigned char)*arg))
        opts->mode = SENDMAIL_MODE_IGNORE; /* -q30m: a queue run interval */
    else
        msg_fatal_status(EX_USAGE, "-q%s: option is not supported", arg);
}

/* sendmail_option - one command-line option */
static void
sendmail_option(SENDMAIL_OPTS *opts, int ch, const char *arg)
{
    switch (ch) {
    case 'B':
        if (strcasecmp(arg, "7BIT") != 0 && strcasecmp(arg, "8BITMIME") != 0)
            msg_fatal_status(EX_USAGE, "-B option needs 8BITMIME or 7BIT");
        break;
    case 'C':
    case 'c':
        opts->config_dir = arg;
        break;
    case 'F':
        opts->fullname = arg;
        break;
    case 'f':
    case 'r':
        opts->sender = arg;
        break;
    case 'I':
        opts->mode = SENDMAIL_MODE_NEWALIASES;
        break;
    case 'i':
        opts->dot = 0;
        break;
    case 'N':
    case 'R':
    case 'V':
        msg_warn("-%c option (delivery status notification) is not supported; ignored", ch);
        break;
    case 'b':
        sendmail_option_b(opts, arg);
        break;
    case 'o':
        if (strcmp(arg, "i") == 0)
            opts->dot = 0;
        break;
    case 'q':
        sendmail_option_q(opts, arg);
        break;
    case 't':
        opts->extract = 1;
        break;
    case 'v':
        msg_verbose++;
        break;
    case 'G':
    case 'h':
    case 'L':
    case 'm':
    case 'n':
    case 'U':
    case 'X':
        break;
    default:
        msg_fatal_status(EX_USAGE, "usage: %s [options] [recipient ...]", sendmail_name);
    }
}

/* sendmail_parse - parse the command line; returns the first recipient index */
static int
sendmail_parse(int argc, char **argv, SENDMAIL_OPTS *opts)
{
    int ch;

    opterr = 0;
    /* "+": stop at the first recipient, as Postfix does; no GNU permutation. */
    while ((ch = getopt(argc, argv, "+B:C:F:GIL:N:R:UV:X:b:c:f:h:imno:q::r:tv")) != -1)
        sendmail_option(opts, ch == '?' ? 0 : ch, optarg);
    return (optind);
}

/* sendmail_login - the real user's passwd entry */
static struct passwd *
sendmail_login(void)
{
    struct passwd *pw;

    if ((pw = getpwuid(getuid())) == NULL)
        msg_fatal_status(EX_NOUSER, "no login name found for user ID %lu", (unsigned long)getuid());
    return (pw);
}

/* sendmail_gecos - the full name from the passwd GECOS field */
static char *
sendmail_gecos(const struct passwd *pw)
{
    VSTRING *name = vstring_alloc(100);
    const char *cp;

    for (cp = pw->pw_gecos ? pw->pw_gecos : ""; *cp && *cp != ','; cp++) {
        if (*cp == '&') {
            vstring_strcat(name, pw->pw_name);
            if (pw->pw_name[0])
                STR(name)
            [LEN(name) - strlen(pw->pw_name)] = (char)toupper((unsigned char)pw->pw_name[0]);
        } else {
            vstring_addch(name, *cp);
        }
    }
    return (vstring_export(name));
}

/* sendmail_recipients - parse the recipient arguments into internal form */
static ARGV *
sendmail_recipients(char **args)
{
    ARGV *rcpts = argv_alloc(10);
    VSTRING *why = vstring_alloc(100);
    ARGV *list;
    ssize_t i;

    for (; *args; args++) {
        if ((list = mail_addr_parse_list(*args, why)) == NULL)
            msg_fatal_status(EX_USAGE, "bad recipient address syntax: %s: %s", *args, STR(why));
        for (i = 0; i < list->argc; i++)
            if (*list->argv[i])
                argv_add(rcpts, list->argv[i], (char *)NULL);
        argv_free(list);
    }
    vstring_free(why);
    return (rcpts);
}

/* sendmail_spawn_postdrop - run postdrop with a pipe on its stdin */
static VSTREAM *
sendmail_spawn_postdrop(const char *config_dir, pid_t *pid)
{
    char *path = sendmail_program("postdrop");
    char *args[6];
    int n = 0;
    int fds[2];

    args[n++] = "postdrop";
    if (config_dir != NULL) {
        args[n++] = "-c";
        args[n++] = (char *)mail_conf_dir();
    }
    if (msg_verbose)
        args[n++] = "-v";
    args[n] = NULL;
    if (pipe(fds) < 0)
        msg_fatal_status(EX_TEMPFAIL, "pipe: %m");
    if ((*pid = fork()) < 0)
        msg_fatal_status(EX_TEMPFAIL, "fork: %m");
    if (*pid == 0) {
        (void)close(fds[1]);
        if (fds[0] != 0 && (dup2(fds[0], 0) < 0 || close(fds[0]) < 0))
            _exit(EX_OSERR);
        execv(path, args);
        msg_fatal_status(EX_UNAVAILABLE, "execute %s: %m", path);
    }
    (void)close(fds[0]);
    myfree(path);
    sendmail_postdrop_pid = *pid;
    msg_cleanup(sendmail_kill_postdrop);
    return (vstream_fdopen(fds[1], O_WRONLY));
}

/* sendmail_fix_eol - remove CR before LF as sendmail_fix_line_endings says */
static void
sendmail_fix_eol(VSTRING *buf, int *crlf_seen, int first)
{
    int strip;

    if (LEN(buf) == 0 || STR(buf)[LEN(buf) - 1] != '\r')
        return;
    if (first)
        *crlf_seen = 1;
    if (strcasecmp(var_sendmail_fix_line_endings, "never") == 0)
        strip = 0;
    else if (strcasecmp(var_sendmail_fix_line_endings, "strict") == 0)
        strip = *crlf_seen;
    else
        strip = 1;
    if (strip)
        vstring_truncate(buf, LEN(buf) - 1);
}

/* sendmail_read_piece - read one line or piece of stdin; returns its type */
static int
sendmail_read_piece(VSTRING *buf)
{
    int last = vstream_get_line(vstream_in, buf, var_line_length_limit);
    int next;

    if (last == VSTREAM_EOF)
        return (REC_TYPE_EOF);
    if (last == '\n') {
        vstring_truncate(buf, LEN(buf) - 1);
        return (REC_TYPE_NORM);
    }
    if ((next = vstream_getc(vstream_in)) == VSTREAM_EOF)
        return (REC_TYPE_NORM); /* the last line, without newline */
    if (last == '\r' && next == '\n')
        return (REC_TYPE_NORM); /* CR LF cut between two pieces */
    vstream_ungetc(vstream_in, next);
    return (REC_TYPE_CONT);
}

/* What sendmail learns from the primary header, for -t. */
typedef struct SENDMAIL_HDR {
    int in_header;    /* still in the primary header */
    int resent;       /* a Resent- header was seen */
    int collecting;   /* 0, or 1/2: inside a plain/Resent- destination header */
    int plain_count;  /* addresses in To/Cc/Bcc */
    int resent_count; /* addresses in Resent-To/Cc/Bcc */
    VSTRING *value;   /* the destination header being collected */
} SENDMAIL_HDR;

/* sendmail_header_count - count the addresses of a collected header */
static void
sendmail_header_count(SENDMAIL_HDR *hdr)
{
    VSTRING *why = vstring_alloc(100);
    ARGV *list;
    ssize_t i;

    if (hdr->collecting && (list = mail_addr_parse_list(STR(hdr->value), why)) != NULL) {
        for (i = 0; i < list->argc; i++)
            if (*list->argv[i])
                *(hdr->collecting == 2 ? &hdr->resent_count : &hdr->plain_count) += 1;
        argv_free(list);
    }
    hdr->collecting = 0;
    vstring_free(why);
}

/* sendmail_header_append - add a piece of a destination header, bounded */
static void
sendmail_header_append(SENDMAIL_HDR *hdr, const char *data, ssize_t len)
{
    if (hdr->collecting && LEN(hdr->value) + len <= var_header_size_limit)
        vstring_memcat(hdr->value, data, len);
}

/* sendmail_header_scan - follow the primary header (for -t) */
static void
sendmail_header_scan(SENDMAIL_HDR *hdr, const VSTRING *buf, int line_start)
{
    static const char *names[] = {"to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc", NULL};
    const char *colon;
    size_t len;
    const char **np;

    if (!line_start || (LEN(buf) > 0 && (STR(buf)[0] == ' ' || STR(buf)[0] == '\t'))) {
        sendmail_header_append(hdr, STR(buf), LEN(buf));
        return;
    }
    sendmail_header_count(hdr);
    if (LEN(buf) == 0 || (colon = memchr(STR(buf), ':', (size_t)LEN(buf))) == NULL) {
        hdr->in_header = 0;
        return;
    }
    len = (size_t)(colon - STR(buf));
    while (len > 0 && (STR(buf)[len - 1] == ' ' || STR(buf)[len - 1] == '\t'))
        len--;
    if (len > 7 && strncasecmp(STR(buf), "resent-", 7) == 0)
        hdr->resent = 1;
    for (np = names; *np; np++)
        if (strlen(*np) == len && strncasecmp(*np, STR(buf), len) == 0)
            hdr->collecting = (np - names) < 3 ? 1 : 2;
    vstring_reset(hdr->value);
    sendmail_header_append(hdr, colon + 1, LEN(buf) - (colon + 1 - STR(buf)));
}

/* sendmail_copy - copy the message from stdin; returns the To/Cc/Bcc address count */
static int
sendmail_copy(VSTREAM *dst, const SENDMAIL_OPTS *opts, const char *who)
{
    SENDMAIL_HDR hdr = {1, 0, 0, 0, 0, vstring_alloc(100)};
    VSTRING *buf = vstring_alloc(1000);
    int prev = REC_TYPE_NORM;
    long size = 0;
    int first = 1;
    int crlf_seen = 0;
    int type;

    while ((type = sendmail_read_piece(buf)) != REC_TYPE_EOF) {
        if (type == REC_TYPE_NORM)
            sendmail_fix_eol(buf, &crlf_seen, first);
        if (first && type == REC_TYPE_NORM && strncmp(STR(buf), "From ", 5) == 0) {
            first = 0;
            continue;
        }
        first = 0;
        if (opts->dot && prev == REC_TYPE_NORM && type == REC_TYPE_NORM && LEN(buf) == 1 &&
            STR(buf)[0] == '.')
            break;
        if (hdr.in_header)
            sendmail_header_scan(&hdr, buf, prev == REC_TYPE_NORM);
        size += LEN(buf) + (type == REC_TYPE_NORM);
        if (var_message_size_limit > 0 && size > var_message_size_limit)
            msg_fatal_status(EX_DATAERR, "%s: message file too big", who);
        rec_put(dst, type, STR(buf), LEN(buf));
        prev = type;
    }
    if (vstream_ferror(vstream_in))
        msg_fatal_status(EX_TEMPFAIL, "%s: error reading the message: %m", who);
    sendmail_header_count(&hdr);
    vstring_free(hdr.value);
    vstring_free(buf);
    return (hdr.resent ? hdr.resent_count : hdr.plain_count);
}

/* sendmail_wait - wait for postdrop and turn its status into ours */
static int
sendmail_wait(pid_t pid, const char *who)
{
    int status;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            msg_fatal_status(EX_TEMPFAIL, "%s: waitpid: %m", who);
    sendmail_postdrop_pid = -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return (0);
    if (WIFEXITED(status) && WEXITSTATUS(status) >= EX__BASE && WEXITSTATUS(status) <= EX__MAX)
        msg_fatal_status(WEXITSTATUS(status), "%s: message not queued (postdrop exit status %d)",
                         who, WEXITSTATUS(status));
    msg_fatal_status(EX_TEMPFAIL, "%s: message not queued (postdrop failed)", who);
}

/* sendmail_envelope - write the envelope records */
static void
sendmail_envelope(VSTREAM *dst, const SENDMAIL_OPTS *opts, const char *sender, const char *fullname,
                  ARGV *rcpts)
{
    struct timeval now;
    ssize_t i;

    gettimeofday(&now, NULL);
    rec_fprintf(dst, REC_TYPE_TIME, "%ld %ld", (long)now.tv_sec, (long)now.tv_usec);
    if (fullname != NULL && *fullname)
        rec_fputs(dst, REC_TYPE_FULL, fullname);
    rec_fprintf(dst, REC_TYPE_FLGS, "%d", opts->extract ? CLEANUP_FLAG_EXTRACT : 0);
    rec_fputs(dst, REC_TYPE_FROM, sender);
    for (i = 0; i < rcpts->argc; i++)
        rec_fputs(dst, REC_TYPE_RCPT, rcpts->argv[i]);
    rec_fputs(dst, REC_TYPE_MESG, "");
}

/* sendmail_enqueue - submit one message read from stdin */
static int
sendmail_enqueue(const SENDMAIL_OPTS *opts, char **args)
{
    struct passwd *pw = sendmail_login();
    VSTRING *who = vstring_alloc(100);
    VSTRING *sender = vstring_alloc(100);
    VSTRING *why = vstring_alloc(100);
    char *fullname;
    ARGV *rcpts;
    VSTREAM *dst;
    pid_t pid;

    vstring_sprintf(who, "%s(%lu)", pw->pw_name, (unsigned long)getuid());
    if (opts->sender != NULL) {
        if (mail_addr_parse_one(opts->sender, sender, why) < 0)
            msg_fatal_status(EX_USAGE, "bad sender address syntax: %s: %s", opts->sender, STR(why));
    } else {
        vstring_strcpy(sender, pw->pw_name);
    }
    fullname = opts->fullname ? mystrdup(opts->fullname) : sendmail_gecos(pw);
    rcpts = sendmail_recipients(args);
    if (rcpts->argc == 0 && !opts->extract)
        msg_fatal_status(
            EX_USAGE,
            "Recipient addresses must be specified on the command line or via the -t option");
    signal(SIGPIPE, SIG_IGN);
    dst = sendmail_spawn_postdrop(opts->config_dir, &pid);
    sendmail_envelope(dst, opts, STR(sender), fullname, rcpts);
    if (!sendmail_copy(dst, opts, STR(who)) && opts->extract && rcpts->argc == 0)
        msg_fatal_status(EX_DATAERR, "%s: No recipient addresses found in message header",
                         STR(who));
    rec_fputs(dst, REC_TYPE_XTRA, "");
    rec_fputs(dst, REC_TYPE_END, "");
    if (vstream_fclose(dst) == VSTREAM_EOF)
        msg_warn("%s: error writing to postdrop: %m", STR(who));
    sendmail_wait(pid, STR(who));
    myfree(fullname);
    argv_free(rcpts);
    vstring_free(who);
    vstring_free(sender);
    vstring_free(why);
    return (0);
}

/* main - sendmail, mailq, newaliases */
int
main(int argc, char **argv)
{
    SENDMAIL_OPTS opts = {SENDMAIL_MODE_ENQUEUE, NULL, NULL, NULL, 0, 1};
    const char *base;
    int first;

    sendmail_argv0 = argv[0] ? argv[0] : "sendmail";
    base = strrchr(sendmail_argv0, '/') ? strrchr(sendmail_argv0, '/') + 1 : sendmail_argv0;
    if (strcmp(base, "mailq") == 0 || strcmp(base, "newaliases") == 0)
        snprintf(sendmail_name, sizeof(sendmail_name), "%s", base);
    msg_set_progname(sendmail_name);
    msg_stderr_name(sendmail_name);
    msg_stderr_init();
    if (strcmp(base, "mailq") == 0)
        opts.mode = SENDMAIL_MODE_MAILQ;
    else if (strcmp(base, "newaliases") == 0)
        opts.mode = SENDMAIL_MODE_NEWALIASES;
    first = sendmail_parse(argc, argv, &opts);
    sendmail_config(opts.config_dir);
    switch (opts.mode) {
    case SENDMAIL_MODE_MAILQ:
        sendmail_exec_postqueue("-p");
    case SENDMAIL_MODE_FLUSH:
        sendmail_exec_postqueue("-f");
    case SENDMAIL_MODE_NEWALIASES:
        msg_fatal_status(EX_TEMPFAIL, "alias tables are not supported yet");
    case SENDMAIL_MODE_IGNORE:
        return (0);
    case SENDMAIL_MODE_ENQUEUE:
        break;
    }
    return (sendmail_enqueue(&opts, argv + first));
}
