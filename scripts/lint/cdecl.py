"""scripts/lint/cdecl.py — declarations and expression types, as far as a
simple scanner can know them.

Decls holds what the headers and a file declare: typedefs, struct and
union fields, enum constants, integer #defines, function return types and
file-scope variables; scan() adds a file's own declarations, its function
definitions (with their parameters) and its local variables with the range
of tokens where each is visible.  Typer.type_of() gives the type of an
expression, or None when it cannot be known (an unknown macro, a member of
a struct it never saw, ...): the checks accept what they cannot know.
"""
import re
from ctok import split_top

QUALS = {"const", "volatile", "static", "extern", "register", "inline", "restrict",
         "__restrict", "__inline", "_Thread_local", "__extension__", "_Noreturn", "_Atomic"}
WORDS = {"void", "char", "short", "int", "long", "float", "double", "signed", "unsigned",
         "_Bool", "bool"}
KEYWORDS = {"return", "if", "else", "while", "for", "do", "switch", "case", "default", "break",
            "continue", "goto", "sizeof", "typedef", "_Alignof", "_Static_assert", "asm"}
INT4 = {"char", "signed char", "unsigned char", "short", "unsigned short", "int", "unsigned int",
        "_Bool", "bool", "int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t"}
INT8 = {"long", "unsigned long", "long long", "unsigned long long", "int64_t", "uint64_t",
        "size_t", "ssize_t", "ptrdiff_t", "intptr_t", "uintptr_t", "time_t", "off_t",
        "json_int_t", "sqlite3_int64", "sqlite_int64", "intmax_t", "uintmax_t"}
SYSTEM_TYPES = INT4 | INT8 | {"va_list", "FILE", "json_t", "sqlite3", "sqlite3_stmt", "PGconn",
                              "PGresult", "pthread_t", "pthread_mutex_t", "json_error_t"}
T_MACROS = {"T", "TC", "TN", "TNC", "i18n_tr", "i18n_trc", "i18n_trn", "i18n_trnc"}


class Type:
    """A C type reduced to a base name and a pointer depth (arrays decay)."""
    __slots__ = ("base", "ptr")

    def __init__(self, base, ptr=0):
        self.base, self.ptr = base, ptr

    def __repr__(self):
        return self.base + " " + "*" * self.ptr


# Functions of system headers (which are not scanned) that the writers' arguments use.
SYSTEM_FUNCS = {name: Type(base, ptr) for names, base, ptr in [
    ("json_null json_true json_false json_integer json_real json_string json_stringn "
     "json_object json_array json_boolean json_pack json_deep_copy json_copy "
     "json_object_get json_array_get json_incref", "json_t", 1),
    ("json_string_value json_dumps strchr strrchr strstr getenv strerror", "char", 1),
    ("json_integer_value", "json_int_t", 0), ("json_real_value json_number_value", "double", 0),
    ("strlen json_array_size json_object_size json_string_length", "size_t", 0),
    ("strcmp strncmp memcmp json_is_true json_equal abs atoi", "int", 0),
    ("llabs atoll strtoll", "long long", 0), ("labs atol strtol", "long", 0),
    ("fabs sqrt floor ceil round exp log pow strtod atof", "double", 0)] for name in names.split()}


def num_type(text):
    """The type of an integer or floating literal."""
    t = text.lower()
    if not t.startswith("0x") and ("." in t or "e" in t) or t.startswith("0x") and "p" in t:
        return Type("float" if t.endswith("f") else "double")
    suffix = re.search(r"[ul]*$", t).group(0)
    if "ll" in suffix:
        return Type("unsigned long long" if "u" in suffix else "long long")
    if "l" in suffix:
        return Type("unsigned long" if "u" in suffix else "long")
    return Type("unsigned int" if "u" in suffix else "int")


def normalize_words(words):
    """"unsigned long int" -> "unsigned long"; "signed" -> "int"."""
    w = [x for x in words if x not in ("signed", "int")] if len(words) > 1 else list(words)
    if words == ["signed"]:
        return "int"
    if w == ["unsigned"]:
        return "unsigned int"
    if "int" in words and not w:
        return "int"
    return " ".join(w) or "int"


class FuncDef:
    """A function definition: name, parameters [(name, Type)], variadic,
    the token range of its body, and the line of its name."""
    def __init__(self, name, ret, params, variadic, body, line, start):
        self.name, self.ret, self.params, self.variadic = name, ret, params, variadic
        self.body, self.line, self.start = body, line, start


