/*
 * test_qmgr_resolve - unit tests for qmgr's recipient routing.
 *
 * Table-driven: local domains (empty domain, bare local part, myhostname,
 * localhost, $mydestination entries in any case, trailing dots, quoted
 * local parts with '@'), remote domains, transport specs with and without
 * a next hop, and malformed specs (empty transport name, ":" alone).
 * mydestination entries that are tables never match.
 * Run: build/tests/test_qmgr_resolve (non-zero exit status on failure).
 */
#include "sys_defs.h"

#include <check.h>
#include <stdlib.h>

#include "vstring.h"

#include "qmgr_resolve.h" /* the Makefile has no -Isrc/qmgr */

struct resolve_case {
    const char *addr;
    const char *mydestination;
    const char *local_transport;
    const char *default_transport;
    int expect;
    const char *transport;
    const char *nexthop;
};

#define HOST "mail.example.com"

static const struct resolve_case resolve_cases[] = {
    {"user", "", "local:" HOST, "smtp", QMGR_RESOLVE_LOCAL, "local", HOST},
    {"user@", "", "local:" HOST, "smtp", QMGR_RESOLVE_LOCAL, "local", HOST},
    {"user@mail.example.com", "", "local:" HOST, "smtp", QMGR_RESOLVE_LOCAL, "local", HOST},
    {"user@MAIL.Example.COM.", "", "local:" HOST, "smtp", QMGR_RESOLVE_LOCAL, "local", HOST},
    {"user@localhost", "", "local:" HOST, "smtp", QMGR_RESOLVE_LOCAL, "local", HOST},
    {"user@LocalHost.", "", "local:" HOST, "smtp", QMGR_RESOLVE_LOCAL, "local", HOST},
    {"user@example.com", HOST ", localhost.example.com, example.com", "local:" HOST, "smtp",
     QMGR_RESOLVE_LOCAL, "local", HOST},
    {"user@EXAMPLE.com", "example.com.", "local", "smtp", QMGR_RESOLVE_LOCAL, "local", HOST},
    {"user@example.com", "hash:/etc/postern/domains example.com", "local", "smtp",
     QMGR_RESOLVE_LOCAL, "local", HOST},
    {"user@example.com", "hash:/etc/postern/example.com /etc/example.com", "local", "smtp",
     QMGR_RESOLVE_REMOTE, "smtp", "example.com"},
    {"user@example.org", "example.com", "local", "smtp", QMGR_RESOLVE_REMOTE, "smtp",
     "example.org"},
    {"user@example.org.", "", "local", "smtp", QMGR_RESOLVE_REMOTE, "smtp", "example.org"},
    {"\"a@b\"@example.org", "", "local", "smtp", QMGR_RESOLVE_REMOTE, "smtp", "example.org"},
    {"a@b@localhost", "", "local", "smtp", QMGR_RESOLVE_LOCAL, "local", HOST},
    {"user@sub.example.com", "example.com", "local", "smtp", QMGR_RESOLVE_REMOTE, "smtp",
     "sub.example.com"},
    {"user@example.org", "", "local", "relay:[10.0.0.1]:587", QMGR_RESOLVE_REMOTE, "relay",
     "[10.0.0.1]:587"},
    {"user@example.org", "", "local", "smtp:", QMGR_RESOLVE_REMOTE, "smtp", "example.org"},
    {"user", "", "mylocal:other.host", "smtp", QMGR_RESOLVE_LOCAL, "mylocal", "other.host"},
    {"user", "", "", "smtp", QMGR_RESOLVE_ERROR, "", HOST},
    {"user", "", ":x", "smtp", QMGR_RESOLVE_ERROR, "", "x"},
    {"user@example.org", "", "local", "", QMGR_RESOLVE_ERROR, "", "example.org"},
};

/* test_resolve - the routing table */
START_TEST(test_resolve)
{
    const struct resolve_case *tc = &resolve_cases[_i];
    QMGR_RESOLVE_CONF conf = {tc->mydestination, HOST, tc->local_transport, tc->default_transport};
    VSTRING *transport = vstring_alloc(10);
    VSTRING *nexthop = vstring_alloc(10);

    ck_assert_int_eq(qmgr_resolve_addr(tc->addr, &conf, transport, nexthop), tc->expect);
    ck_assert_str_eq(STR(transport), tc->transport);
    ck_assert_str_eq(STR(nexthop), tc->nexthop);
    vstring_free(transport);
    vstring_free(nexthop);
}
END_TEST

/* test_local_domain - the local-domain test alone */
START_TEST(test_local_domain)
{
    QMGR_RESOLVE_CONF conf = {"a.example, ,b.example\tc.example", "h.example", "local", "smtp"};

    ck_assert_int_eq(qmgr_resolve_local_domain("", &conf), 1);
    ck_assert_int_eq(qmgr_resolve_local_domain("h.example", &conf), 1);
    ck_assert_int_eq(qmgr_resolve_local_domain("B.EXAMPLE", &conf), 1);
    ck_assert_int_eq(qmgr_resolve_local_domain("c.example.", &conf), 1);
    ck_assert_int_eq(qmgr_resolve_local_domain("d.example", &conf), 0);
    ck_assert_int_eq(qmgr_resolve_local_domain("example", &conf), 0);
    ck_assert_int_eq(qmgr_resolve_local_domain("a.example.com", &conf), 0);
    conf.mydestination = NULL;
    conf.myhostname = NULL;
    ck_assert_int_eq(qmgr_resolve_local_domain("a.example", &conf), 0);
    ck_assert_int_eq(qmgr_resolve_local_domain("localhost", &conf), 1);
}
END_TEST

/* resolve_suite - collect the tests */
static Suite *
resolve_suite(void)
{
    Suite *s = suite_create("qmgr_resolve");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_resolve, 0,
                        (int)(sizeof(resolve_cases) / sizeof(resolve_cases[0])));
    tcase_add_test(tc, test_local_domain);
    suite_add_tcase(s, tc);
    return s;
}

/* main - run the suite; non-zero exit status on failure */
int
main(void)
{
    SRunner *sr = srunner_create(resolve_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
