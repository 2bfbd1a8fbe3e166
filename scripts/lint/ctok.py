"""scripts/lint/ctok.py — a small C tokenizer for the source checks.

tokenize(text) returns (tokens, comments):
  tokens    Tok(kind, text, line, value): kind is "id", "num", "str",
            "char", "punct" or "pp" (a whole preprocessor directive, its
            text with continuations joined).  Adjacent string literals are
            joined into one "str" token whose value is the decoded text and
            whose pieces list (value, line) per literal, so a conversion can
            be traced to the line it is written on.
  comments  (first_line, last_line, text) for every /* */ and // comment.

Backslash-newline is removed first (translation phase 2), keeping the
original line of every character.  Nothing here knows about cairn.
"""
import re

PUNCTS = sorted("""... <<= >>= -> ++ -- << >> <= >= == != && || += -= *= /= %= &= ^= |= ##
[ ] ( ) { } . & * + - ~ ! / % < > ^ | ? : ; = , #""".split(), key=len, reverse=True)
SIMPLE_ESC = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f",
              "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
NUM_RE = re.compile(r"\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.])*")
ID_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Tok:
    """One token; value is the decoded text of a string or char literal."""
    __slots__ = ("kind", "text", "line", "value", "pieces")

    def __init__(self, kind, text, line, value=None, pieces=None):
        self.kind, self.text, self.line = kind, text, line
        self.value, self.pieces = value, pieces

    def __repr__(self):
        return "Tok(%s,%r,%d)" % (self.kind, self.text, self.line)


def splice(text):
    """Remove backslash-newlines; returns (text, line of each character)."""
    out, lines, line, i, n = [], [], 1, 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and text.startswith("\n", i + 1):
            line += 1
            i += 2
            continue
        if c == "\\" and text.startswith("\r\n", i + 1):
            line += 1
            i += 3
            continue
        out.append(c)
        lines.append(line)
        if c == "\n":
            line += 1
        i += 1
    lines.append(line)
    return "".join(out), lines


def decode_escapes(body):
    """The value of the inside of a C string or char literal."""
    out, i, n = [], 0, len(body)
    while i < n:
        c = body[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        d = body[i + 1]
        if d in SIMPLE_ESC:
            out.append(SIMPLE_ESC[d])
            i += 2
        elif d in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            out.append(chr(int(m.group(0), 8)))
            i += 1 + len(m.group(0))
        elif d == "x":
            m = re.match(r"[0-9A-Fa-f]+", body[i + 2:])
            out.append(chr(int(m.group(0), 16) & 0xFF) if m else "x")
            i += 2 + (len(m.group(0)) if m else 0)
        elif d in "uU":
            k = 4 if d == "u" else 8
            m = re.match(r"[0-9A-Fa-f]{%d}" % k, body[i + 2:])
            out.append(chr(int(m.group(0), 16)) if m else d)
            i += 2 + (k if m else 0)
        else:
            out.append(d)
            i += 2
    return "".join(out)


def _quoted_end(s, i, q):
    """Index just past the literal whose opening quote q is at s[i]."""
    j = i + 1
    while j < len(s) and s[j] != q and s[j] != "\n":
        j += 2 if s[j] == "\\" else 1
    return j + 1


def tokenize(text):
    """Tokens and comments of a C file (see the module comment)."""
    s, lines = splice(text)
    toks, comments, i, n = [], [], 0, len(s)
    at_line_start = True
    while i < n:
        c = s[i]
        if c == "\n":
            at_line_start = True
            i += 1
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if s.startswith("/*", i):
            j = s.find("*/", i + 2)
            j = n if j < 0 else j + 2
            comments.append((lines[i], lines[j - 1], s[i:j]))
            i = j
            continue
        if s.startswith("//", i):
            j = s.find("\n", i)
            j = n if j < 0 else j
            comments.append((lines[i], lines[i], s[i:j]))
            i = j
            continue
        if c == "#" and at_line_start:
            j, parts = i, []
            while j < n and s[j] != "\n":          # comments inside a directive
                if s.startswith("/*", j):
                    k = s.find("*/", j + 2)
                    k = n if k < 0 else k + 2
                    comments.append((lines[j], lines[k - 1], s[j:k]))
                    parts.append(" ")
                    j = k
                elif s.startswith("//", j):
                    k = s.find("\n", j)
                    k = n if k < 0 else k
                    comments.append((lines[j], lines[j], s[j:k]))
                    j = k
                elif s[j] in "\"'":
                    k = _quoted_end(s, j, s[j])
                    parts.append(s[j:k])
                    j = k
                else:
                    parts.append(s[j])
                    j += 1
            toks.append(Tok("pp", "".join(parts).strip(), lines[i]))
            i = j
            continue
        at_line_start = False
        m = re.match(r'(?:u8|u|U|L)?(["\'])', s[i:i + 3])
        if m:                                        # at a token start: a prefix, not a name
            q = m.group(1)
            start = i + len(m.group(0)) - 1
            j = _quoted_end(s, start, q)
            body = s[start + 1:j - 1]
            kind = "str" if q == '"' else "char"
            val = decode_escapes(body)
            toks.append(Tok(kind, s[i:j], lines[i], val, [(val, lines[i])] if kind == "str" else None))
            i = j
            continue
        m = ID_RE.match(s, i)
        if m:
            toks.append(Tok("id", m.group(0), lines[i]))
            i = m.end()
            continue
        m = NUM_RE.match(s, i)
        if m:
            toks.append(Tok("num", m.group(0), lines[i]))
            i = m.end()
            continue
        for p in PUNCTS:
            if s.startswith(p, i):
                toks.append(Tok("punct", p, lines[i]))
                i += len(p)
                break
        else:
            toks.append(Tok("punct", c, lines[i]))   # stray byte: keep going
            i += 1
    return join_strings(toks), comments


def join_strings(toks):
    """Join adjacent string literals into one token (translation phase 6)."""
    out = []
    for t in toks:
        if t.kind == "str" and out and out[-1].kind == "str":
            prev = out[-1]
            out[-1] = Tok("str", prev.text + " " + t.text, prev.line,
                          prev.value + t.value, prev.pieces + t.pieces)
        else:
            out.append(t)
    return out


def match_brackets(toks):
    """Map the index of every ( [ { to the index of its partner and back."""
    pairs, stack = {}, []
    opening = {"(": ")", "[": "]", "{": "}"}
    for i, t in enumerate(toks):
        if t.kind != "punct":
            continue
        if t.text in opening:
            stack.append(i)
        elif t.text in (")", "]", "}"):
            # pop to the matching kind; unbalanced code (#if branches) degrades
            while stack and opening[toks[stack[-1]].text] != t.text:
                stack.pop()
            if stack:
                j = stack.pop()
                pairs[j], pairs[i] = i, j
    return pairs


def split_top(toks, lo, hi, sep=","):
    """Split toks[lo:hi] at the sep tokens outside any brackets; returns
    a list of (start, end) index ranges."""
    parts, depth, start = [], 0, lo
    for i in range(lo, hi):
        t = toks[i]
        if t.kind != "punct":
            continue
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
        elif t.text == sep and depth == 0:
            parts.append((start, i))
            start = i + 1
    if start < hi or parts:
        parts.append((start, hi))
    return parts
