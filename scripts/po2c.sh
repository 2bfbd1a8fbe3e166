#!/bin/sh
# scripts/po2c.sh — the message catalogs without gettext: POSIX sh + awk.
#
#   scripts/po2c.sh c OUT.c po/de.po po/uk.po ...   compile .po files into C tables
#                                                   (the Makefile's build/gen/catalog.c)
#   scripts/po2c.sh pot $(find src/web -name '*.c' | sort) > po/cairn.pot
#                                                    extract the msgids of the code
#   scripts/po2c.sh check po/cairn.pot po/*.po      every msgid of the template
#                                                   translated in every .po?
#
# The .po files are read as gettext writes them: comments (#, #. #: #, #|
# #~), msgctxt, msgid, msgid_plural, msgstr, msgstr[N], strings continued on
# following lines, escapes \\ \" \n \t \r \a \b \f \v \ooo \xHH, a header
# entry (msgid "") with Content-Type (UTF-8 only), Language and
# Plural-Forms.  Fuzzy and empty translations are left out.  Anything
# malformed stops with "po/de.po:LINE: what is wrong" and exit status 1,
# and so does a translation whose printf conversions (%T %d %.1f %% ...),
# markup (<code> ...) or '&'s differ from its msgid's: translations are
# html_printf() templates (web/i18n.h).
#
# The C output: for each po/CODE.po a const i18n_catalog i18n_catalog_CODE
# whose entries are sorted by key (strcmp order; LC_ALL=C below), keys being
# msgid or msgctxt "\004" msgid, plural forms joined by NULs.
#
# The extractor finds msgids in the C sources as web/i18n.h describes:
# T(l, "..."), TC(l, "ctx", "..."), TN(l, "...", "...", n), TNC(l, "ctx",
# "...", "...", n), N_("..."), the same through i18n_tr/i18n_trc/i18n_trn/
# i18n_trnc, and the title and message of
# web_error_page(res, status, "...", "..."), page_not_found(c, "...", "...")
# and page_refuse(c, "...") (web/page.h) — string literals only
# (adjacent literals joined), comments skipped.
set -eu
LC_ALL=C
export LC_ALL

