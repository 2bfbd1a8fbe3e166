/*
** tests/unit/test_password.c — the password policy (web/password_policy.c,
** NIST SP 800-63B): length, the user name, repetition, common passwords and
** libcrack2's dictionary; and that every password the demo and the tests
** use still passes.
*/
#include "testutil.h"
#include "web/auth.h"
#include <string.h>

/* password must be refused for username, with a message containing why. */
static void refused(const char *password, const char *username, const char *why) {
    cairn_err err = {0};
    if (auth_password_check(password, username, &err) != -1)
        fail_msg("\"%s\" was accepted", password);
    if (!strstr(err.msg, why)) fail_msg("\"%s\": \"%s\" does not say \"%s\"", password, err.msg, why);
}

/* password must pass for username. */
static void accepted(const char *password, const char *username) {
    cairn_err err = {0};
    if (auth_password_check(password, username, &err) != 0)
        fail_msg("\"%s\" was refused: %s", password, err.msg);
}

static void test_issue_examples(void **state) {
    (void)state;
    refused("aaaaaaaaaa", "bob", "repeats \"a\"");
    refused("password12", "bob", "one of the most common passwords");
    refused("roberta.longname", "roberta.longname", "is your user name");
    refused("Roberta.LongName", "roberta.longname", "is your user name");
}

static void test_rules(void **state) {
    (void)state;
    refused("short", NULL, "too short: use at least 15");
    refused("fourteen chars", NULL, "too short");
    refused("hello my name is ANNA!", "anna", "contains your user name");
    refused("passwordpassword", NULL, "repeats \"password\"");
    refused("abcabcabcabcabcabc", NULL, "repeats \"abc\"");
    refused("PASSWORD12345678!", NULL, "most common");
    refused("qwertyuiop123456", NULL, "most common");
    /* a two-letter user name is not looked for inside the password */
    accepted("so the quick fox jumps", "so");
    /* no composition rules: lower-case words alone are fine */
    accepted("correct horse battery", "ana");
}

static void test_dictionary(void **state) {
    (void)state;
    /* scripts/deps.sh installs cracklib-runtime for build and run */
    const char *dict = auth_password_dictionary();
    assert_non_null(dict);
    refused("electroencephalograph", NULL, "too easy to guess (it is based on a dictionary word)");
    refused("123456789012345", NULL, "too easy to guess");
}

static void test_known_passwords_pass(void **state) {
    (void)state;
    /* the demo accounts (account.c) and the passwords the tests sign in with */
    static const char *const ok[][2] = {
        {"cairn-demo-office", "admin"}, {"cairn-demo-principal", "leader"},
        {"cairn-demo-counsellor", "keyworker"}, {"cairn-demo-classroom", "teacher"},
        {"cairn-demo-privacy", "dpo"},
        {"correct horse battery", "ana"}, {"another good password", "ana"},
        {"a long password", "anna"}, {"a new long password", "anna"},
        {"serve test password", "servetest"}, {"proxy test password", "proxytest"},
        {"i18n test password", "lang"}, {"second-admin-password", "admin2"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) accepted(ok[i][0], ok[i][1]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_examples),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_dictionary),
        cmocka_unit_test(test_known_passwords_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
