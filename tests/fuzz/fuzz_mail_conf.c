/*
 * fuzz_mail_conf - libFuzzer harness for the configuration readers.
 *
 * The last input byte picks what the rest of the input is:
 *
 *   0  main.cf text. mail_conf_read(), mail_params_init() and
 *      mail_conf_check_unused() run in a forked child, because a bad
 *      line or value is fatal by design (msg_fatal exits). The child's
 *      fatal hook exits 0, so that only a crash, a panic or a sanitizer
 *      report (any other status, or a signal) fails the run. A child gives
 *      no coverage back to libFuzzer: this mode finds crashes, the next
 *      one explores.
 *   1  "name = value" lines stored with mail_conf_update(), the part of
 *      reading main.cf that cannot fail; then mail_conf_check_unused()
 *      and mail_conf_expand() of every value against those settings and
 *      the built-in defaults, in this process.
 *   2  master.cf text for master_conf_read_stream(), which reports errors
 *      instead of exiting.
 *   3  one value for mail_conf_expand() against a small fixed table that
 *      holds a reference loop, an empty value and a number.
 *
 * Settings from mode 1 stay until the next mode-1 input (mail_conf_forget
 * drops them first), so nothing leaks between runs.
 */
#include "sys_defs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msg.h"
#include "mymalloc.h"
#include "stringops.h"
#include "vstream.h"
#include "vstring.h"
#include "mail_conf.h"
#include "master_conf.h"
#include "fuzz_util.h"

/* Most settings that mode 1 stores: each may double an expansion. */
#define FUZZ_CONF_SETTINGS 16

static char fuzz_conf_dir[] = "/tmp/postern-fuzz-conf-XXXXXX";
static VSTRING *fuzz_conf_path;

/* fuzz_conf_remove - remove the temporary configuration directory */
static void
fuzz_conf_remove(void)
{
    (void)unlink(STR(fuzz_conf_path));
    (void)rmdir(fuzz_conf_dir);
}

/* fuzz_conf_fatal - msg_fatal hook in the child: an expected outcome */
static void
fuzz_conf_fatal(void)
{
    _exit(0);
}

/* fuzz_conf_child - main.cf in a forked child; a crash aborts the parent */
static void
fuzz_conf_child(const uint8_t *data, size_t size)
{
    VSTREAM *fp;
    pid_t pid;
    int status;

    if (fuzz_conf_path == NULL) {
        if (mkdtemp(fuzz_conf_dir) == NULL)
            msg_panic("mkdtemp: %m");
        fuzz_conf_path = vstring_alloc(100);
        vstring_sprintf(fuzz_conf_path, "%s/main.cf", fuzz_conf_dir);
        atexit(fuzz_conf_remove);
    }
    if ((fp = vstream_fopen(STR(fuzz_conf_path), O_WRONLY | O_CREAT | O_TRUNC, 0600)) == NULL)
        msg_panic("create %s: %m", STR(fuzz_conf_path));
    vstream_fwrite(fp, data, size);
    if (vstream_fclose(fp) != 0)
        msg_panic("write %s: %m", STR(fuzz_conf_path));
    if ((pid = fork()) < 0)
        msg_panic("fork: %m");
    if (pid == 0) {
        /* _exit everywhere: libFuzzer's exit handler would call exit a crash. */
        msg_cleanup(fuzz_conf_fatal);
        mail_conf_set_dir(fuzz_conf_dir);
        mail_conf_read();
        mail_params_init();
        (void)mail_conf_check_unused();
        _exit(0);
    }
    while (waitpid(pid, &status, 0) != pid)
        if (errno != EINTR)
            msg_panic("waitpid: %m");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        msg_panic("main.cf child: %s %d", WIFEXITED(status) ? "exit status" : "signal",
                  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* fuzz_conf_effective - lookup for mode 1: setting, else default */
static const char *
fuzz_conf_effective(const char *name, void *context)
{
    const char *value;

    (void)context;
    if ((value = mail_conf_lookup(name)) != NULL)
        return (value);
    return (mail_conf_default(name));
}

/* fuzz_conf_settings - mode 1: store lines as settings, then expand them */
static void
fuzz_conf_settings(char *text, VSTRING *result, VSTRING *why)
{
    ARGV *names = argv_alloc(FUZZ_CONF_SETTINGS);
    char *cp = text;
    char *line;
    char *value;
    ssize_t n;

    mail_conf_forget();
    while (names->argc < FUZZ_CONF_SETTINGS && (line = mystrtok(&cp, "\n")) != NULL) {
        if ((value = split_at(line, '=')) == NULL || *(line = trimblanks(line)) == 0)
            continue;
        mail_conf_update(line, skipblanks(value));
        argv_add(names, line, (char *)NULL);
    }
    (void)mail_conf_check_unused();
    for (n = 0; n < names->argc; n++)
        (void)mail_conf_expand(result, mail_conf_lookup(names->argv[n]), fuzz_conf_effective, NULL,
                               why);
    argv_free(names);
}

/* fuzz_conf_fixed - lookup for mode 3 */
static const char *
fuzz_conf_fixed(const char *name, void *context)
{
    static const char *const table[][2] = {
        {"a", "alpha"},
        {"b", "$a.$a"},
        {"empty", ""},
        {"number", "42"},
        {"loop", "x$loop"},
        {"level", "3.6"},
        {"cond", "${empty?{set}:{unset}}"},
    };
    size_t i;

    (void)context;
    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(name, table[i][0]) == 0)
            return (table[i][1]);
    return (NULL);
}

/* LLVMFuzzerTestOneInput - one input */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static VSTRING *result, *why;
    MASTER_CONF *conf;
    VSTREAM *fp;
    char *text;

    if (size < 1 || size > FUZZ_MAX_INPUT)
        return (0);
    fuzz_quiet();
    if (result == NULL) {
        result = vstring_alloc(100);
        why = vstring_alloc(100);
    }
    size -= 1;
    switch (data[size] & 3) {
    case 0:
        fuzz_conf_child(data, size);
        break;
    case 1:
        text = fuzz_text(data, size);
        fuzz_conf_settings(text, result, why);
        myfree(text);
        break;
    case 2:
        fp = fuzz_stream_open(data, size);
        conf = master_conf_read_stream(fp, "master.cf", MASTER_CONF_FLAG_WARN);
        master_conf_free(conf);
        fuzz_stream_close(fp);
        break;
    case 3:
        text = fuzz_text(data, size);
        (void)mail_conf_expand(result, text, fuzz_conf_fixed, NULL, why);
        myfree(text);
        break;
    }
    return (0);
}
