#!/usr/bin/env python3
"""scripts/lint/writers.py — a C-aware check of the HTML and JSON writers.

    python3 scripts/lint/writers.py [FILE.c | DIR]...   (default: src/web)

Every .c file given, or under a directory given at any depth, is read as
C (comments, literals, adjacent literals joined across lines, brackets),
with the declarations of every header under src/ (and build/gen/), and
each finding is printed as "FILE:LINE: what"; exit status 1 if any.

  raw      buf_append/puts/putc/printf/vprintf is a raw write: allowed only
           with a comment saying "not HTML" on the call's lines or the line
           above (which also covers the later raw writes of that function
           to the same buffer), in the comment above the enclosing function
           (a function that builds SQL, say), or inside the definition of a
           function that web/html.h declares (the escaping writers).  No
           file is exempt by its name.
  format   html_printf/html_vprintf (and any function of ours that hands
           its format parameter on to html_vprintf, directly or through
           another such function: found, not listed) take a format that is a
           string literal, a T()/TC()/TN()/TNC() msgid literal, or ?: between
           those; never a variable.  json_pack/json_pack_ex likewise.
  convert  each conversion is one html_vprintf accepts (%T %A %U %J, %d %ld
           %lld, %u %lu %llu %zu, %f, with its flags) and each json_pack
           format character one jansson knows; the two sides of a ?: have
           the same conversions; TN's singular and plural too.
  count    one argument per conversion, no more, no fewer.
  type     where the argument's type can be known (literals, sizeof, casts,
           variables and parameters, struct members, function results), it
           fits: a string for %T %A %U %J and json's s, an int-sized integer
           for %d %u and json's i b, an 8-byte integer for %ld %lld %lu %llu
           %zu and json's I, a double for %f and json's f, a json_t * for o O.

Translations of a msgid format are checked by scripts/po2c.sh when the
catalogs are built: it refuses a msgstr whose conversions differ.
"""
import os
import re
import sys

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ctok import Tok, tokenize, match_brackets, split_top   # noqa: E402
from cdecl import Decls, Scanner, T_MACROS               # noqa: E402
from ctyper import Typer                                  # noqa: E402

NOT_HTML = re.compile(r"not[\s*]+HTML", re.I)       # also across a comment's line break
RAW = {"buf_append", "buf_puts", "buf_putc", "buf_printf", "buf_vprintf"}
HTML_CONV = re.compile(r"%([-0]*)([1-9][0-9]*)?(\.[0-9]*)?(ll|l|z)?(.?)", re.S)
MSGID_POS = {"T": [1], "i18n_tr": [1], "TC": [2], "i18n_trc": [2],
             "TN": [1, 2], "i18n_trn": [1, 2], "TNC": [2, 3], "i18n_trnc": [2, 3]}
WANT = {"str": "a string (const char *)", "i4": "an int", "i8": "an 8-byte integer (long long, int64_t, size_t)",
        "dbl": "a double", "json": "a json_t *"}
OK = {"str": {"str"}, "i4": {"i4"}, "i8": {"i8"}, "dbl": {"dbl"}, "json": {"json", "ptr"}}


def html_convs(tok):
    """[(kind or None, text, line)] for the conversions of a joined literal."""
    out, text, lines = [], tok.value, []
    for value, line in tok.pieces:
        lines.extend([line] * len(value))
    for m in HTML_CONV.finditer(text):
        flags, width, prec, size, conv = m.groups()
        line = lines[m.start()] if m.start() < len(lines) else tok.line
        whole = m.group(0)
        deco = flags or width or prec or size
        if conv == "%" and not deco:
            continue
        kind = None
        if conv in "TAUJ" and conv and not deco:
            kind = "str"
        elif conv == "d" and not prec and size != "z":
            kind = "i8" if size else "i4"
        elif conv == "u" and not prec:
            kind = "i8" if size else "i4"
        elif conv == "f" and not size:
            kind = "dbl"
        out.append((kind, whole, line))
    return out