class Decls:
    """What is known about names: filled by scan() over headers and a file."""
    def __init__(self):
        self.typedefs, self.structs, self.globals = {}, {}, {}
        self.funcs = dict(SYSTEM_FUNCS)
        self.locals, self.funcdefs = [], []
        self.anon = 0

    def copy(self):
        """A copy to add one file's declarations to."""
        c = Decls()
        c.typedefs, c.structs = dict(self.typedefs), dict(self.structs)
        c.funcs, c.globals, c.anon = dict(self.funcs), dict(self.globals), self.anon
        return c

    def is_typename(self, name):
        """1 if name is a type: a typedef seen or a system type."""
        return name in self.typedefs or name in SYSTEM_TYPES

    def resolve(self, t, depth=0):
        """Follow typedefs to the underlying type."""
        while t is not None and t.base in self.typedefs and depth < 20:
            u = self.typedefs[t.base]
            if u.base == t.base:
                break
            t = Type(u.base, u.ptr + t.ptr)
            depth += 1
        return t

    def category(self, t):
        """"str", "json", "ptr", "i4", "i8", "dbl", "struct" or None (unknown)."""
        t = self.resolve(t)
        if t is None:
            return None
        if t.ptr:
            if t.ptr == 1 and t.base in ("char", "signed char", "unsigned char"):
                return "str"
            return "json" if t.ptr == 1 and t.base in ("json_t", "struct json_t") else "ptr"
        if t.base in INT4 or t.base.startswith("enum "):
            return "i4"
        if t.base in INT8:
            return "i8"
        if t.base in ("double", "float", "long double"):
            return "dbl"
        if t.base.startswith(("struct ", "union ")):
            return "struct"
        return None


