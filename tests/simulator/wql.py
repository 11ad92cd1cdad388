"""WQL as WinRM's WMI plugin accepts it (reference 3.3): parser and evaluator.

SELECT * | a, b FROM Class [WHERE cond]       cond: OR / AND / NOT / ( ), = <> != < > <= >=,
                                               LIKE (% _ [set] [^set]), IS [NOT] NULL,
                                               system properties __SERVER __PATH __CLASS __RELPATH
ASSOCIATORS OF {path} [WHERE AssocClass=A ResultClass=C ResultRole=R Role=R ClassDefsOnly KeysOnly]
REFERENCES OF {path} [WHERE ResultClass=C Role=R ClassDefsOnly KeysOnly]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .errors import InvalidQuery
from .values import EmbeddedInstance, Ref


@dataclass
class Select:
    class_name: str
    props: list | None  # None = *
    where: tuple | None


@dataclass
class AssocQuery:
    kind: str  # "associators" / "references"
    path: str
    options: dict = field(default_factory=dict)  # lower-case keyword -> value (True for flags)


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<path>\{)
    | (?P<num>-?\d+(?:\.\d+)?(?![A-Za-z_]))
    | (?P<op><>|!=|<=|>=|=|<|>)
    | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<punct>[(),*])
    )""",
    re.X | re.S,
)


def tokenize(text: str) -> list:
    toks = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        m = _TOKEN.match(text, i)
        if not m:
            raise InvalidQuery(f"Invalid query: unexpected character at offset {i}")
        kind = m.lastgroup
        if kind == "path":
            j = _close_brace(text, m.end())
            toks.append(("path", text[m.end() : j].strip()))
            i = j + 1
            continue
        val = m.group(kind)
        if kind == "str":
            val = re.sub(r"\\(.)", r"\1", val[1:-1], flags=re.S)
        elif kind == "num":
            val = float(val) if "." in val else int(val)
        toks.append((kind, val))
        i = m.end()
    return toks


def _close_brace(text, i):
    quote = None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "}":
            return i
        i += 1
    raise InvalidQuery("Invalid query: unterminated object path")


class _Parser:
    def __init__(self, toks):
        self.toks = toks
        self.i = 0

    def peek(self, k=0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else (None, None)

    def next(self):
        t = self.peek()
        if t[0] is None:
            raise InvalidQuery("Invalid query: unexpected end of query")
        self.i += 1
        return t

    def kw(self, word) -> bool:
        t = self.peek()
        if t[0] == "ident" and t[1].lower() == word:
            self.i += 1
            return True
        return False

    def expect_kw(self, word):
        if not self.kw(word):
            raise InvalidQuery(f"Invalid query: expected {word.upper()}")

    def ident(self):
        t = self.next()
        if t[0] != "ident":
            raise InvalidQuery(f"Invalid query: expected a name, got {t[1]!r}")
        return t[1]

    def at_end(self):
        return self.i >= len(self.toks)

    # cond := term {OR term}; term := factor {AND factor}
    def cond(self):
        node = self.term()
        while self.kw("or"):
            node = ("or", node, self.term())
        return node

    def term(self):
        node = self.factor()
        while self.kw("and"):
            node = ("and", node, self.factor())
        return node

    def factor(self):
        if self.kw("not"):
            return ("not", self.factor())
        t = self.peek()
        if t == ("punct", "("):
            self.next()
            node = self.cond()
            if self.next() != ("punct", ")"):
                raise InvalidQuery("Invalid query: expected )")
            return node
        return self.comparison()

    def constant(self):
        t = self.next()
        if t[0] in ("str", "num"):
            return t[1]
        if t[0] == "ident" and t[1].lower() in ("true", "false"):
            return t[1].lower() == "true"
        if t[0] == "ident" and t[1].lower() == "null":
            return None
        raise InvalidQuery(f"Invalid query: expected a constant, got {t[1]!r}")

    def comparison(self):
        t = self.peek()
        if t[0] == "ident" and t[1].lower() not in ("true", "false", "null"):
            prop = self.next()[1]
            if self.kw("is"):
                negate = self.kw("not")
                self.expect_kw("null")
                return ("null", prop, not negate)
            if self.kw("like"):
                pat = self.next()
                if pat[0] != "str":
                    raise InvalidQuery("Invalid query: LIKE needs a string")
                return ("like", prop, like_regex(pat[1]))
            if self.kw("not"):
                self.expect_kw("like")
                pat = self.next()
                if pat[0] != "str":
                    raise InvalidQuery("Invalid query: LIKE needs a string")
                return ("not", ("like", prop, like_regex(pat[1])))
            op = self.next()
            if op[0] != "op":
                raise InvalidQuery(f"Invalid query: expected an operator after {prop}")
            rhs = self.peek()
            if rhs[0] == "ident" and rhs[1].lower() not in ("true", "false", "null"):
                # Prop = __SERVER: the system property stands for a constant
                self.next()
                if not rhs[1].startswith("__"):
                    raise InvalidQuery("Invalid query: property compared with property")
                return ("cmp", prop, op[1], ("sys", rhs[1]))
            return ("cmp", prop, op[1], self.constant())
        const = self.constant()
        op = self.next()
        if op[0] != "op":
            raise InvalidQuery("Invalid query: expected an operator")
        prop = self.ident()
        flip = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op[1], op[1])
        return ("cmp", prop, flip, const)


