#!/bin/bash
# tests/cli/test_i18n_cli.sh — the message catalogs (web/i18n.h, po/, scripts/po2c.sh).
#
#   CAIRN=build/rel/cairn bash tests/cli/test_i18n_cli.sh      (from the repository root)
#
# Checks that po/cairn.pot holds exactly the msgids of src/web (at any depth); that
# every one of them is translated (not empty, not fuzzy) in every po file
# and no po file keeps msgids no longer used; that msgfmt --check (GNU
# gettext, a test-only tool) accepts the po files; the extractor's call
# forms; that scripts/po2c.sh reads multi-line strings, escapes, contexts
# and plurals, and stops on each kind of malformed .po with
# "FILE:LINE: what"; and, against a running server, that pages come in the
# browser's language (Arabic right to left).
#
# Prints one "ok - ..." / "not ok - ..." line per check and ends with
# "N passed, M failed"; exits non-zero if anything failed.  Needs curl.
set -u

CAIRN=${CAIRN:-build/rel/cairn}
. "$(dirname "$0")/lib.sh" || exit 1

# ---- the catalogs are complete ---------------------------------------------------

if sh scripts/po2c.sh pot $(find src/web -name '*.c' | sort) > "$TMP/cairn.pot" 2> "$TMP/pot.err" &&
   diff -u po/cairn.pot "$TMP/cairn.pot" > "$TMP/pot.diff"; then
    ok "po/cairn.pot holds exactly the msgids of src/web/*.c"
else
    not_ok "po/cairn.pot holds exactly the msgids of src/web/*.c (run: scripts/po2c.sh pot \$(find src/web -name '*.c' | sort) > po/cairn.pot)"
    sed 's/^/# /' "$TMP/pot.err" "$TMP/pot.diff" | head -40
fi
n=$(grep -c '^msgid "[^"]' po/cairn.pot)
check "the template has the messages of the existing pages ($n)" [ "$n" -ge 45 ]

for code in de uk ar; do
    check "po/$code.po exists" [ -f "po/$code.po" ]
done
if sh scripts/po2c.sh check po/cairn.pot po/*.po 2> "$TMP/check.err"; then
    ok "every msgid is translated in every po file, none fuzzy, none left over"
else
    not_ok "every msgid is translated in every po file, none fuzzy, none left over"
    sed 's/^/# /' "$TMP/check.err" | head -40
fi
if command -v msgfmt > /dev/null 2>&1; then
    for f in po/*.po; do
        if msgfmt --check --statistics -o /dev/null "$f" 2> "$TMP/msgfmt.err" &&
           ! grep -qiE 'untranslated|fuzzy|warning' "$TMP/msgfmt.err"; then
            ok "msgfmt --check $f: $(tr -d '\n' < "$TMP/msgfmt.err")"
        else
            not_ok "msgfmt --check $f"; sed 's/^/# /' "$TMP/msgfmt.err" | head -20
        fi
    done
else
    not_ok "msgfmt (Debian package gettext, installed by scripts/deps.sh check) is missing"
fi
for code in de uk ar; do
    check "po/$code.po: its Language header is $code" grep -q "^\"Language: $code\\\\n\"" "po/$code.po"
done
check "po/uk.po has three plural forms, po/ar.po six" bash -c \
    "grep -q 'nplurals=3;' po/uk.po && grep -q 'nplurals=6;' po/ar.po"

# ---- the extractor ---------------------------------------------------------------

cat > "$TMP/calls.c" <<'EOF'
/* T(L, "in a comment") is not a call */
// nor T(L, "this one")
static void f(void) {
    const char *s = "T(L, \"inside a string\")";
    x = T(L, "Plain");
    x = T(L, "Joined "
             "over lines \xE2\x80\x94 with an escape\n");
    x = TC(L, "menu", "Open");
    x = TN(L, "%T file", "%T files", n);
    x = TNC(L, "ctx", "%T row", "%T rows", n);
    x = N_("Marked");
    x = T(L, variable);
    x = T(L, cond ? "a" : "b");
    web_error_page(res, 404, "Title", "Message.");
    web_error_page(res, status, title, message);
    x = i18n_tr(L, "Long form");
    x = TT(L, "not ours");
    c = 'T';
}
EOF
if sh scripts/po2c.sh pot "$TMP/calls.c" > "$TMP/calls.pot" 2> "$TMP/calls.err"; then
    ok "the extractor reads a C file"