class Scanner:
    """Walks the tokens of one file and records its declarations in decls."""
    def __init__(self, toks, pairs, decls, local):
        self.t, self.pairs, self.d, self.local = toks, pairs, decls, local

    def txt(self, i):
        """The text of token i, or "" past the end."""
        return self.t[i].text if i < len(self.t) else ""

    def is_punct(self, i, s):
        """1 if token i is the punctuator s."""
        return i < len(self.t) and self.t[i].kind == "punct" and self.t[i].text == s

    def skip_attr(self, i):
        """The index after any __attribute__((...)) or asm(...) at i."""
        while self.txt(i) in ("__attribute__", "__asm__", "asm") and self.is_punct(i + 1, "("):
            i = self.pairs.get(i + 1, i + 1) + 1
        return i

    def looks_like_decl(self, i, follow):
        """Heuristic for a type name nobody declared: NAME [*...] NAME FOLLOW."""
        j = i + 1
        while self.is_punct(j, "*") or self.txt(j) in QUALS:
            j += 1
        return (j < len(self.t) and self.t[j].kind == "id" and self.txt(j) not in KEYWORDS
                and self.txt(j + 1) in follow)

    def specifiers(self, i, follow=None):
        """Parse declaration specifiers at i: (Type, next index) or None.
        follow: the tokens allowed after a declarator name, for guessing
        that an unknown name is a type; None = only known type names."""
        words, base = [], None
        while i < len(self.t):
            tk = self.t[i]
            if tk.kind != "id":
                break
            w = tk.text
            if w in QUALS:
                i += 1
            elif w in ("__attribute__",):
                i = self.skip_attr(i)
            elif w in WORDS and base is None:
                words.append(w)
                i += 1
            elif w in ("struct", "union", "enum") and base is None and not words:
                i, base = self.tagged(i)
            elif base is None and not words and w not in KEYWORDS and (
                    self.d.is_typename(w) or (follow and self.looks_like_decl(i, follow))):
                base = Type(w)
                i += 1
            else:
                break
        if words:
            base = Type(normalize_words(words))
        return (base, i) if base is not None else None

    def tagged(self, i):
        """struct/union/enum [TAG] [{ body }]: records fields or constants."""
        kw = self.txt(i)
        i += 1
        tag = None
        if i < len(self.t) and self.t[i].kind == "id":
            tag = self.txt(i)
            i += 1
        if tag is None:
            self.d.anon += 1
            tag = "@%d" % self.d.anon
        name = kw + " " + tag
        if self.is_punct(i, "{") and i in self.pairs:
            end = self.pairs[i]
            if kw == "enum":
                for lo, hi in split_top(self.t, i + 1, end):
                    if lo < hi and self.t[lo].kind == "id":
                        self.d.globals[self.t[lo].text] = Type("int")
            else:
                self.d.structs[name] = self.fields(i + 1, end)
            i = end + 1
        return i, Type("int") if kw == "enum" else Type(name)

    def fields(self, lo, hi):
        """The fields of a struct body: {name: Type}."""
        out, i = {}, lo
        while i < hi:
            spec = self.specifiers(i, follow={";", ",", "[", ":"})
            if not spec:
                i += 1
                continue
            decls, j = self.declarators(spec[1], spec[0], "field")
            for name, ty, _isf, _p, _l in decls:
                if name:
                    out[name] = ty
            i = max(j + 1, i + 1)
        return out

    def declarators(self, i, base, mode):
        """Declarators after specifiers: ([(name, Type, is_function,
        (params_lo, params_hi), line)], index of the token that ends them)."""
        out = []
        while i < len(self.t):
            ptr = 0
            while self.is_punct(i, "*") or self.txt(i) in QUALS:
                ptr += self.is_punct(i, "*")
                i += 1
            name, line, isf, params = None, self.t[i].line if i < len(self.t) else 0, False, None
            if self.is_punct(i, "(") and self.is_punct(i + 1, "*") and i in self.pairs:
                close = self.pairs[i]
                for k in range(i + 1, close):
                    if self.t[k].kind == "id" and self.txt(k) not in QUALS:
                        name, line = self.txt(k), self.t[k].line
                ptr += 1
                i = close + 1
                if self.is_punct(i, "(") and i in self.pairs:
                    i = self.pairs[i] + 1
            elif i < len(self.t) and self.t[i].kind == "id" and self.txt(i) not in KEYWORDS:
                name, line = self.txt(i), self.t[i].line
                i += 1
            while self.is_punct(i, "[") and i in self.pairs:
                ptr += 1
                i = self.pairs[i] + 1
            if self.is_punct(i, "(") and i in self.pairs and name:
                isf, params = True, (i, self.pairs[i])
                i = self.pairs[i] + 1
            i = self.skip_attr(i)
            out.append((name, Type(base.base, base.ptr + ptr), isf, params, line))
            if mode == "param":
                return out, i
            if self.is_punct(i, "=") or self.is_punct(i, ":"):
                while i < len(self.t) and not (self.is_punct(i, ",") or self.is_punct(i, ";")):
                    if self.t[i].kind == "punct" and self.t[i].text in "([{" and i in self.pairs:
                        i = self.pairs[i]
                    if self.is_punct(i, "}") and mode == "field":
                        break
                    i += 1
            if self.is_punct(i, ","):
                i += 1
                continue
            return out, i
        return out, i

    def params(self, lo, hi):
        """Parameters between the parentheses at lo and hi: ([(name, Type)], variadic)."""
        out, variadic = [], False
        for a, b in split_top(self.t, lo + 1, hi):
            if a < b and self.is_punct(a, "..."):
                variadic = True
                continue
            spec = self.specifiers(a, follow={",", ")", "["})
            if not spec:
                continue
            d, _ = self.declarators(spec[1], spec[0], "param")
            if d and d[0][0]:
                out.append((d[0][0], d[0][1]))
        return out, variadic

    def scan(self):
        """Record every declaration of the file (see the module comment)."""
        t, d, stack, i, n = self.t, self.d, [], 0, len(self.t)
        while i < n:
            tk = t[i]
            if tk.kind == "pp":
                m = re.match(r"#\s*define\s+([A-Za-z_]\w*)\s+\(?\s*(-?[0-9][\w.]*|\"[^\"]*\")\s*\)?\s*$",
                             tk.text)
                if m:
                    v = m.group(2)
                    d.globals[m.group(1)] = Type("char", 1) if v.startswith('"') else num_type(v.lstrip("-"))
                i += 1
                continue
            if tk.kind == "punct" and tk.text == "{":
                stack.append(i)
                i += 1
                continue
            if tk.kind == "punct" and tk.text == "}":
                if stack:
                    stack.pop()
                i += 1
                continue
            prev = t[i - 1] if i else None
            start = prev is None or prev.kind == "pp" or prev.text in (";", "{", "}") or (
                prev.text == "(" and i >= 2 and t[i - 2].text == "for")
            if not start or tk.kind != "id":
                i += 1
                continue
            typedef = tk.text == "typedef"
            j = i + 1 if typedef else i
            spec = self.specifiers(j, follow={"=", ";", ",", "[", "("})
            if not spec:
                i += 1
                continue
            if self.is_punct(spec[1], ";"):
                i = spec[1] + 1
                continue
            decls, end = self.declarators(spec[1], spec[0], "stmt")
            if not decls or not all(x[0] for x in decls) or not (
                    self.is_punct(end, ";") or (self.is_punct(end, "{") and decls[0][2])):
                i = max(spec[1], i + 1)
                continue
            scope_end = self.pairs.get(stack[-1], n) if stack else n
            for name, ty, isf, params, line in decls:
                if typedef:
                    d.typedefs[name] = ty
                elif isf and not stack:
                    d.funcs[name] = ty
                    if self.is_punct(end, "{") and self.local:
                        ps, variadic = self.params(*params)
                        body = (end, self.pairs.get(end, n))
                        d.funcdefs.append(FuncDef(name, ty, ps, variadic, body, line, i))
                        for pn, pt in ps:
                            d.locals.append((pn, pt, end, body[1]))
                elif not stack:
                    d.globals[name] = ty
                elif self.local:
                    d.locals.append((name, ty, i, scope_end))
            i = end if self.is_punct(end, "{") else end + 1
        return d
