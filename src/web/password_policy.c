/*
** web/password_policy.c — what a new password must be (NIST SP 800-63B;
** docs/decisions.md, "Passwords"): valid UTF-8 text without control
** characters, at least AUTH_PASSWORD_MIN characters, no composition rules;
** refused when it is or contains the user name, repeats one short piece,
** is one of the most common passwords (a list here, also with digits or
** punctuation added at the end), or libcrack2 finds it in its dictionary
** or too systematic.  Without the dictionary file libcrack's check is left
** out and the list here still applies.
*/
#include "web/auth.h"
#include "base/mem.h"

#include <ctype.h>
#include <pthread.h>
#include <stddef.h>   /* crack.h needs size_t before it */
#include <crack.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Decode one UTF-8 sequence at s (n bytes left); its length, or 0 if it is
** malformed, overlong, a surrogate or beyond U+10FFFF.  *cp gets the code
** point. */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp) {
    if (s[0] < 0x80) { *cp = s[0]; return 1; }
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (!len || len > n || s[0] > 0xF4) return 0;
    unsigned c = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* The form every password must have (see auth.h); *chars (may be NULL)
** gets its length in characters. */
static int password_form(const char *password, size_t *chars, cairn_err *err) {
    if (!password || !*password) return err_set(err, CAIRN_EINVAL, "no password given");
    size_t n = strlen(password), count = 0;
    if (n > AUTH_PASSWORD_MAX)
        return err_set(err, CAIRN_EINVAL, "the password is longer than %d bytes", AUTH_PASSWORD_MAX);
    const unsigned char *p = (const unsigned char *)password;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = utf8_next(p + i, n - i, &cp);
        if (!k) return err_set(err, CAIRN_EINVAL, "the password is not valid UTF-8 text");
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            return err_set(err, CAIRN_EINVAL, "the password contains a control character");
        i += k;
        count++;
    }
    if (chars) *chars = count;
    return 0;
}

/* Only the form (see auth.h). */
int auth_password_form_check(const char *password, cairn_err *err) {
    return password_form(password, NULL, err);
}

/* The most common passwords of 8 characters or more (from the published
** breach lists), lower case.  A password equal to one of them, ignoring
** case and digits or punctuation added at the end, is refused even when
** libcrack's dictionary is missing. */
static const char *const common_passwords[] = {
    "password", "passw0rd", "p@ssword", "p@ssw0rd", "12345678", "123456789", "1234567890",
    "12345678910", "123123123", "987654321", "0987654321", "11111111", "00000000",
    "qwertyuiop", "qwerty123", "qwertyui", "asdfghjkl", "zxcvbnm", "1q2w3e4r", "1q2w3e4r5t",
    "1qaz2wsx", "1qaz2wsx3edc", "zaq12wsx", "zaq1zaq1", "iloveyou", "sunshine", "princess",
    "football", "baseball", "welcome", "letmein", "trustno1", "superman", "starwars",
    "changeme", "administrator", "admin", "master", "dragon", "monkey", "shadow", "whatever",
    "computer", "michelle", "jennifer", "jordan23", "liverpool", "chelsea", "arsenal",
    "passwort", "hallo123", "schalke04", "ficken", "qwertz", "qwertzuiop", "geheim",
    "letmein123", "welcome123", "abc12345", "abcdefgh", "abcd1234", "aa123456", "access",
    "internet", "student", "teacher", "school", "cairn", "summer", "winter", "spring",
    "autumn", "secret", "mustang", "freedom", "pokemon", "minecraft", "fortnite", "zaq1xsw2",
    "q1w2e3r4", "q1w2e3r4t5y6", "azertyuiop", "azerty", "default", "test1234", "testtest",
    "loveme", "lovely", "nicole", "daniel", "michael", "charlie", "jessica", "ashley",
};