def like_regex(pattern: str):
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "%":
            out.append(".*")
        elif c == "_":
            out.append(".")
        elif c == "[":
            j = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] == "^" else i + 1)
            if j < 0:
                raise InvalidQuery("Invalid query: unterminated [ in LIKE")
            body = pattern[i + 1 : j]
            neg = body.startswith("^")
            if neg:
                body = body[1:]
            chars = "".join(ch if ch == "-" else re.escape(ch) for ch in body)
            out.append(f"[{'^' if neg else ''}{chars}]")
            i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out), re.I | re.S)


def parse(text: str):
    """-> Select or AssocQuery; raises InvalidQuery."""
    toks = tokenize(text or "")
    p = _Parser(toks)
    if p.kw("select"):
        if p.peek() == ("punct", "*"):
            p.next()
            props = None
        else:
            props = [p.ident()]
            while p.peek() == ("punct", ","):
                p.next()
                props.append(p.ident())
        p.expect_kw("from")
        cls = p.ident()
        where = None
        if p.kw("where"):
            where = p.cond()
        if not p.at_end():
            raise InvalidQuery(f"Invalid query: unexpected {p.peek()[1]!r}")
        return Select(cls, props, where)
    for kind in ("associators", "references"):
        if p.kw(kind):
            p.expect_kw("of")
            t = p.next()
            if t[0] != "path":
                raise InvalidQuery("Invalid query: expected {object path}")
            q = AssocQuery(kind, t[1])
            allowed = {"resultclass", "role", "classdefsonly", "keysonly", "requiredqualifier", "schemaonly"}
            if kind == "associators":
                allowed |= {"assocclass", "resultrole", "requiredassocqualifier"}
            if p.kw("where"):
                if p.at_end():
                    raise InvalidQuery("Invalid query: empty WHERE")
                while not p.at_end():
                    word = p.ident().lower()
                    if word not in allowed:
                        raise InvalidQuery(f"Invalid query: unknown keyword {word}")
                    if word in ("classdefsonly", "keysonly", "schemaonly"):
                        q.options[word] = True
                        continue
                    if p.next() != ("op", "="):
                        raise InvalidQuery(f"Invalid query: expected = after {word}")
                    q.options[word] = p.ident()
            elif not p.at_end():
                raise InvalidQuery("Invalid query: expected WHERE")
            if "classdefsonly" in q.options and "resultclass" in q.options:
                raise InvalidQuery("Invalid query: ClassDefsOnly with ResultClass")
            return q
    raise InvalidQuery("Invalid query: expected SELECT, ASSOCIATORS OF or REFERENCES OF")


# ---- evaluation ---------------------------------------------------------------------------------