else
    not_ok "the extractor reads a C file"; sed 's/^/# /' "$TMP/calls.err"
fi
got=$(grep -E '^(msgctxt|msgid|msgid_plural) ' "$TMP/calls.pot" | tr '\n' '|')
want='msgid ""|msgid "Plain"|msgid "Joined over lines — with an escape\n"|msgctxt "menu"|msgid "Open"|msgid "%T file"|msgid_plural "%T files"|msgctxt "ctx"|msgid "%T row"|msgid_plural "%T rows"|msgid "Marked"|msgid "Title"|msgid "Message."|msgid "Long form"|'
if [ "$got" = "$want" ]; then
    ok "...finds T, TC, TN, TNC, N_, i18n_tr and web_error_page literals, nothing else"
else
    not_ok "...finds T, TC, TN, TNC, N_, i18n_tr and web_error_page literals, nothing else"
    echo "# got:  $got"; echo "# want: $want"
fi

# ---- the compiler: a good file ------------------------------------------------------

HEADER='msgid ""
msgstr ""
"Language: xx\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"
'
mkdir -p "$TMP/ok"
{
    printf '%s\n' "$HEADER"
    printf '%s\n' '# a translator comment' '#: src/web/x.c' 'msgid "B \"quoted\""' \
        'msgstr ""' '"first part, "' '"second \\ part\n"' ''
    printf '%s\n' '#, fuzzy' 'msgid "Fuzzy"' 'msgstr "Not used"' ''
    printf '%s\n' 'msgid "Empty"' 'msgstr ""' ''
    printf '%s\n' 'msgctxt "menu"' 'msgid "A"' 'msgstr "A im Menü"' ''
    printf '%s\n' 'msgid "%T file"' 'msgid_plural "%T files"' 'msgstr[0] "%T Datei"' \
        'msgstr[1] "%T Dateien"' ''
    printf '%s\n' '#~ msgid "Old"' '#~ msgstr "Alt"' ''
    printf 'msgid "Windows"\r\nmsgstr "Fenster"\r\n'
} > "$TMP/ok/xx.po"
if sh scripts/po2c.sh c "$TMP/ok/out.c" "$TMP/ok/xx.po" 2> "$TMP/ok.err"; then
    ok "po2c.sh compiles a file with comments, multi-line strings, escapes, context, plural, CRLF"
else
    not_ok "po2c.sh compiles a file with comments, multi-line strings, escapes, context, plural, CRLF"
    sed 's/^/# /' "$TMP/ok.err"
fi
keys=$(grep -o '^    {"[^"\\]*\(\\.[^"\\]*\)*"' "$TMP/ok/out.c" | sed 's/^    {//' | tr '\n' '|')
check "...keeps the translated entries sorted by key, leaves out fuzzy and empty ones" \
    [ "$keys" = '"%T file"|"B \"quoted\""|"Windows"|"menu\004A"|' ]
check "...joins continued strings and keeps escapes" \
    grep -qF '"first part, second \\ part\012"' "$TMP/ok/out.c"
check "...joins plural forms with NULs" grep -qF '"%T Datei\000%T Dateien"' "$TMP/ok/out.c"
check "...writes UTF-8 as octal escapes" grep -qF 'im Men\303\274' "$TMP/ok/out.c"
check "...names the catalog after the file" grep -q '^const i18n_catalog i18n_catalog_xx = {' "$TMP/ok/out.c"
if command -v cc > /dev/null 2>&1; then
    check "...as C that compiles with the project's warnings" \
        cc -std=c17 -Wall -Wextra -Werror -Wcast-qual -Isrc -fsyntax-only "$TMP/ok/out.c"
fi

# ---- the compiler: malformed files ---------------------------------------------------