def json_convs(tok):
    """[(kind or None, text, line)] for the arguments a json_pack format takes."""
    out, s, i = [], tok.value, 0
    while i < len(s):
        c = s[i]
        i += 1
        if c in " \t\n:,[]{}n":
            continue
        if c in "s+":
            out.append(("str", c, tok.line))
            if i < len(s) and s[i] == "#":
                out.append(("i4", c + "#", tok.line))
                i += 1
            elif i < len(s) and s[i] == "%":
                out.append(("i8", c + "%", tok.line))
                i += 1
            elif i < len(s) and s[i] in "?*" and c == "s":
                i += 1
        elif c in "bi":
            out.append(("i4", c, tok.line))
        elif c == "I":
            out.append(("i8", c, tok.line))
        elif c == "f":
            out.append(("dbl", c, tok.line))
        elif c in "oO":
            out.append(("json", c, tok.line))
            if i < len(s) and s[i] in "?*":
                i += 1
        else:
            out.append((None, c, tok.line))
    return out


class FileCheck:
    """The checks of one .c file; findings go to self.found."""
    def __init__(self, path, text, known, html_api):
        self.path = path
        self.t, self.comments = tokenize(text)
        self.pairs = match_brackets(self.t)
        self.d = known.copy()
        Scanner(self.t, self.pairs, self.d, True).scan()
        self.typer = Typer(self.t, self.pairs, self.d)
        self.html_api = html_api
        self.found, self.marked = [], set()
        self.marks = {ln for a, b, c in self.comments if NOT_HTML.search(c) for ln in range(a, b + 1)}
        self.writers = {"html_printf": (1, True), "html_vprintf": (1, False)}
        self.json = {"json_pack": 0, "json_pack_ex": 2, "json_vpack_ex": 2}

    def say(self, line, what):
        """Record a finding at line."""
        self.found.append((line, what))

    def func_at(self, i):
        """The function definition whose body holds token i, or None."""
        for f in self.d.funcdefs:
            if f.body[0] <= i <= f.body[1]:
                return f
        return None

    def wrappers(self, known):
        """Add to known (name -> (format index, variadic)) the functions of
        this file that hand one of their parameters, as the format, to a
        va_list writer of known: a variadic one whose last named parameter
        it is (checked at its callers like html_printf), or one taking that
        parameter and a va_list after it (like html_vprintf).  Returns 1 if
        it added any; call again until none, for chains of wrappers."""
        added = 0
        for f in self.d.funcdefs:
            names = [p[0] for p in f.params]
            for i in range(f.body[0], f.body[1]):
                w = known.get(self.t[i].text)
                if w is None or w[1] or f.name in known or not self.is_call(i):
                    continue
                args = split_top(self.t, i + 2, self.pairs[i + 1])
                k = w[0]
                if k >= len(args) or args[k][1] - args[k][0] != 1 or self.t[args[k][0]].text not in names:
                    continue
                at = names.index(self.t[args[k][0]].text)
                if f.variadic and at == len(names) - 1:
                    known[f.name] = (at, True)
                elif at + 1 < len(names) and self.d.resolve(f.params[at + 1][1]).base == "va_list":
                    known[f.name] = (at, False)
                else:
                    continue
                added = 1
        return added

    def is_call(self, i):
        """1 if the name at i is called here (not declared or defined)."""
        if i + 1 >= len(self.t) or self.t[i + 1].text != "(" or i + 1 not in self.pairs:
            return False
        prev = self.t[i - 1] if i else None
        if prev is None:
            return False
        if prev.kind == "id" and prev.text not in ("return", "else", "do", "case"):
            return False
        return not (prev.text == "*" and i >= 2 and self.t[i - 2].kind == "id"
                    and self.d.is_typename(self.t[i - 2].text))

    def run(self):
        """Check every call in the file; returns [(line, message)]."""
        for i, tk in enumerate(self.t):
            if tk.kind != "id" or not self.is_call(i):
                continue
            args = split_top(self.t, i + 2, self.pairs[i + 1])
            if tk.text in RAW:
                self.check_raw(i)
            elif tk.text in self.writers:
                fmt_at, variadic = self.writers[tk.text]
                self.check_call(i, args, fmt_at, variadic, "html")
            elif tk.text in self.json:
                self.check_call(i, args, self.json[tk.text], tk.text != "json_vpack_ex", "json")
        return self.found

    def check_raw(self, i):
        """The raw-write rule for the buf_ call whose name is token i."""
        lo, hi = self.t[i].line, self.t[self.pairs[i + 1]].line
        args = split_top(self.t, i + 2, self.pairs[i + 1])
        target = " ".join(x.text for x in self.t[args[0][0]:args[0][1]]) if args else ""
        f = self.func_at(i)
        key = (f.name if f else None, target)
        if any(ln in self.marks for ln in range(lo - 1, hi + 1)):
            self.marked.add(key)          # later raw writes to the same buffer
            return
        if key in self.marked:
            return
        if f is not None:
            if f.name in self.html_api:
                return
            first = self.t[f.start].line
            if any(first - 1 <= b <= first and NOT_HTML.search(c) for a, b, c in self.comments):
                return
        self.say(lo, "a raw %s outside the escaping writers; write HTML through html_printf/"
                 "html_text, or mark a non-HTML use with /* not HTML: why */" % self.t[i].text)

    def formats(self, lo, hi, fn):
        """The literal format tokens of the format argument toks[lo:hi]:
        a list of (token, is_msgid), or None if one is not a literal."""
        t = self.t
        while lo < hi and t[lo].text == "(" and self.pairs.get(lo) == hi - 1:
            lo, hi = lo + 1, hi - 1
        if hi - lo == 1 and t[lo].kind == "str":
            return [(t[lo], False)]
        joined = self.joined_literal(lo, hi)
        if joined is not None:
            return [(joined, False)]
        q = self.top_question(lo, hi)
        if q is not None:
            colon = self.typer.matching_colon(q, hi)
            if colon is None:
                return None
            a, b = self.formats(q + 1, colon, fn), self.formats(colon + 1, hi, fn)
            return a + b if a is not None and b is not None else None
        if (t[lo].text in MSGID_POS and lo + 1 < hi and t[lo + 1].text == "("
                and self.pairs.get(lo + 1) == hi - 1):
            args = split_top(t, lo + 2, hi - 1)
            out = []
            for k in MSGID_POS[t[lo].text]:
                if k >= len(args) or args[k][1] - args[k][0] != 1 or t[args[k][0]].kind != "str":
                    return None
                out.append((t[args[k][0]], True))
            return out
        return None

    def joined_literal(self, lo, hi):
        """Literals with #if lines or string macros (CAIRN_VERSION) between
        them, as one token; None if toks[lo:hi] is anything else."""
        parts = self.t[lo:hi]
        if not any(x.kind == "str" for x in parts) or not all(
                x.kind in ("str", "pp") or (x.kind == "id" and re.match(r"[A-Z_][A-Z0-9_]*$", x.text))
                for x in parts):
            return None
        strs = [x for x in parts if x.kind == "str"]
        return Tok("str", " ".join(x.text for x in strs), strs[0].line,
                   "".join(x.value for x in strs), [p for x in strs for p in x.pieces])

    def top_question(self, lo, hi):
        """The index of the first ? outside brackets in toks[lo:hi], or None."""
        depth = 0
        for i in range(lo, hi):
            x = self.t[i].text if self.t[i].kind == "punct" else ""
            if x in ("(", "[", "{"):
                depth += 1
            elif x in (")", "]", "}"):
                depth -= 1
            elif x == "?" and depth == 0:
                return i
        return None

    def check_call(self, i, args, fmt_at, variadic, family):
        """Format, conversions, count and types of the writer call at token i."""
        name, t = self.t[i].text, self.t
        line = t[i].line
        if fmt_at >= len(args):
            self.say(line, "%s without a format" % name)
            return
        lo, hi = args[fmt_at]
        fmts = self.formats(lo, hi, name)
        if fmts is None:
            f = self.func_at(i)
            names = [p[0] for p in f.params] if f is not None else []
            own = (not variadic and hi - lo == 1 and t[lo].text in names
                   and self.writers.get(f.name, (None,))[0] == names.index(t[lo].text))
            if not own:
                self.say(t[lo].line, "%s with a variable format (%s); the format must be a "
                         "string literal%s" % (name, self.code(lo, hi),
                                               " or a T() msgid" if family == "html" else ""))
            return
        convs = None
        for tok, _msgid in fmts:
            c = html_convs(tok) if family == "html" else json_convs(tok)
            for kind, text, cl in c:
                if kind is None:
                    self.say(cl, "%s: the conversion \"%s\" is not allowed (html.h lists the "
                             "allowed ones); it would abort the request" % (name, text)
                             if family == "html" else
                             "%s: \"%s\" is not a json_pack format character" % (name, text))
            kinds = [k for k, _x, _l in c]
            if convs is None:
                convs = c
            elif kinds != [k for k, _x, _l in convs]:
                self.say(tok.line, "%s: the formats of this call have different conversions "
                         "(%s / %s)" % (name, " ".join(x for _k, x, _l in convs) or "none",
                                        " ".join(x for _k, x, _l in c) or "none"))
        if not variadic or convs is None or any(k is None for k, _x, _l in convs):
            return
        rest = args[fmt_at + 1:]
        if len(rest) < len(convs):
            missing = convs[len(rest)]
            self.say(missing[2], "%s has %d argument%s for %d conversions; \"%s\" has none"
                     % (name, len(rest), "" if len(rest) == 1 else "s", len(convs), missing[1]))
        elif len(rest) > len(convs):
            a = rest[len(convs)]
            self.say(t[a[0]].line, "%s has %d argument%s for %d conversion%s; \"%s\" is one too many"
                     % (name, len(rest), "" if len(rest) == 1 else "s", len(convs),
                        "" if len(convs) == 1 else "s", self.code(a[0], a[1])))
        for (kind, text, _cl), (a, b) in zip(convs, rest):
            got = self.typer.type_of(a, b)
            cat = self.d.category(got)
            if cat is None or cat in OK[kind]:
                continue
            self.say(t[a].line, "%s: \"%s\" takes %s, but %s is %s" % (
                name, text, WANT[kind], self.code(a, b), self.show(got)))

    def code(self, lo, hi):
        """toks[lo:hi] as short C text for a message."""
        out = ""
        for k in range(lo, hi):
            x = self.t[k].text
            tight = x in (",", ")", "]", "->", ".", "(", "[") or out.endswith(("(", "[", "->", ".", "!", "&"))
            out += x if tight or not out else " " + x
        return out if len(out) <= 60 else out[:57] + "..."

    def show(self, ty):
        """A type as a message shows it, with what its typedef stands for."""
        r = self.d.resolve(ty)
        return repr(ty).strip() + ("" if r.base == ty.base else " (" + repr(r).strip() + ")")