def _dmtf(v: dt.datetime) -> str:
    off = v.utcoffset()
    minutes = int(off.total_seconds() // 60) if off is not None else 0
    return v.strftime("%Y%m%d%H%M%S") + f".{v.microsecond:06d}{minutes:+04d}"


def _norm(v):
    if isinstance(v, Ref):
        from .model.instance import ref_path  # the model's WMI path syntax (reference 3.5)

        return ref_path(v, None)
    if isinstance(v, dt.datetime):
        return _dmtf(v)
    if isinstance(v, dt.timedelta):
        return str(v.total_seconds())
    if isinstance(v, EmbeddedInstance):
        return v.class_name
    return v


def _compare(value, op, const) -> bool:
    if value is None or const is None:
        if op in ("=",):
            return value is None and const is None
        if op in ("<>", "!="):
            return (value is None) != (const is None)
        return False
    value = _norm(value)
    if isinstance(value, bool) or isinstance(const, bool):
        a = _as_bool(value)
        b = _as_bool(const)
        if a is None or b is None:
            return False
        if op == "=":
            return a == b
        if op in ("<>", "!="):
            return a != b
        raise InvalidQuery("Invalid query: only = and <> apply to booleans")
    if isinstance(value, (int, float)) and not isinstance(const, (int, float)):
        try:
            const = float(const) if "." in str(const) else int(str(const))
        except ValueError:
            return False
    elif isinstance(const, (int, float)) and not isinstance(value, (int, float)):
        try:
            value = float(value) if "." in str(value) else int(str(value))
        except ValueError:
            return False
    if isinstance(value, str):
        value = value.lower()
        const = str(const).lower()
    if op == "=":
        return value == const
    if op in ("<>", "!="):
        return value != const
    if op == "<":
        return value < const
    if op == ">":
        return value > const
    if op == "<=":
        return value <= const
    return value >= const


def _as_bool(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    s = str(v).strip().lower()
    return {"true": True, "false": False, "1": True, "0": False}.get(s)


class Evaluator:
    """Evaluates a WHERE tree against instances; `system` supplies __SERVER / __PATH / ..."""

    def __init__(self, where, class_def, computer_name):
        self.where = where
        self.class_def = class_def
        self.computer_name = computer_name
        if where is not None:
            self._check(where)

    def _check(self, node):
        tag = node[0]
        if tag in ("and", "or"):
            self._check(node[1])
            self._check(node[2])
        elif tag == "not":
            self._check(node[1])
        else:
            name = node[1]
            if not name.startswith("__") and self.class_def.prop(name) is None:
                raise InvalidQuery(f"Invalid query: no property {name} in {self.class_def.name}")
            if name.startswith("__") and name.upper() not in (
                "__SERVER",
                "__PATH",
                "__CLASS",
                "__RELPATH",
                "__NAMESPACE",
                "__SUPERCLASS",
            ):
                raise InvalidQuery(f"Invalid query: unknown system property {name}")

    def _value(self, inst, props, name):
        if name.startswith("__"):
            up = name.upper()
            if up == "__SERVER":
                return self.computer_name
            if up == "__PATH":
                return inst.path()
            if up == "__RELPATH":
                return inst.path().split(":", 1)[-1] if inst.path().startswith("\\\\") else inst.path()
            if up == "__CLASS":
                return inst.class_name
            if up == "__NAMESPACE":
                return inst.namespace.replace("/", "\\")
            if up == "__SUPERCLASS":
                return inst.class_def.superclass
        v = props.get(name)
        if v is None and name not in props:
            low = name.lower()
            for k, val in props.items():
                if k.lower() == low:
                    return val
        return v

    def matches(self, inst) -> bool:
        if self.where is None:
            return True
        return self._eval(self.where, inst, inst.properties)

    def _eval(self, node, inst, props):
        tag = node[0]
        if tag == "and":
            return self._eval(node[1], inst, props) and self._eval(node[2], inst, props)
        if tag == "or":
            return self._eval(node[1], inst, props) or self._eval(node[2], inst, props)
        if tag == "not":
            return not self._eval(node[1], inst, props)
        value = self._value(inst, props, node[1])
        if tag == "null":
            is_null = value is None or value == []
            return is_null == node[2]
        values = value if isinstance(value, list) else [value]
        if tag == "like":
            return any(v is not None and node[2].fullmatch(str(_norm(v))) for v in values)
        const = node[3]
        if isinstance(const, tuple):
            const = self._value(inst, props, const[1])
        if node[1].upper() == "__PATH" and isinstance(const, str):
            return _path_equal(value, const) == (node[2] == "=") if node[2] in ("=", "<>", "!=") else False
        return any(_compare(v, node[2], const) for v in values)


def _path_equal(a: str, b: str) -> bool:
    from .model.paths import parse_path

    try:
        _unused, ns_a, cls_a, keys_a = parse_path(a)
        _unused, ns_b, cls_b, keys_b = parse_path(b)
    except (ValueError, IndexError):
        return False
    if cls_a.lower() != cls_b.lower():
        return False
    if ns_a and ns_b and ns_a.lower() != ns_b.lower():
        return False
    ka = {k.lower(): str(v).lower() for k, v in keys_a.items()}
    kb = {k.lower(): str(v).lower() for k, v in keys_b.items()}
    return ka == kb
