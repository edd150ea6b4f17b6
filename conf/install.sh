#!/bin/sh
# install.sh - install postern (called by "make install").
#
# Usage: sh conf/install.sh BUILD DESTDIR PREFIX CONFIG_DIR QUEUE_DIR \
#            DATA_DIR DAEMON_DIR COMMAND_DIR MAIL_OWNER SETGID_GROUP
#
# Installs the commands into $DESTDIR$COMMAND_DIR (mailq and newaliases as
# links to sendmail; postdrop and postqueue set-gid SETGID_GROUP, mode
# 2755), the daemons into $DESTDIR$DAEMON_DIR, main.cf and master.cf into
# $DESTDIR$CONFIG_DIR unless they exist (samples always go to *.proto),
# and creates the queue tree with its owners and modes. Run as root without
# DESTDIR, it also creates MAIL_OWNER and SETGID_GROUP when missing. With
# DESTDIR (package builds) owners are left for the package's scripts.
set -eu

[ $# -eq 10 ] || { echo "usage: $0 BUILD DESTDIR PREFIX CONFIG_DIR QUEUE_DIR DATA_DIR DAEMON_DIR COMMAND_DIR MAIL_OWNER SETGID_GROUP" >&2; exit 2; }
BUILD=$1 DESTDIR=$2 PREFIX=$3 CONFIG_DIR=$4 QUEUE_DIR=$5 DATA_DIR=$6
DAEMON_DIR=$7 COMMAND_DIR=$8 MAIL_OWNER=$9 SETGID_GROUP=${10}
SRC=$(cd "$(dirname "$0")" && pwd)
: "$PREFIX"

privileged=no
if [ "$(id -u)" = 0 ] && [ -z "$DESTDIR" ]; then privileged=yes; fi

# Accounts: mail_owner with a group of its own, and the setgid group.
if [ $privileged = yes ]; then
    if ! getent group "$SETGID_GROUP" >/dev/null; then
        groupadd --system "$SETGID_GROUP"
    fi
    if ! getent passwd "$MAIL_OWNER" >/dev/null; then
        # A group of that name left behind (say, by userdel) becomes its group.
        group_opt=--user-group
        if getent group "$MAIL_OWNER" >/dev/null; then group_opt="--gid $MAIL_OWNER"; fi
        useradd --system $group_opt --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$MAIL_OWNER"
    fi
fi

mkdir -p "$DESTDIR$COMMAND_DIR" "$DESTDIR$DAEMON_DIR" "$DESTDIR$CONFIG_DIR"

# Commands (regular files; the links are made below).
for f in "$BUILD"/sbin/*; do
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    name=$(basename "$f")
    install -m 0755 "$f" "$DESTDIR$COMMAND_DIR/$name"
done
for link in mailq newaliases; do
    ln -sf sendmail "$DESTDIR$COMMAND_DIR/$link"
done
for name in postdrop postqueue; do
    target=$DESTDIR$COMMAND_DIR/$name
    [ -f "$target" ] || continue
    if [ $privileged = yes ]; then chgrp "$SETGID_GROUP" "$target"; fi
    chmod 2755 "$target"
done

# Daemons.
for f in "$BUILD"/libexec/*; do
    [ -f "$f" ] || continue
    install -m 0755 "$f" "$DESTDIR$DAEMON_DIR/$(basename "$f")"
done

# Configuration: never overwrite what the administrator has.
sed -e "s|@CONFIG_DIR@|$CONFIG_DIR|g" -e "s|@QUEUE_DIR@|$QUEUE_DIR|g" \
    -e "s|@DAEMON_DIR@|$DAEMON_DIR|g" -e "s|@COMMAND_DIR@|$COMMAND_DIR|g" \
    -e "s|@DATA_DIR@|$DATA_DIR|g" -e "s|@MAIL_OWNER@|$MAIL_OWNER|g" \
    -e "s|@SETGID_GROUP@|$SETGID_GROUP|g" "$SRC/main.cf" > "$DESTDIR$CONFIG_DIR/main.cf.proto"
cp "$SRC/master.cf" "$DESTDIR$CONFIG_DIR/master.cf.proto"
for cf in main.cf master.cf; do
    [ -e "$DESTDIR$CONFIG_DIR/$cf" ] || cp "$DESTDIR$CONFIG_DIR/$cf.proto" "$DESTDIR$CONFIG_DIR/$cf"
done
chmod 0644 "$DESTDIR$CONFIG_DIR"/*.cf "$DESTDIR$CONFIG_DIR"/*.proto

# Queue tree (master creates missing parts too; docs/master.md has the table).
Q=$DESTDIR$QUEUE_DIR
mkdir -p "$Q" "$DESTDIR$DATA_DIR"
chmod 0755 "$Q"
for d in incoming active deferred hold corrupt bounce defer trace private maildrop public pid; do
    mkdir -p "$Q/$d"
done
for d in incoming active deferred hold corrupt bounce defer trace private; do
    chmod 0700 "$Q/$d"
done
chmod 1730 "$Q/maildrop"
chmod 0710 "$Q/public"
chmod 0755 "$Q/pid"
chmod 0700 "$DESTDIR$DATA_DIR"
if [ $privileged = yes ]; then
    for d in incoming active deferred hold corrupt bounce defer trace private; do
        chown "$MAIL_OWNER" "$Q/$d"
    done
    chown "$MAIL_OWNER:$SETGID_GROUP" "$Q/maildrop" "$Q/public"
    chown root "$Q" "$Q/pid"
    chown "$MAIL_OWNER" "$DESTDIR$DATA_DIR"
fi
echo "postern installed: commands in $COMMAND_DIR, daemons in $DAEMON_DIR, configuration in $CONFIG_DIR"
