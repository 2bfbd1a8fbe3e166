"""scripts/lint/ctyper.py — the type of a C expression, or None when a
simple reading cannot know it (see cdecl.py for where names come from)."""
from ctok import split_top
from cdecl import Type, Scanner, num_type, KEYWORDS, T_MACROS

LEVELS = [["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", ">", "<=", ">="],
          ["<<", ">>"], ["+", "-"], ["*", "/", "%"]]
INT, LLONG, DOUBLE = Type("int"), Type("long long"), Type("double")


class Typer:
    """Types of expressions in one file whose declarations are in decls."""
    def __init__(self, toks, pairs, decls):
        self.t, self.pairs, self.d = toks, pairs, decls
        self.scanner = Scanner(toks, pairs, decls, False)

    def lookup(self, name, at):
        """The type of the variable name as seen at token index at."""
        best = None
        for n, ty, lo, hi in self.d.locals:
            if n == name and lo <= at <= hi and (best is None or lo >= best[0]):
                best = (lo, ty)
        if best:
            return best[1]
        return self.d.globals.get(name)

    def operand_end(self, i):
        """1 if token i can end an operand (so an operator after it is binary)."""
        tk = self.t[i]
        if tk.kind in ("num", "str", "char"):
            return True
        if tk.kind == "id":
            return tk.text not in KEYWORDS
        return tk.text in (")", "]", "++", "--")

    def cat(self, ty):
        """The category of ty (see Decls.category)."""
        return self.d.category(ty)

    def arith(self, a, b):
        """The usual arithmetic conversions, reduced to int / long long / double."""
        ca, cb = self.cat(a), self.cat(b)
        if ca is None or cb is None:
            return None
        if "dbl" in (ca, cb):
            return DOUBLE if ca in ("dbl", "i4", "i8") and cb in ("dbl", "i4", "i8") else None
        if ca in ("i4", "i8") and cb in ("i4", "i8"):
            return LLONG if "i8" in (ca, cb) else INT
        return None

    def binary(self, op, a, b):
        """The type of a op b."""
        if op in ("||", "&&", "==", "!=", "<", ">", "<=", ">="):
            return INT
        ptrs = ("str", "ptr", "json")
        ca, cb = self.cat(a), self.cat(b)
        if op in ("+", "-") and ca in ptrs and cb in ("i4", "i8"):
            return a
        if op == "+" and cb in ptrs and ca in ("i4", "i8"):
            return b
        if op == "-" and ca in ptrs and cb in ptrs:
            return Type("ptrdiff_t")
        if op in ("<<", ">>"):
            return INT if ca == "i4" else (a if ca == "i8" else None)
        return self.arith(a, b)

    def cast_type(self, lo, hi):
        """The type named between the parentheses lo..hi, or None."""
        spec = self.scanner.specifiers(lo + 1)
        if not spec:
            return None
        ty, i = spec
        ptr = 0
        while i < hi and (self.t[i].text == "*" or self.t[i].text == "const"):
            ptr += self.t[i].text == "*"
            i += 1
        return Type(ty.base, ty.ptr + ptr) if i == hi else None

    def member(self, ty, field, arrow):
        """The type of field of a struct ty (pointed to when arrow), or None."""
        ty = self.d.resolve(ty)
        if ty is None or ty.ptr != (1 if arrow else 0):
            return None
        fields = self.d.structs.get(ty.base)
        return fields.get(field) if fields else None

    def type_of(self, lo, hi):
        """The Type of the expression toks[lo:hi], or None."""
        t, pairs = self.t, self.pairs
        while lo < hi and t[lo].text == "(" and pairs.get(lo) == hi - 1:
            lo, hi = lo + 1, hi - 1
        if lo >= hi:
            return None
        parts = split_top(t, lo, hi)
        if len(parts) > 1:
            return self.type_of(*parts[-1])
        depth, q = 0, None
        for i in range(lo, hi):                 # the conditional operator
            x = t[i].text if t[i].kind == "punct" else ""
            if x in ("(", "[", "{"):
                depth += 1
            elif x in (")", "]", "}"):
                depth -= 1
            elif depth == 0 and x in ("=", "+=", "-=", "*=", "/=", "|=", "&="):
                return self.type_of(lo, i)
            elif depth == 0 and x == "?" and q is None:
                q = i
        if q is not None:
            colon = self.matching_colon(q, hi)
            if colon is None:
                return None
            a, b = self.type_of(q + 1, colon), self.type_of(colon + 1, hi)
            ca, cb = self.cat(a), self.cat(b)
            if ca is not None and ca == cb:
                return a
            return self.arith(a, b)
        for ops in LEVELS:
            k = self.last_binary(lo, hi, ops)
            if k is not None:
                return self.binary(t[k].text, self.type_of(lo, k), self.type_of(k + 1, hi))
        return self.unary(lo, hi)

    def matching_colon(self, q, hi):
        """The : that closes the ? at q, or None."""
        depth, nest = 0, 0
        for i in range(q + 1, hi):
            x = self.t[i].text if self.t[i].kind == "punct" else ""
            if x in ("(", "[", "{"):
                depth += 1
            elif x in (")", "]", "}"):
                depth -= 1
            elif depth == 0 and x == "?":
                nest += 1
            elif depth == 0 and x == ":":
                if nest == 0:
                    return i
                nest -= 1
        return None

    def last_binary(self, lo, hi, ops):
        """The last binary operator of ops outside brackets in toks[lo:hi], or None."""
        depth, found = 0, None
        for i in range(lo, hi):
            tk = self.t[i]
            if tk.kind != "punct":
                continue
            if tk.text in ("(", "[", "{"):
                depth += 1
            elif tk.text in (")", "]", "}"):
                depth -= 1
            elif depth == 0 and tk.text in ops and i > lo and self.operand_end(i - 1):
                found = i
        return found

    def unary(self, lo, hi):
        """The type of a unary, cast or postfix expression toks[lo:hi]."""
        t = self.t
        x = t[lo].text
        if t[lo].kind == "punct":
            if x == "!":
                return INT
            if x in ("-", "+", "~", "++", "--"):
                return self.type_of(lo + 1, hi)
            if x == "&":
                ty = self.d.resolve(self.type_of(lo + 1, hi))
                return Type(ty.base, ty.ptr + 1) if ty else None
            if x == "*":
                ty = self.d.resolve(self.type_of(lo + 1, hi))
                return Type(ty.base, ty.ptr - 1) if ty and ty.ptr else None
            if x == "(" and lo in self.pairs:
                close = self.pairs[lo]
                cast = self.cast_type(lo, close)
                if cast is not None:
                    return cast
                return self.postfix(self.type_of(lo + 1, close), close + 1, hi, None)
            return None
        if x in ("sizeof", "_Alignof"):
            return Type("size_t")
        tk = t[lo]
        if tk.kind == "num":
            return self.postfix(num_type(tk.text), lo + 1, hi, None)
        if tk.kind == "char":
            return self.postfix(INT, lo + 1, hi, None)
        if tk.kind == "str":
            return self.postfix(Type("char", 1), lo + 1, hi, None)
        if tk.kind == "id":
            if x in ("true", "false"):
                return INT
            return self.postfix(self.lookup(x, lo), lo + 1, hi, x)
        return None

    def postfix(self, ty, i, hi, name):
        """Apply [ ] ( ) . -> ++ -- after a primary expression of type ty;
        name is the identifier when the primary is one (for calls)."""
        t = self.t
        while i < hi:
            x = t[i].text
            if x == "[" and i in self.pairs:
                ty = self.d.resolve(ty)
                ty = Type(ty.base, ty.ptr - 1) if ty and ty.ptr else None
                i = self.pairs[i] + 1
            elif x == "(" and i in self.pairs:
                close = self.pairs[i]
                if name in T_MACROS:
                    ty = Type("char", 1)
                elif name == "N_":
                    ty = self.type_of(i + 1, close)
                elif name == "va_arg":
                    args = split_top(t, i + 1, close)
                    ty = self.cast_type(args[1][0] - 1, args[1][1]) if len(args) == 2 else None
                elif name is not None:
                    ty = self.d.funcs.get(name)
                else:
                    ty = None
                i = close + 1
            elif x in (".", "->") and i + 1 < hi:
                ty = self.member(ty, t[i + 1].text, x == "->")
                i += 2
            elif x in ("++", "--"):
                i += 1
            else:
                return None
            name = None
        return ty
