"""Reads the serde structs and enums of fgs-core and fgs-runtime into JSON schemas.

A small reader for the subset the crates use (named-field structs, unit enums with
rename/rename_all, untagged enums, flatten, Option fields with skip_serializing_if); a field
is `required` when serde needs it on input and always writes it (not an Option, no
`default`, no `skip_serializing_if`, no `#[serde(default)]` on the struct); used by
gen.py to write crates/fgs-http/openapi.json. Types it cannot read become `{}` (any).
"""
import glob
import re

SCALARS = {
    "String": {"type": "string"}, "str": {"type": "string"}, "char": {"type": "string"},
    "bool": {"type": "boolean"},
    "f64": {"type": "number"}, "f32": {"type": "number"}, "Double": {"type": "number"},
    "Value": {}, "serde_json::Value": {}, "TriggerType": {"type": "string"},
}
for t in ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize"]:
    SCALARS[t] = {"type": "integer"}
    if t.startswith("u"):
        SCALARS[t] = {"type": "integer", "minimum": 0}


def split_generic(t):
    """`Vec<Foo<Bar>>` -> ("Vec", ["Foo<Bar>"])."""
    t = t.strip()
    if "<" not in t:
        return t, []
    head, rest = t.split("<", 1)
    rest = rest[: rest.rindex(">")]
    args, depth, cur = [], 0, ""
    for c in rest:
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
        if c == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += c
    if cur.strip():
        args.append(cur.strip())
    return head.strip().split("::")[-1], args


class Types:
    def __init__(self, roots):
        self.items = {}
        self.aliases = {}
        for root in roots:
            for path in glob.glob(f"{root}/**/*.rs", recursive=True):
                self._read(open(path).read())

    def _read(self, src):
        # Each item with its attributes: `#[derive(...)] #[serde(...)] pub struct X { ... }`.
        pat = re.compile(
            r"((?:\s*#\[[^\]]*\]\s*|\s*///[^\n]*\n)*)\s*pub (struct|enum) (\w+)(<[^>{]*>)?\s*\{(.*?)\n\}",
            re.S,
        )
        for m in pat.finditer(src):
            attrs, kind, name, generics, body = m.groups()
            if "Serialize" not in attrs and "Deserialize" not in attrs:
                continue
            self.items.setdefault(name, (kind, attrs, body, generics))
        for m in re.finditer(r"pub type (\w+) = ([^;]+);", src):
            self.aliases.setdefault(m.group(1), m.group(2).strip())

    def fields(self, body):
        out = []
        attrs = ""
        for line in body.split("\n"):
            s = line.strip()
            if s.startswith("///") or not s:
                continue
            if s.startswith("#["):
                attrs += s
                continue
            m = re.match(r"pub (\w+): (.+?),?$", s)
            if m:
                out.append((m.group(1), m.group(2).rstrip(","), attrs))
            attrs = ""
        return out

    def schema_of(self, rust_type, refs):
        head, args = split_generic(rust_type)
        if head == "Option":
            inner = self.schema_of(args[0], refs)
            return {**inner, "nullable": True} if inner else {}
        if head in ("Vec", "VecDeque", "BTreeSet", "HashSet", "IndexSet"):
            return {"type": "array", "items": self.schema_of(args[0], refs)}
        if head in ("BTreeMap", "HashMap", "IndexMap"):
            return {"type": "object", "additionalProperties": self.schema_of(args[1], refs)}
        if head == "Box":
            return self.schema_of(args[0], refs)
        if head in SCALARS:
            return dict(SCALARS[head])
        if head in self.aliases:
            return self.schema_of(self.aliases[head], refs)
        if head in self.items and not self.items[head][3]:
            refs.add(head)
            return {"$ref": f"#/components/schemas/{head}"}
        if head in self.items and args:
            # A generic struct: inlined with its parameters substituted.
            params = [p.strip() for p in self.items[head][3].strip("<>").split(",")]
            return self.component(head, refs, dict(zip(params, args)))
        return {}

    def component(self, name, refs, subst=None):
        if name in self.aliases:
            return self.schema_of(self.aliases[name], refs)
        kind, attrs, body, _ = self.items[name]
        if kind == "enum":
            if "untagged" in attrs:
                variants = re.findall(r"^\s*\w+\((\w+)\)", body, re.M)
                return {"anyOf": [self.schema_of(v, refs) for v in variants]} if variants else {}
            names = []
            pending = None
            rename_all = re.search(r'rename_all = "(\w+)"', attrs)
            for line in body.split("\n"):
                s = line.strip()
                r = re.search(r'rename = "([^"]+)"', s)
                if r:
                    pending = r.group(1)
                    continue
                v = re.match(r"^(\w+),?$", s)
                if v:
                    n = v.group(1)
                    if pending:
                        n = pending
                    elif rename_all and rename_all.group(1) == "UPPERCASE":
                        n = n.upper()
                    elif rename_all and rename_all.group(1) == "lowercase":
                        n = n.lower()
                    names.append(n)
                    pending = None
                elif s and not s.startswith("///") and not s.startswith("#["):
                    return {}  # data-carrying variants: any
            return {"type": "string", "enum": names} if names else {}
        props, parts, required = {}, [], []
        # `#[serde(default)]` on the struct: every field may be missing on input.
        struct_default = re.search(r"#\[serde\([^\]]*\bdefault\b", attrs) is not None
        for fname, ftype, fattrs in self.fields(body):
            if "skip)" in fattrs or "skip," in fattrs or "serde(skip" in fattrs and "skip_serializing_if" not in fattrs:
                continue
            if "flatten" in fattrs:
                parts.append(self.schema_of(ftype, refs))
                continue
            key = fname.removeprefix("r#")
            r = re.search(r'rename = "([^"]+)"', fattrs)
            if r:
                key = r.group(1)
            for param, arg in (subst or {}).items():
                ftype = re.sub(rf"\b{param}\b", arg, ftype)
            props[key] = self.schema_of(ftype, refs)
            # Required both ways: serde refuses the input without it (no default, not an
            # Option) and always writes it (no skip_serializing_if).
            if not (struct_default or "default" in fattrs or "skip_serializing_if" in fattrs
                    or split_generic(ftype)[0] == "Option"):
                required.append(key)
        obj = {"type": "object", "properties": props}
        if required:
            obj["required"] = required
        return {"allOf": [obj] + parts} if parts else obj

    def components(self, names):
        refs, out, todo = set(), {}, list(names)
        while todo:
            n = todo.pop()
            if n in out or (n not in self.items and n not in self.aliases):
                continue
            new = set()
            out[n] = self.component(n, new)
            todo.extend(new - set(out))
        return out