# bad NAME LINE MESSAGE-REGEX BODY: po2c.sh on HEADER+BODY as NAME.po fails
# with "NAME.po:LINE: ..." matching the message, and writes no output.
bad() {
    local name=$1 line=$2 re=$3 body=$4 dir="$TMP/bad-$1"
    mkdir -p "$dir"
    printf '%s\n%s\n' "$HEADER" "$body" | sed "s/Language: xx/Language: $name/" > "$dir/$name.po"
    if sh scripts/po2c.sh c "$dir/out.c" "$dir/$name.po" 2> "$dir/err"; then
        not_ok "malformed ($name): accepted"
    elif grep -qE "^$dir/$name.po:$line: .*$re" "$dir/err" && [ ! -e "$dir/out.c" ]; then
        ok "malformed ($name) stops the build: $(head -1 "$dir/err" | sed "s|$dir/||")"
    else
        not_ok "malformed ($name): wanted $name.po:$line: $re"; sed 's/^/# /' "$dir/err"
    fi
}
# The header takes lines 1-5 and a blank line 6; BODY starts on line 7.
bad aa 8 "not closed"         $'msgid "x"\nmsgstr "y'
bad ab 7 "without a msgid"    $'msgstr "y"'
bad ac 8 "unknown escape"     $'msgid "x"\nmsgstr "a\\qb"'
bad ad 7 "conversions"        $'msgid "%T learners"\nmsgstr "Lernende"'
bad ae 7 "conversions"        $'msgid "%T of %T"\nmsgstr "%T von %d"'
bad af 7 "markup"             $'msgid "Run <code>x</code>"\nmsgstr "Starte x"'
bad ag 7 "msgstr\\[0\\] to msgstr\\[1\\]" $'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"'
bad ah 10 "came before, at line 7" $'msgid "x"\nmsgstr "y"\n\nmsgid "x"\nmsgstr "z"'
bad ai 7 "cannot read"        $'this is not po'
bad aj 9 "expected msgstr\\[0\\] here, not msgstr\\[2\\]" $'msgid "a"\nmsgid_plural "as"\nmsgstr[2] "b"'
bad ak 7 "without a msgstr"   $'msgid "x"\n\nmsgid "y"\nmsgstr "z"'
bad al 8 "text after the closing quote" $'msgid "x"\nmsgstr "y" z'
bad am 8 "without msgid_plural" $'msgid "x"\nmsgstr[0] "y"'
bad an 9 "needs msgstr\\[0\\]" $'msgid "a"\nmsgid_plural "as"\nmsgstr "b"'
bad ao 7 "&"                  $'msgid "A and B"\nmsgstr "A & B"'
# Header problems.
mkdir -p "$TMP/hdr"
printf 'msgid ""\nmsgstr ""\n"Language: de\\n"\n\nmsgid "x"\nmsgstr "y"\n' > "$TMP/hdr/de.po"
if ! sh scripts/po2c.sh c "$TMP/hdr/out.c" "$TMP/hdr/de.po" 2> "$TMP/hdr/err" &&
   grep -q "de.po:1: the header has no Plural-Forms" "$TMP/hdr/err"; then
    ok "a po file without Plural-Forms stops the build"
else
    not_ok "a po file without Plural-Forms stops the build"; sed 's/^/# /' "$TMP/hdr/err"
fi
printf '%s\n' "$HEADER" > "$TMP/hdr/fr.po"
if ! sh scripts/po2c.sh c "$TMP/hdr/out.c" "$TMP/hdr/fr.po" 2> "$TMP/hdr/err" &&
   grep -q "fr.po:1: the header says Language: xx but the file is fr.po" "$TMP/hdr/err"; then
    ok "a po file whose Language differs from its name stops the build"
else
    not_ok "a po file whose Language differs from its name stops the build"; sed 's/^/# /' "$TMP/hdr/err"
fi
# The check mode names what is missing.
printf '%s\nmsgid "New"\nmsgstr ""\n' "$HEADER" > "$TMP/hdr/new.pot"
sed 's/Language: xx/Language: de/' "$TMP/ok/xx.po" > "$TMP/hdr/de.po"
if ! sh scripts/po2c.sh check "$TMP/hdr/new.pot" "$TMP/hdr/de.po" 2> "$TMP/hdr/err" &&
   grep -q 'de.po:1: no entry for msgid "New"' "$TMP/hdr/err" &&
   grep -q 'de.po:[0-9]*: msgid "Windows" is not in' "$TMP/hdr/err"; then
    ok "check names missing and left-over msgids"