usage() {
    echo "usage: scripts/po2c.sh c OUT.c FILE.po... | pot FILE.c... | check FILE.pot FILE.po..." >&2
    exit 2
}
[ $# -ge 2 ] || usage
mode=$1
shift

# ---- the .po reader, shared by "c" and "check" ------------------------------------
PO_AWK='
function fail(msg) {
    print FILENAME ":" FNR ": " msg | "cat 1>&2"
    errors++
    if (errors >= 20) { print "po2c: too many errors" | "cat 1>&2"; exit 1 }
}
function fail_at(file, line, msg) {
    print file ":" line ": " msg | "cat 1>&2"
    errors++
}
# The value of the string literal that s (after the keyword) must be; sets
# ok = 0 and reports on error.
function postring(s,    i, n, c, out, d, v, k) {
    sub(/^[ \t]+/, "", s)
    sub(/[ \t]+$/, "", s)
    ok = 1
    if (substr(s, 1, 1) != "\"") { fail("expected a string in double quotes"); ok = 0; return "" }
    n = length(s); out = ""
    for (i = 2; i <= n; i++) {
        c = substr(s, i, 1)
        if (c == "\"") {
            if (i != n) { fail("text after the closing quote"); ok = 0 }
            return out
        }
        if (c != "\\") { out = out c; continue }
        i++
        if (i > n) break
        c = substr(s, i, 1)
        if (c == "n") out = out "\n"
        else if (c == "t") out = out "\t"
        else if (c == "r") out = out "\r"
        else if (c == "a") out = out "\007"
        else if (c == "b") out = out "\b"
        else if (c == "f") out = out "\f"
        else if (c == "v") out = out "\v"
        else if (c == "\\" || c == "\"" || c == "?" || c == "'"'"'") out = out c
        else if (c ~ /[0-7]/) {
            v = 0
            for (k = 0; k < 3 && i <= n && substr(s, i, 1) ~ /[0-7]/; k++) { v = v * 8 + substr(s, i, 1); i++ }
            i--
            if (v == 0 || v > 255) { fail("\\" substr(s, i - k + 1, k) " is not a byte this tool can store"); ok = 0; return "" }
            out = out sprintf("%c", v)
        } else if (c == "x") {
            v = 0
            for (k = 0; k < 2 && i < n && index("0123456789abcdefABCDEF", substr(s, i + 1, 1)); k++) {
                i++; d = index("0123456789abcdef", tolower(substr(s, i, 1))) - 1; v = v * 16 + d
            }
            if (k == 0 || v == 0) { fail("\\x needs one or two hex digits, not 00"); ok = 0; return "" }
            out = out sprintf("%c", v)
        } else { fail("unknown escape \\" c); ok = 0; return "" }
    }
    fail("the string is not closed (a missing \")"); ok = 0
    return ""
}
function entry_reset() {
    e_ctx = ""; e_has_ctx = 0; e_id = ""; e_has_id = 0; e_plural = ""; e_has_plural = 0
    e_nstr = 0; e_has_str = 0; e_line = 0; e_fuzzy = 0; field = ""
    split("", e_str)
}
# The current entry is complete: check and keep it.
function entry_end(    key, i, empty) {
    if (!e_has_id && !e_has_ctx) { entry_reset(); return }
    if (!e_has_id) { fail_at(file, e_line, "msgctxt without a msgid"); entry_reset(); return }
    if (!e_has_str) {
        fail_at(file, e_line, "msgid without a msgstr" (e_has_plural ? "[0]" : ""))
        entry_reset(); return
    }
    key = (e_has_ctx ? e_ctx "\004" : "") e_id
    if ((file, key) in seen) {
        fail_at(file, e_line, "this msgid" (e_has_ctx ? " and msgctxt" : "") " came before, at line " seen[file, key])
        entry_reset(); return
    }
    seen[file, key] = e_line
    if (key == "") { header = e_str[0]; header_line = e_line; entry_reset(); return }
    empty = 0
    for (i = 0; i < e_nstr; i++) if (e_str[i] == "") empty = 1
    ne++
    E_file[ne] = file; E_key[ne] = key; E_id[ne] = e_id; E_line[ne] = e_line
    E_plural[ne] = e_has_plural ? e_plural : ""; E_isplural[ne] = e_has_plural
    E_nstr[ne] = e_nstr; E_fuzzy[ne] = e_fuzzy; E_empty[ne] = empty
    for (i = 0; i < e_nstr; i++) E_str[ne, i] = e_str[i]
    entry_reset()
}
# The conversions of an html_printf template, in order: "%T %ld %%".
function convs(s,    out, i, n, j, c) {
    out = ""; n = length(s)
    for (i = 1; i <= n; i++) {
        if (substr(s, i, 1) != "%") continue
        j = i + 1
        if (substr(s, j, 1) == "%") { out = out " %%"; i = j; continue }
        while (j <= n && substr(s, j, 1) ~ /[-0-9.lz]/) j++
        out = out " " substr(s, i, j - i + 1)
        i = j
    }
    return out
}
# The markup of a template: its tags, sorted, and how many ampersands.
function markup(s,    t, n, i, j, k, tmp, out) {
    t = s; k = gsub(/&/, "&", t)
    n = 0
    while (match(s, /<[^>]*>/)) { tags[++n] = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH) }
    for (i = 2; i <= n; i++) {            # insertion sort, a handful of tags
        tmp = tags[i]
        for (j = i - 1; j >= 1 && tags[j] "" > tmp ""; j--) tags[j + 1] = tags[j]
        tags[j + 1] = tmp
    }
    out = ""
    for (i = 1; i <= n; i++) out = out " " tags[i]
    return out " &x" k
}
function show(s) {
    gsub(/\n/, "\\n", s)
    return length(s) > 60 ? "\"" substr(s, 1, 57) "...\"" : "\"" s "\""
}
# The finished file: its header, plural count, and each entry.
function file_end(    nplurals, pf, lang, code, i, j, cid, cpl, m) {
    if (file == "") return
    code = file; sub(/^.*\//, "", code); sub(/\.pot?$/, "", code)
    is_pot = file ~ /\.pot$/
    nplurals = 0; pf = ""; lang = ""
    m = split(header, H, "\n")
    for (i = 1; i <= m; i++) {
        if (H[i] ~ /^Plural-Forms:/) { pf = H[i]; sub(/^Plural-Forms:[ \t]*/, "", pf) }
        if (H[i] ~ /^Language:/) { lang = H[i]; sub(/^Language:[ \t]*/, "", lang) }
        if (H[i] ~ /^Content-Type:/ && tolower(H[i]) !~ /charset=utf-8/)
            fail_at(file, header_line, "the header must say Content-Type: text/plain; charset=UTF-8")
    }
    if (!is_pot) {
        if (code !~ /^[a-z][a-z][a-z]?(_[A-Z][A-Z])?$/)
            fail_at(file, 1, "the file name must be a language code such as de.po or pt_BR.po")
        if (header_line == 0) fail_at(file, 1, "no header entry (msgid \"\" with Language and Plural-Forms)")
        else if (pf == "") fail_at(file, header_line, "the header has no Plural-Forms")
        else if (match(pf, /nplurals[ \t]*=[ \t]*[0-9]+/)) {
            nplurals = substr(pf, RSTART, RLENGTH); sub(/^[^0-9]*/, "", nplurals); nplurals += 0
            if (nplurals < 1 || nplurals > 6) fail_at(file, header_line, "nplurals must be 1 to 6")
        } else fail_at(file, header_line, "Plural-Forms has no nplurals=N")
        if (lang != "" && lang != code)
            fail_at(file, header_line, "the header says Language: " lang " but the file is " code ".po")
    }
    sub(/[ \t]*$/, "", pf)
    for (i = 1; i <= ne; i++) {
        if (E_file[i] != file) continue
        if (E_isplural[i] && !is_pot && nplurals && E_nstr[i] != nplurals)
            fail_at(file, E_line[i], "a plural message needs msgstr[0] to msgstr[" nplurals - 1 "] (nplurals=" nplurals "), this one has " E_nstr[i])
        if (E_fuzzy[i] || E_empty[i]) continue
        cid = convs(E_id[i]); cpl = E_isplural[i] ? convs(E_plural[i]) : cid
        for (j = 0; j < E_nstr[i]; j++) {
            if (convs(E_str[i, j]) != cid && convs(E_str[i, j]) != cpl)
                fail_at(file, E_line[i], "the conversions of msgstr" (E_isplural[i] ? "[" j "]" : "") " (" convs(E_str[i, j]) " ) differ from those of msgid " show(E_id[i]) " (" cid " )")
            if (markup(E_str[i, j]) != markup(E_id[i]))
                fail_at(file, E_line[i], "the markup or & of msgstr" (E_isplural[i] ? "[" j "]" : "") " differs from that of msgid " show(E_id[i]))
        }
    }
    F_n++; F_name[F_n] = file; F_code[F_n] = code; F_nplurals[F_n] = nplurals; F_pf[F_n] = pf
    file = ""; header = ""; header_line = 0
}
BEGIN { entry_reset(); file = ""; ne = 0; errors = 0 }
FNR == 1 { entry_end(); file_end(); file = FILENAME; entry_reset() }
{
    line = $0
    sub(/\r$/, "", line)
    if (line ~ /^[ \t]*$/) { entry_end(); next }
    if (line ~ /^#~/) next                                   # obsolete
    if (line ~ /^#/) {
        if (e_has_str) entry_end()
        else if (e_has_id || e_has_ctx) { fail("a comment inside an entry (before its msgstr)"); next }
        if (line ~ /^#,/ && line ~ /fuzzy/) e_fuzzy = 1
        next
    }
    if (line ~ /^[ \t]*"/) {
        if (field == "") { fail("a string continuation without a keyword before it"); next }
        v = postring(line)
        if (!ok) next
        if (field == "ctx") e_ctx = e_ctx v
        else if (field == "id") e_id = e_id v
        else if (field == "plural") e_plural = e_plural v
        else e_str[field + 0] = e_str[field + 0] v
        next
    }
    if (!match(line, /^(msgctxt|msgid_plural|msgid|msgstr\[[0-9]+\]|msgstr)[ \t]/)) {
        if (line ~ /^(msgctxt|msgid|msgstr)/) fail("expected a string after the keyword")
        else fail("cannot read this line (expected msgid, msgstr, a comment or a string)")
        next
    }
    kw = substr(line, 1, RLENGTH - 1)
    rest = substr(line, RLENGTH + 1)
    if (kw == "msgctxt" || kw == "msgid") {
        if (e_has_str) entry_end()
        if (kw == "msgctxt") {
            if (e_has_ctx || e_has_id) { fail("msgctxt must come before msgid"); next }
            e_line = FNR; e_has_ctx = 1; e_ctx = postring(rest); field = "ctx"
        } else {
            if (e_has_id) { fail("msgid again before a msgstr"); next }
            if (!e_has_ctx) e_line = FNR
            e_has_id = 1; e_id = postring(rest); field = "id"
        }
        if (!ok) field = ""
        next
    }
    if (!e_has_id) { fail(kw " without a msgid before it"); next }
    if (kw == "msgid_plural") {
        if (e_has_plural || e_has_str) { fail("msgid_plural must follow msgid, once"); next }
        e_has_plural = 1; e_plural = postring(rest); field = ok ? "plural" : ""
        next
    }
    if (kw == "msgstr") {
        if (e_has_plural) { fail("a message with msgid_plural needs msgstr[0], msgstr[1], ..."); next }
        if (e_has_str) { fail("a second msgstr"); next }
        e_has_str = 1; e_nstr = 1; e_str[0] = postring(rest); field = ok ? "0" : ""
        next
    }
    n = substr(kw, 8); sub(/\]$/, "", n); n += 0
    if (!e_has_plural) { fail("msgstr[" n "] without msgid_plural (use msgstr)"); next }
    if (n != e_nstr) { fail("expected msgstr[" e_nstr "] here, not msgstr[" n "]"); next }
    e_has_str = 1; e_str[n] = postring(rest); e_nstr++; field = ok ? n "" : ""
}
'

# Heap sort of IDX[1..n] by K[IDX[i]] as strings (bytewise with LC_ALL=C).
SORT_AWK='
function sift(start, end,    root, child, sw, t) {
    root = start
    while (root * 2 <= end) {
        child = root * 2; sw = root
        if (K[IDX[sw]] "" < K[IDX[child]] "") sw = child
        if (child + 1 <= end && K[IDX[sw]] "" < K[IDX[child + 1]] "") sw = child + 1
        if (sw == root) return
        t = IDX[root]; IDX[root] = IDX[sw]; IDX[sw] = t; root = sw
    }
}
function heapsort(n,    start, end, t) {
    for (start = int(n / 2); start >= 1; start--) sift(start, n)
    for (end = n; end > 1; end--) { t = IDX[1]; IDX[1] = IDX[end]; IDX[end] = t; sift(1, end - 1) }
}
'

# ---- c: compile ------------------------------------------------------------------
C_AWK='
function cstr(s,    out, i, n, c) {
    out = ""; n = length(s)
    for (i = 1; i <= n; i++) {
        c = substr(s, i, 1)
        if (c == "\\" || c == "\"") out = out "\\" c
        else if (c == "?") out = out "\\?"
        else if (ord[c] >= 32 && ord[c] < 127) out = out c
        else out = out sprintf("\\%03o", ord[c])
    }
    return "\"" out "\""
}
BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
END {
    entry_end(); file_end()
    if (errors) exit 1
    print "/* Generated by scripts/po2c.sh from the po/ files; do not edit. */"
    print "#include \"web/i18n.h\""
    print "#include <stddef.h>"
    for (f = 1; f <= F_n; f++) {
        n = 0
        for (i = 1; i <= ne; i++)
            if (E_file[i] == F_name[f] && !E_fuzzy[i] && !E_empty[i]) { IDX[++n] = i; K[i] = E_key[i] }
        heapsort(n)
        print ""
        print "/* " F_name[f] ": " n " translated messages */"
        print "static const i18n_entry entries_" F_code[f] "[] = {"
        for (j = 1; j <= n; j++) {
            i = IDX[j]
            s = ""
            for (k = 0; k < E_nstr[i]; k++) s = s (k ? "\\000" : "") substr(cstr(E_str[i, k]), 2, length(cstr(E_str[i, k])) - 2)
            print "    {" cstr(E_key[i]) ", " (E_isplural[i] ? cstr(E_plural[i]) : "NULL") ", \"" s "\"},"
        }
        if (n == 0) print "    {NULL, NULL, NULL},"
        print "};"
        print "const i18n_catalog i18n_catalog_" F_code[f] " = {"
        print "    " cstr(F_code[f]) ", " F_nplurals[f] ", " cstr(F_pf[f]) ", entries_" F_code[f] ", " n
        print "};"
        split("", IDX)
    }
}
'

# ---- check: every msgid of the template translated ---------------------------------
CHECK_AWK='
END {
    entry_end(); file_end()
    if (errors) exit 1
    pot = F_name[1]
    for (i = 1; i <= ne; i++) if (E_file[i] == pot) { P[E_key[i]] = i }
    for (f = 2; f <= F_n; f++) {
        for (i = 1; i <= ne; i++) if (E_file[i] == F_name[f]) have[F_name[f], E_key[i]] = i
        for (i = 1; i <= ne; i++) {
            if (E_file[i] != pot) continue
            if (!((F_name[f], E_key[i]) in have)) {
                fail_at(F_name[f], 1, "no entry for msgid " show(E_id[i]) " (" pot ":" E_line[i] ")"); continue
            }
            j = have[F_name[f], E_key[i]]
            if (E_isplural[j] != E_isplural[i])
                fail_at(F_name[f], E_line[j], "msgid " show(E_id[i]) (E_isplural[i] ? " needs" : " must not have") " a msgid_plural, as in " pot)
            else if (E_isplural[i] && E_plural[j] != E_plural[i])
                fail_at(F_name[f], E_line[j], "msgid_plural of " show(E_id[i]) " differs from " pot)
            else if (E_fuzzy[j]) fail_at(F_name[f], E_line[j], "the translation of " show(E_id[i]) " is marked fuzzy")
            else if (E_empty[j]) fail_at(F_name[f], E_line[j], "no translation for " show(E_id[i]))
        }
        for (i = 1; i <= ne; i++)
            if (E_file[i] == F_name[f] && !(E_key[i] in P))
                fail_at(F_name[f], E_line[i], "msgid " show(E_id[i]) " is not in " pot " (no longer used?)")
    }
    if (errors) exit 1
}
'

# ---- pot: extract msgids from C ----------------------------------------------------
POT_AWK='
function add_tok(type, val, line) {
    if (type == "S" && nt > 0 && TT[nt] == "S") { TV[nt] = TV[nt] val; return }
    nt++; TT[nt] = type; TV[nt] = val; TL[nt] = line
}
# Tokens of one C file: identifiers (I), string literals (S, escapes decoded,
# adjacent ones joined), other characters (P); comments and character
# constants skipped.
function tokenize(src, file,    n, i, c, c2, j, v, k, line, d) {
    n = length(src); line = 1; nt = 0
    for (i = 1; i <= n; i++) {
        c = substr(src, i, 1)
        if (c == "\n") { line++; continue }
        if (c == " " || c == "\t" || c == "\r" || c == "\f" || c == "\v") continue
        c2 = substr(src, i, 2)
        if (c2 == "/*") {
            j = index(substr(src, i + 2), "*/")
            if (!j) { err(file, line, "a comment is not closed"); return }
            v = substr(src, i, j + 3); line += gsub(/\n/, "", v); i += j + 2; continue
        }
        if (c2 == "//") { while (i <= n && substr(src, i, 1) != "\n") i++; i--; continue }
        if (c == "\"" || c == "'"'"'") {
            v = ""; k = line
            for (i++; i <= n && substr(src, i, 1) != c; i++) {
                d = substr(src, i, 1)
                if (d == "\n") { err(file, line, "a string is not closed"); return }
                if (d != "\\") { v = v d; continue }
                i++; d = substr(src, i, 1)
                if (d == "n") v = v "\n"; else if (d == "t") v = v "\t"; else if (d == "r") v = v "\r"
                else if (d == "a") v = v "\007"; else if (d == "b") v = v "\b"; else if (d == "f") v = v "\f"
                else if (d == "v") v = v "\v"
                else if (d ~ /[0-7]/) {
                    x = 0
                    for (m = 0; m < 3 && substr(src, i, 1) ~ /[0-7]/; m++) { x = x * 8 + substr(src, i, 1); i++ }
                    i--; v = v sprintf("%c", x)
                } else if (d == "x") {
                    x = 0
                    while (index("0123456789abcdefABCDEF", substr(src, i + 1, 1)) && substr(src, i + 1, 1) != "") {
                        i++; x = x * 16 + index("0123456789abcdef", tolower(substr(src, i, 1))) - 1
                    }
                    v = v sprintf("%c", x % 256)
                } else if (d == "\n") line++
                else v = v d
            }
            if (c == "\"") add_tok("S", v, k)
            else add_tok("C", "", k)
            continue
        }
        if (c ~ /[A-Za-z_0-9]/) {
            j = i
            while (i <= n && substr(src, i, 1) ~ /[A-Za-z_0-9]/) i++
            add_tok("I", substr(src, j, i - j), line); i--; continue
        }
        add_tok("P", c, line)
    }
}
function err(file, line, msg) { print file ":" line ": " msg | "cat 1>&2"; errors++ }
# Record msgid id (with ctx when hasctx, plural when hasplural) found at file:line.
function record(file, line, hasctx, ctx, id, hasplural, plural,    key, k) {
    if (id == "") { err(file, line, "an empty msgid"); return }
    key = (hasctx ? ctx "\004" : "") id
    if (!(key in R)) {
        nr++; R[key] = nr; R_key[nr] = key; R_ctx[nr] = ctx; R_hasctx[nr] = hasctx; R_id[nr] = id
        R_plural[nr] = plural; R_hasplural[nr] = hasplural; R_files[nr] = file
    } else {
        k = R[key]
        if (R_hasplural[k] != hasplural || R_plural[k] != plural)
            err(file, line, "msgid \"" id "\" is used with and without the same plural elsewhere")
        if (!index(" " R_files[k] " ", " " file " ")) R_files[k] = R_files[k] " " file
    }
}
# Look for the calls in the tokens of file.
function scan(file,    k, a, depth, j, nargs, fn) {
    for (k = 1; k <= nt; k++) {
        if (TT[k] != "I" || !(TV[k] in SPEC) || TV[k + 1] != "(" || TT[k + 1] != "P") continue
        fn = TV[k]; nargs = 1; depth = 0; split("", ALIT); split("", ACNT)
        for (j = k + 2; j <= nt; j++) {
            if (TT[j] == "P" && (TV[j] == "(" || TV[j] == "[" || TV[j] == "{")) depth++
            else if (TT[j] == "P" && (TV[j] == ")" || TV[j] == "]" || TV[j] == "}")) {
                if (depth == 0) break
                depth--
            } else if (TT[j] == "P" && TV[j] == "," && depth == 0) { nargs++; continue }
            ACNT[nargs]++
            if (TT[j] == "S") ALIT[nargs] = TV[j]
        }
        # an argument is a literal when it is exactly one (joined) string
        split(SPEC[fn], S, " ")
        if (S[1] == "id") {
            if (ACNT[S[2]] == 1 && (S[2] in ALIT)) record(file, TL[k], 0, "", ALIT[S[2]], 0, "")
            if (S[3] != "" && ACNT[S[3]] == 1 && (S[3] in ALIT)) record(file, TL[k], 0, "", ALIT[S[3]], 0, "")
        } else if (S[1] == "ctx") {
            if (ACNT[S[2]] == 1 && (S[2] in ALIT) && ACNT[S[3]] == 1 && (S[3] in ALIT))
                record(file, TL[k], 1, ALIT[S[2]], ALIT[S[3]], 0, "")
        } else if (S[1] == "ctxplural") {
            if (ACNT[S[2]] == 1 && (S[2] in ALIT) && ACNT[S[3]] == 1 && (S[3] in ALIT) &&
                ACNT[S[4]] == 1 && (S[4] in ALIT))
                record(file, TL[k], 1, ALIT[S[2]], ALIT[S[3]], 1, ALIT[S[4]])
        } else if (S[1] == "plural") {
            if (ACNT[S[2]] == 1 && (S[2] in ALIT) && ACNT[S[3]] == 1 && (S[3] in ALIT))
                record(file, TL[k], 0, "", ALIT[S[2]], 1, ALIT[S[3]])
        }
    }
}
function po(s,    out, i, n, c) {
    out = ""; n = length(s)
    for (i = 1; i <= n; i++) {
        c = substr(s, i, 1)
        if (c == "\\" || c == "\"") out = out "\\" c
        else if (c == "\n") out = out "\\n"
        else if (c == "\t") out = out "\\t"
        else if (c == "\r") out = out "\\r"
        else if (ord[c] < 32 || ord[c] == 127) out = out sprintf("\\%03o", ord[c])
        else out = out c
    }
    return "\"" out "\""
}
BEGIN {
    for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i
    SPEC["T"] = "id 2"; SPEC["i18n_tr"] = "id 2"; SPEC["N_"] = "id 1"
    SPEC["TC"] = "ctx 2 3"; SPEC["i18n_trc"] = "ctx 2 3"
    SPEC["TN"] = "plural 2 3"; SPEC["i18n_trn"] = "plural 2 3"
    SPEC["TNC"] = "ctxplural 2 3 4"; SPEC["i18n_trnc"] = "ctxplural 2 3 4"
    SPEC["web_error_page"] = "id 3 4"
    SPEC["page_not_found"] = "id 2 3"; SPEC["page_refuse"] = "id 2"
}
FNR == 1 && NR > 1 { tokenize(src, prev); scan(prev); src = "" }
{ src = src $0 "\n"; prev = FILENAME }
END {
    if (NR > 0) { tokenize(src, prev); scan(prev) }
    if (errors) exit 1
    print "# cairn: the messages of the web interface."
    print "# Made by scripts/po2c.sh pot from the .c files of src/web; do not edit by hand."
    print "msgid \"\""
    print "msgstr \"\""
    print "\"Project-Id-Version: cairn\\n\""
    print "\"MIME-Version: 1.0\\n\""
    print "\"Content-Type: text/plain; charset=UTF-8\\n\""
    print "\"Content-Transfer-Encoding: 8bit\\n\""
    for (i = 1; i <= nr; i++) {
        print ""
        if ((R_id[i] R_plural[i]) ~ /%/)
            print "#. Keep every % conversion (%T ...) exactly, in the same order."
        if ((R_id[i] R_plural[i]) ~ /</)
            print "#. Keep the markup (<code> ...) as it is around the words it marks."
        print "#: " R_files[i]
        if (R_hasctx[i]) print "msgctxt " po(R_ctx[i])
        print "msgid " po(R_id[i])
        if (R_hasplural[i]) {
            print "msgid_plural " po(R_plural[i])
            print "msgstr[0] \"\""
            print "msgstr[1] \"\""
        } else print "msgstr \"\""
    }
}
'

case $mode in
c)
    out=$1
    shift
    [ $# -ge 1 ] || usage
    tmp="$out.tmp.$$"
    if awk "$PO_AWK$SORT_AWK$C_AWK" "$@" > "$tmp"; then
        mv "$tmp" "$out"
    else
        rm -f "$tmp"
        exit 1
    fi
    ;;
check)
    [ $# -ge 2 ] || usage
    awk "$PO_AWK$CHECK_AWK" "$@"
    ;;
pot)
    awk "$POT_AWK" "$@"
    ;;
*)
    usage
    ;;
esac