def c_files(args):
    """The .c files named, and those under the folders named, at any depth."""
    for a in args:
        if os.path.isdir(a):
            for root, dirs, files in os.walk(a):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith(".c"):
                        yield os.path.join(root, f)
        else:
            yield a


def header_files(root):
    """Every .h under src/ and build/gen/ of the repository at root."""
    for top in (os.path.join(root, "src"), os.path.join(root, "build", "gen")):
        for dirpath, dirs, files in os.walk(top):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(".h"):
                    yield os.path.join(dirpath, f)


def main(argv):
    """Check the files of argv (default src/web); print the findings; 1 if any."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    targets = list(c_files(argv or [os.path.join(root, "src", "web")]))
    known = Decls()
    html_api = set()
    for h in header_files(root):
        with open(h, encoding="utf-8", errors="replace") as fh:
            toks, _c = tokenize(fh.read())
        pairs = match_brackets(toks)
        Scanner(toks, pairs, known, False).scan()
        if h.replace(os.sep, "/").endswith("src/web/html.h"):
            d = Scanner(toks, pairs, Decls(), False).scan()
            html_api = set(d.funcs)
    checks, writers = [], {"html_printf": (1, True), "html_vprintf": (1, False)}
    for path in targets:
        with open(path, encoding="utf-8", errors="replace") as fh:
            fc = FileCheck(path, fh.read(), known, html_api)
        checks.append(fc)
    while any([fc.wrappers(writers) for fc in checks]):
        pass
    bad = 0
    for fc in checks:
        fc.writers = writers
        for line, what in sorted(fc.run()):
            print("%s:%d: %s" % (os.path.relpath(fc.path), line, what))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