/* 1 if lower is a common password, possibly with digits or punctuation
** added at the end (lower is lower-cased ASCII or other bytes). */
static int password_is_common(const char *lower) {
    size_t n = strlen(lower);
    while (n > 0 && (isdigit((unsigned char)lower[n - 1]) || ispunct((unsigned char)lower[n - 1])))
        n--;
    for (size_t i = 0; i < sizeof common_passwords / sizeof *common_passwords; i++) {
        const char *c = common_passwords[i];
        size_t cn = strlen(c);
        if (strcmp(lower, c) == 0 || (n == cn && n > 0 && strncmp(lower, c, cn) == 0))
            return 1;
    }
    return 0;
}

/* If password (n bytes) is one piece of at most n/2 bytes said over and
** over, the length of that piece; else 0. */
static size_t password_repeat_unit(const char *password, size_t n) {
    for (size_t unit = 1; unit <= n / 2; unit++) {
        if (n % unit) continue;
        size_t i = unit;
        while (i < n && password[i] == password[i - unit]) i++;
        if (i == n) return unit;
    }
    return 0;
}

/* 1 if needle (not empty) occurs in hay, ignoring ASCII case. */
static int contains_nocase(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return 1;
    return 0;
}

/* libcrack is not thread-safe (it keeps the last dictionary block). */
static pthread_mutex_t crack_mu = PTHREAD_MUTEX_INITIALIZER;

/* The dictionary libcrack reads (its path without ".pwd"), or NULL when the
** file is not there. */
const char *auth_password_dictionary(void) {
    static char path[512];
    const char *base = GetDefaultCracklibDict();
    if (!base || strlen(base) + 5 > sizeof path) return NULL;
    strcpy(path, base);
    strcat(path, ".pwd");
    if (access(path, R_OK) != 0) return NULL;
    path[strlen(path) - 4] = 0;
    return path;
}

/* The policy (see auth.h). */
int auth_password_check(const char *password, const char *username, cairn_err *err) {
    size_t chars = 0;
    if (password_form(password, &chars, err) < 0) return -1;
    size_t n = strlen(password);
    char *lower = xmalloc(n + 1);
    for (size_t i = 0; i <= n; i++) lower[i] = (char)tolower((unsigned char)password[i]);
    int rc = 0;
    size_t unit;
    if (username && *username && strcasecmp(password, username) == 0)
        rc = err_set(err, CAIRN_EINVAL, "the password is your user name: choose one that "
                     "nobody could guess from it");
    else if (username && strlen(username) >= 3 && contains_nocase(password, username))
        rc = err_set(err, CAIRN_EINVAL, "the password contains your user name (\"%s\"): "
                     "choose one without it", username);
    else if ((unit = password_repeat_unit(password, n)) != 0)
        rc = err_set(err, CAIRN_EINVAL, "the password repeats \"%.*s\" over and over: choose "
                     "one that is hard to guess (a few unrelated words make a good one)",
                     (int)(unit < 16 ? unit : 16), password);
    else if (password_is_common(lower))
        rc = err_set(err, CAIRN_EINVAL, "the password is one of the most common passwords: "
                     "choose one nobody would guess (a few unrelated words make a good one)");
    else if (chars < AUTH_PASSWORD_MIN)
        rc = err_set(err, CAIRN_EINVAL, "the password is too short: use at least %d "
                     "characters (a few words make a good one)", AUTH_PASSWORD_MIN);
    if (rc == 0) {
        const char *dict = auth_password_dictionary();
        if (dict) {
            pthread_mutex_lock(&crack_mu);
            const char *why = FascistCheckUser(password, dict, username ? username : "", NULL);
            if (why)
                rc = err_set(err, CAIRN_EINVAL, "the password is too easy to guess (%s): choose "
                             "another (a few unrelated words make a good one)", why);
            pthread_mutex_unlock(&crack_mu);
        }
    }
    memset(lower, 0, n);
    free(lower);
    return rc < 0 ? -1 : 0;
}
