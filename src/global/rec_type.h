/*
 * rec_type - the record types of queue files and of the record streams that
 * sendmail, postdrop, pickup and cleanup exchange.
 *
 * A queue file is: SIZE, TIME, [FULL], [ATTR...], FROM, ([ORCP] RCPT|DONE)...,
 * MESG, (NORM|CONT)..., XTRA, ([ORCP] RCPT|DONE)..., END. The envelope
 * segment ends at MESG; the content segment holds the message, one line per
 * NORM record (without its newline) and long lines split into CONT pieces
 * ended by a NORM; the extracted segment after XTRA holds recipients that
 * cleanup found later (sendmail -t). The SIZE record is fixed width and is
 * rewritten in place; a delivered recipient's RCPT type byte is rewritten in
 * place to DONE.
 *
 * A maildrop file (postdrop's output) may contain only: TIME, FULL, FLGS,
 * ATTR, FROM, RCPT, MESG, NORM, CONT, XTRA, END (rec_type_maildrop_ok).
 */
#ifndef REC_TYPE_H
#define REC_TYPE_H

#define REC_TYPE_EOF (-1)   /* clean end of input */
#define REC_TYPE_ERROR (-2) /* I/O error, corruption or a limit exceeded */

#define REC_TYPE_SIZE 'C' /* fixed-width size record, see REC_SIZE_FORMAT */
#define REC_TYPE_TIME 'T' /* arrival time: "seconds microseconds" */
#define REC_TYPE_FULL 'U' /* sender full name (sendmail -F) */
#define REC_TYPE_FLGS 'G' /* cleanup flags in decimal (CLEANUP_FLAG_*) */
#define REC_TYPE_ATTR 'A' /* name=value: named attribute */
#define REC_TYPE_FROM 'F' /* envelope sender; empty for the null sender */
#define REC_TYPE_ORCP 'O' /* original recipient of the next RCPT */
#define REC_TYPE_RCPT 'R' /* recipient still to be delivered */
#define REC_TYPE_DONE 'D' /* recipient delivered, bounced or otherwise done */
#define REC_TYPE_WARN 'W' /* time of the next delay warning */
#define REC_TYPE_MESG 'M' /* start of content; data: fixed-width offset of XTRA */
#define REC_TYPE_NORM 'N' /* a line of content, or the last piece of one */
#define REC_TYPE_CONT 'L' /* a piece of a long line; more follows */
#define REC_TYPE_XTRA 'X' /* end of content, start of the extracted segment */
#define REC_TYPE_END 'E'  /* end of the file */

/* SIZE: content length, data offset, recipient count, flags */
#define REC_SIZE_FORMAT "%15ld %15ld %15ld %15ld"
#define REC_SIZE_WIDTH 63
/* MESG: offset of the XTRA record */
#define REC_MESG_FORMAT "%15ld"
#define REC_MESG_WIDTH 15

extern const char *rec_type_name(int type);
extern int rec_type_maildrop_ok(int type);
/* True for the record types above (REC_TYPE_SIZE .. REC_TYPE_END). */
extern int rec_type_ok(int type);

#endif
