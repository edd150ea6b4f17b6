#!/bin/sh
# make-run.sh - start a private postern instance (called by "make run").
#
# Usage: sh conf/make-run.sh BUILD RUNDIR
#
# Writes RUNDIR/etc/main.cf and master.cf for an instance that uses the
# programs in BUILD (daemon_directory BUILD/libexec, command_directory
# BUILD/sbin), keeps its queue in RUNDIR/queue, delivers to RUNDIR/mail,
# logs to RUNDIR/maillog and listens only on 127.0.0.1. Run by a normal
# user, everything runs as that user; run as root, the daemons run as
# "postern" (created when missing). Then starts it (or reloads it when it
# is running already) and says how to use it.
set -eu

[ $# -eq 2 ] || { echo "usage: $0 BUILD RUNDIR" >&2; exit 2; }
BUILD=$1 RUNDIR=$2
ETC=$RUNDIR/etc

if [ "$(id -u)" = 0 ]; then
    owner=postern group=postdrop
    getent group "$group" >/dev/null || groupadd --system "$group"
    if ! getent passwd "$owner" >/dev/null; then
        # A group of that name left behind (say, by userdel) becomes its group.
        group_opt=--user-group
        if getent group "$owner" >/dev/null; then group_opt="--gid $owner"; fi
        useradd --system $group_opt --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$owner"
    fi
else
    owner=$(id -un) group=$(id -gn)
fi

mkdir -p "$ETC" "$RUNDIR/mail" "$RUNDIR/data"
chmod 1777 "$RUNDIR/mail"
if [ "$(id -u)" = 0 ]; then chown "$owner" "$RUNDIR/data"; fi

cat > "$ETC/main.cf" <<EOT
# Private postern instance made by "make run" (conf/make-run.sh).
config_directory = $ETC
queue_directory = $RUNDIR/queue
data_directory = $RUNDIR/data
daemon_directory = $BUILD/libexec
command_directory = $BUILD/sbin
sendmail_path = $BUILD/sbin/sendmail
mailq_path = $BUILD/sbin/mailq
newaliases_path = $BUILD/sbin/newaliases
mail_owner = $owner
setgid_group = $group
inet_interfaces = 127.0.0.1
mail_spool_directory = $RUNDIR/mail
maillog_file = $RUNDIR/maillog
maillog_file_prefixes = $RUNDIR
EOT

cat > "$ETC/master.cf" <<'EOT'
# Private postern instance made by "make run" (conf/make-run.sh).
# service type  private unpriv  chroot  wakeup  maxproc command + args
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
local     unix  -       n       n       -       -       local
showq     unix  n       -       n       -       -       showq
EOT

if "$BUILD/sbin/postern" -c "$ETC" status >/dev/null 2>&1; then
    "$BUILD/sbin/postern" -c "$ETC" reload
else
    "$BUILD/sbin/postern" -c "$ETC" start
fi

me=$(id -un)
cat <<EOT

postern is running as a private instance in $RUNDIR.

  send a message:  printf 'Subject: hello\n\nhi\n' | $BUILD/sbin/sendmail -C $ETC $me
  it lands in:     $RUNDIR/mail/$me
  the log:         tail -f $RUNDIR/maillog
  the queue:       $BUILD/sbin/mailq -C $ETC   (or postqueue -c $ETC -p)
  status:          $BUILD/sbin/postern -c $ETC status
  stop it:         make stop
EOT