else
    not_ok "check names missing and left-over msgids"; sed 's/^/# /' "$TMP/hdr/err"
fi

# ---- pages in the browser's language ------------------------------------------------

db="$TMP/t.db"
if [ ! -x "$CAIRN" ]; then
    not_ok "no program at $CAIRN (build it first)"
elif ! { "$CAIRN" init --db "$db" && "$CAIRN" demo --db "$db" --today 2026-06-30 --learners 60 &&
         printf 'i18n test password\n' | CAIRN_PWHASH_FAST=1 "$CAIRN" user add lang \
             --role school_leader --password-stdin --db "$db"; } > /dev/null 2> "$TMP/setup.err"; then
    not_ok "a demo school and an account"; sed 's/^/# /' "$TMP/setup.err" | tail -5
elif ! start_server "$db" "$TMP/serve.log"; then
    not_ok "server starts"; sed 's/^/# /' "$TMP/serve.log" | tail -10
else
    ok "server starts (port $PORT)"
    BASE="http://127.0.0.1:$PORT"
    # lang ACCEPT-LANGUAGE HTML-TAG TEXT: /login in that language.
    lang() {
        local code
        code=$(http "$BASE/login" -H "Accept-Language: $1")
        check "GET /login with Accept-Language \"$1\": $2 and \"$3\"" \
            bash -c "[ $code = 200 ] && grep -qF '$2' '$TMP/body' && grep -qF '<h1>$3</h1>' '$TMP/body'"
    }
    lang "de-AT,de;q=0.9,en;q=0.5" '<html lang="de">' "Anmelden"
    lang "uk" '<html lang="uk">' "Увійти"
    lang "ar" '<html lang="ar" dir="rtl">' "تسجيل الدخول"
    lang "fr" '<html lang="en">' "Sign in"
    code=$(http "$BASE/login")
    check "GET /login without Accept-Language is English" \
        bash -c "[ $code = 200 ] && grep -qF '<html lang=\"en\">' '$TMP/body'"
    code=$(http "$BASE/no/such/page" -H "Accept-Language: de")
    check "a 404 page in German" bash -c "[ $code = 404 ] && grep -qF '<h1>Seite nicht gefunden</h1>' '$TMP/body'"
    code=$(http "$BASE/" -X POST -H "Accept-Language: ar")
    check "a 405 page in Arabic, right to left" \
        bash -c "[ $code = 405 ] && grep -qF '<html lang=\"ar\" dir=\"rtl\">' '$TMP/body'"

    # Sign in with an Arabic browser and read the start page.
    jar="$TMP/jar"
    code=$(sign_in "$jar" lang "wrong password" -H "Accept-Language: ar")
    check "a failed sign-in says so in Arabic" \
        bash -c "[ $code = 401 ] && grep -qF 'اسم المستخدم أو كلمة المرور غير صحيحة' '$TMP/body'"
    code=$(sign_in "$jar" lang "i18n test password" -H "Accept-Language: ar")
    check "signing in works with an Arabic browser" [ "$code" = 303 ]
    code=$(http "$BASE/programmes" -b "$jar" -H "Accept-Language: ar")
    check "the start page in Arabic: right to left, translated, Arabic-Indic digits" \
        bash -c "[ $code = 200 ] && grep -qF '<html lang=\"ar\" dir=\"rtl\">' '$TMP/body' &&
                 grep -qF '<h1>البرامج والمجموعات</h1>' '$TMP/body' &&
                 grep -qF 'المتعلمون النشطون' '$TMP/body' &&
                 grep -qE '<td class=\"num\">(٠|١|٢|٣|٤|٥|٦|٧|٨|٩)+</td>' '$TMP/body' &&
                 ! grep -qE '<td class=\"num\">[0-9]+</td>' '$TMP/body'"
    code=$(http "$BASE/programmes" -b "$jar" -H "Accept-Language: uk")
    check "...and in Ukrainian for a Ukrainian browser" \
        bash -c "[ $code = 200 ] && grep -qF 'Освітні програми та групи' '$TMP/body' &&
                 grep -qE '<p>[0-9 ]+ активн' '$TMP/body'"
fi

done_testing
