/*
 * queue_tree - the directories under queue_directory, with the owner,
 * group and mode that each must have. master creates missing ones at start;
 * "postern check" reports every difference.
 *
 * queue_tree_ids() looks up mail_owner and setgid_group when the caller is
 * root (returns -1 and fills why when one is missing, or when mail_owner is
 * root); for anyone else every directory belongs to the caller and groups
 * are not checked. queue_tree_create() creates queue_directory and each
 * missing subdirectory (fatal on failure). queue_tree_check() logs one
 * warning per problem ("/q/maildrop: wrong mode 0755, expected 1730") and
 * returns the number of directories that are missing or not directories
 * (wrong modes and owners are warnings only).
 */
#ifndef QUEUE_TREE_H
#define QUEUE_TREE_H

#include "sys_defs.h"
#include "vstring.h"

typedef struct QUEUE_TREE_IDS {
    int privileged; /* caller is root: owners and groups matter */
    uid_t mail_uid; /* mail_owner (or the caller) */
    gid_t mail_gid;
    gid_t setgid_gid; /* setgid_group (or the caller's group) */
} QUEUE_TREE_IDS;

extern int queue_tree_ids(QUEUE_TREE_IDS *ids, VSTRING *why);
extern void queue_tree_create(const char *queue_dir, const QUEUE_TREE_IDS *ids);
extern int queue_tree_check(const char *queue_dir, const QUEUE_TREE_IDS *ids);

#endif
