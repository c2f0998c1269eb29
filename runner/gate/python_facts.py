"""Facts about Python sources, read by Python itself, for Overseer's gate (core/gate judges them; this only reads).

Input (stdin): {"files": {"NAME": "<base64 of the file's bytes>", ...}}
Output (stdout): {"python": "3.11.7", "files": {"NAME": {"ok": true, ...facts} | {"ok": false, "error": "...", "line": N}}}

The source is decoded as Python decodes it (PEP 263), tokenized with `tokenize` and parsed with `ast`, so what
the gate sees is what the interpreter runs: no line break, comment or string is read differently. It runs under
the workspace's own interpreter, so its grammar (f-strings of 3.12, match statements) is the one that will run.
"""
import ast
import base64
import hashlib
import io
import json
import platform
import sys
import tokenize

BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"}


def tricks_in(raw, text, tokens):
    """Source-level tricks: bytes that read one way to a person or another tool and another way to Python."""
    found = []
    def add(line, kind, what):
        found.append({"line": line, "kind": kind, "what": what})
    enc = tokenize.detect_encoding(io.BytesIO(raw).readline)[0]
    if enc not in ("utf-8", "utf-8-sig"):
        add(1, "coding", "declares the source encoding %s: Python decodes it differently from what an editor or diff shows" % enc)
    line = 1
    for i, ch in enumerate(text):
        if ch == "\r" and (i + 1 >= len(text) or text[i + 1] != "\n"):
            add(line, "lone-cr", "a lone carriage return ends a line for Python but not for most diff viewers")
        elif ch in ("\u2028", "\u2029"):
            add(line, "line-separator", "U+%04X is a line break to some tools and not to others" % ord(ch))
        elif ch in BIDI:
            add(line, "bidi", "a bidirectional control character (U+%04X) makes the code display in another order than it runs" % ord(ch))
        elif ch == "\x00":
            add(line, "nul", "a NUL byte in the source")
        if ch == "\n" or (ch == "\r" and (i + 1 >= len(text) or text[i + 1] != "\n")):
            line += 1
    # Form feeds and non-ASCII names outside strings and comments, by the tokens Python reads.
    strings = [(t.start, t.end) for t in tokens if t.type in (tokenize.STRING, tokenize.COMMENT) or t.type == getattr(tokenize, "FSTRING_MIDDLE", -1)]
    lines = text.splitlines(True)
    for n, l in enumerate(lines, 1):
        for col, ch in enumerate(l):
            if ch == "\f" and not any(s <= (n, col) < e for s, e in strings):
                add(n, "form-feed", "a form feed outside a string resets Python's indentation count")
    for t in tokens:
        if t.type == tokenize.NAME and not t.string.isascii():
            add(t.start[0], "non-ascii-name", "the name %r is not ASCII: Python folds it (NFKC) to %r" % (t.string, __import__("unicodedata").normalize("NFKC", t.string)))
    return found


def element(node):
    """The element a constant index picks out of a literal container: [time.time][0], {"f": g}["f"]."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)):
        return None
    key = node.slice.value
    if isinstance(node.value, (ast.List, ast.Tuple)) and isinstance(key, int) and -len(node.value.elts) <= key < len(node.value.elts):
        return node.value.elts[key]
    if isinstance(node.value, ast.Dict):
        for k, v in zip(node.value.keys, node.value.values):
            if isinstance(k, ast.Constant) and k.value == key:
                return v
    return None


def dotted(node):
    """a.b.c for a chain of names and attributes (through [x][0], getattr(x, "n"), sys.modules["m"]), else None."""
    parts = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif element(node) is not None:
            node = element(node)
        elif isinstance(node, ast.Subscript) and (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str) or isinstance(node.slice, ast.Name) and node.slice.id == "__name__"):
            # modules["math"], modules[__name__]: kept in the name, so that resolve() can follow sys.modules.
            base = dotted(node.value)
            if base is None:
                return None
            key = node.slice.value if isinstance(node.slice, ast.Constant) else "__main__"
            parts.append(base + "[" + key + "]")
            return ".".join(reversed(parts))
        else:
            break
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("globals", "vars", "locals") and not node.args:
        parts.append(node.func.id + "()")
        return ".".join(reversed(parts))
    # getattr(x, "name") is x.name, spelled so that a reader of names would miss it.
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
        base = dotted(node.args[0])
        if base is not None:
            parts.append(base + "." + node.args[1].value)
            return ".".join(reversed(parts))
    return None


# Modules whose import has effects beyond defining names (a browser, a window, a poem): never imported here.
UNSAFE_TO_IMPORT = {"antigravity", "this", "idlelib", "turtle", "turtledemo", "tkinter", "__hello__", "__phello__", "lib2to3", "ensurepip", "pydoc"}
# Modules a chain can pass through to reach the outside, recognised by name where the root cannot be imported (torch.os).
REACH_MODULES = {"os", "sys", "subprocess", "builtins", "importlib", "inspect", "ctypes", "socket", "shutil", "pickle", "marshal", "multiprocessing", "threading", "signal", "gc", "pty", "urllib", "http", "posix", "nt"}
# os.path is posixpath (or ntpath) under another name: the rules know it as os.path.
SPELLED = {"posixpath": "os.path", "ntpath": "os.path", "genericpath": "os.path"}
_imported = {}


def stdlib_module(name):
    """The standard library's module of that name, imported once (only the standard library's own code runs)."""
    if name in _imported:
        return _imported[name]
    module = None
    if name in getattr(sys, "stdlib_module_names", ()) and name not in UNSAFE_TO_IMPORT:
        try:
            module = __import__(name)
        except Exception:
            module = None
    _imported[name] = module
    return module


def canonical(name):
    """The name as the interpreter would reach it: through every module a chain passes (contextlib.os.environ is
    os.environ, typing.sys.modules["math"].log is math.log, sys.modules[__name__] is this module, __main__)."""
    parts = name.split(".")
    out = [parts[0]]
    obj = stdlib_module(parts[0])
    for p in parts[1:]:
        if p.startswith("modules[") and p.endswith("]") and out == ["sys"]:
            key = p[len("modules["):-1]
            out, obj = key.split("."), stdlib_module(key)
            continue
        reached = getattr(obj, p, None) if obj is not None else None
        if isinstance(reached, type(sys)):
            # A module reached under another module's name: random._os is os, enum.bltns is builtins (os.path stays os.path).
            named = SPELLED.get(reached.__name__, reached.__name__)
            out = out + [p] if named == ".".join(out + [p]) else named.split(".")
            obj = reached
            continue
        if obj is None and p.lstrip("_") in REACH_MODULES and out[0] not in REACH_MODULES:
            # torch.os.system, np._sys: an attribute named like a module that reaches the outside, where the root
            # cannot be imported here to look.
            out, obj = [p.lstrip("_")], stdlib_module(p.lstrip("_"))
            continue
        out.append(p)
        obj = None  # past a function or a value, the chain's names are its own
    return ".".join(out)


def is_literal(node, constants):
    """A literal, a tuple/list/set of literals, or arithmetic on literals and on earlier top-level constants."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(is_literal(e, constants) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and is_literal(k, constants) and is_literal(v, constants) for k, v in zip(node.keys, node.values))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return is_literal(node.operand, constants)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)):
        return is_literal(node.left, constants) and is_literal(node.right, constants)
    if isinstance(node, ast.Name):
        return node.id in constants
    return False


class Facts(ast.NodeVisitor):
    def __init__(self):
        self.imports, self.bindings, self.attr_writes, self.calls, self.dynamic, self.dunders = [], [], [], [], [], []
        self.functions, self.constants = [], []
        self.aliases = {}
        self.scope = []
        self.in_output = 0
        self.instances = []
        self.classes = set()
        self.uses = []

    def where(self):
        return ".".join(self.scope) or "<module>"

    def bind(self, name, kind, node):
        self.bindings.append({"name": name, "kind": kind, "line": node.lineno, "scope": self.where()})

    def resolve(self, name):
        """A dotted name with its first part resolved through the file's imports (np.exp -> numpy.exp), then
        through the modules it passes on the way (random._os.getenv -> os.getenv, see canonical())."""
        if name is None:
            return None
        head, _, rest = name.partition(".")
        base = self.aliases.get(head, head)
        return canonical(base + ("." + rest if rest else ""))

    def targets(self, target, kind, node):
        if isinstance(target, ast.Name):
            self.bind(target.id, kind, node)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for e in target.elts:
                self.targets(e, kind, node)
        elif isinstance(target, ast.Starred):
            self.targets(target.value, kind, node)
        elif isinstance(target, ast.Attribute):
            self.attr_writes.append({"target": self.resolve(dotted(target)) or "(expression)." + target.attr, "line": node.lineno, "via": kind})
        elif isinstance(target, ast.Subscript):
            base = dotted(target.value)
            self.attr_writes.append({"target": (self.resolve(base) if base else "(expression)") + "[]", "line": node.lineno, "via": kind})

    # Imports: the aliases later names resolve through, and the bindings they make.
    def visit_Import(self, node):
        for a in node.names:
            local = a.asname or a.name.split(".")[0]
            self.aliases[local] = a.name if a.asname else a.name.split(".")[0]
            self.imports.append({"module": a.name, "name": None, "alias": local, "line": node.lineno})
            self.bind(local, "import", node)

    def visit_ImportFrom(self, node):
        mod = "." * node.level + (node.module or "")
        for a in node.names:
            local = a.asname or a.name
            self.aliases[local] = mod + "." + a.name if a.name != "*" else mod
            self.imports.append({"module": mod, "name": a.name, "alias": local, "line": node.lineno})
            if a.name != "*":
                self.bind(local, "import", node)

    def visit_Assign(self, node):
        for t in node.targets:
            self.targets(t, "assign", node)
        # `tm = time`, `f = os.system`, `M = nn.Module`: the new name is an alias of what it was given.
        source = dotted(node.value)
        if source is not None and source.split(".")[0] in self.aliases:
            for t in node.targets:
                if isinstance(t, ast.Name):
                    self.aliases[t.id] = self.resolve(source)
        # `[cu] = [torch.cuda]`, `a, b = math, time`: element by element, the same aliasing.
        for t in node.targets:
            if isinstance(t, (ast.Tuple, ast.List)) and isinstance(node.value, (ast.Tuple, ast.List)) and len(t.elts) == len(node.value.elts):
                for te, ve in zip(t.elts, node.value.elts):
                    src = dotted(ve)
                    if isinstance(te, ast.Name) and src is not None and src.split(".")[0] in self.aliases:
                        self.aliases[te.id] = self.resolve(src)
        root = node.value
        while isinstance(root, (ast.Call, ast.Attribute, ast.Subscript)):
            root = root.func if isinstance(root, ast.Call) else root.value
        # `net = model` (or torch.compile(model)): the same object under another name, of the same class.
        held = [i["cls"] for i in self.instances if isinstance(node.value, ast.Name) and i["var"] == node.value.id]
        if isinstance(node.value, ast.Call):
            held += [i["cls"] for a in node.value.args if isinstance(a, ast.Name) for i in self.instances if i["var"] == a.id]
        if isinstance(root, ast.Name) and root.id in self.classes:
            held.append(root.id)
        for cls in dict.fromkeys(held):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    self.instances.append({"var": t.id, "cls": cls, "line": node.lineno})
        if not self.scope and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self.constant(node.targets[0].id, node.value, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self.targets(node.target, "annassign", node)
        if not self.scope and isinstance(node.target, ast.Name) and node.value is not None:
            self.constant(node.target.id, node.value, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self.targets(node.target, "augassign", node)
        self.generic_visit(node)

    def constant(self, name, value, node):
        known = {c["name"] for c in self.constants if c["literal"]}
        lit = is_literal(value, known)
        self.constants.append({"name": name, "line": node.lineno, "endLine": node.end_lineno, "literal": lit, "value": ast.unparse(value) if lit else None})

    def visit_NamedExpr(self, node):
        self.targets(node.target, "walrus", node)
        # A value bound by a walrus inside print is kept for later: it is not output only.
        saved, self.in_output = self.in_output, 0
        self.generic_visit(node)
        self.in_output = saved

    def visit_For(self, node):
        self.targets(node.target, "for", node)
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_comprehension(self, node):
        self.targets(node.target, "comprehension", node.target)
        self.generic_visit(node)

    def visit_With(self, node):
        for item in node.items:
            if item.optional_vars is not None:
                self.targets(item.optional_vars, "with", node)
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def visit_ExceptHandler(self, node):
        if node.name:
            self.bind(node.name, "except", node)
        self.generic_visit(node)

    def visit_Delete(self, node):
        for t in node.targets:
            self.targets(t, "del", node)
        self.generic_visit(node)

    def visit_Global(self, node):
        for n in node.names:
            self.bind(n, "global", node)

    def visit_Nonlocal(self, node):
        for n in node.names:
            self.bind(n, "nonlocal", node)

    def visit_MatchAs(self, node):
        if node.name:
            self.bind(node.name, "match", node)
        self.generic_visit(node)

    def visit_MatchStar(self, node):
        if node.name:
            self.bind(node.name, "match", node)

    def visit_MatchMapping(self, node):
        if node.rest:
            self.bind(node.rest, "match", node)
        self.generic_visit(node)

    def definition(self, node, kind):
        self.bind(node.name, kind, node)
        for d in getattr(node, "decorator_list", []):
            self.visit(d)
        qual = ".".join(self.scope + [node.name])
        src = ast.dump(node, include_attributes=False)
        self.functions.append({"name": qual, "kind": kind, "line": node.lineno, "endLine": node.end_lineno, "hash": hashlib.sha256(src.encode()).hexdigest()[:16], "decorators": [self.resolve(dotted(d.func if isinstance(d, ast.Call) else d)) or ast.unparse(d) for d in getattr(node, "decorator_list", [])]})
        self.scope.append(node.name)
        if kind != "class":
            args = node.args
            for a in args.posonlyargs + args.args + args.kwonlyargs + ([args.vararg] if args.vararg else []) + ([args.kwarg] if args.kwarg else []):
                self.bindings.append({"name": a.arg, "kind": "argument", "line": a.lineno, "scope": self.where()})
            for d in args.defaults + [d for d in args.kw_defaults if d is not None]:
                self.visit(d)
        for b in getattr(node, "bases", []):
            self.visit(b)
        for stmt in node.body:
            self.visit(stmt)
        self.scope.pop()

    def visit_FunctionDef(self, node):
        self.definition(node, "def")

    def visit_AsyncFunctionDef(self, node):
        self.definition(node, "def")

    def visit_ClassDef(self, node):
        self.definition(node, "class")

    def visit_Lambda(self, node):
        args = node.args
        for a in args.posonlyargs + args.args + args.kwonlyargs + ([args.vararg] if args.vararg else []) + ([args.kwarg] if args.kwarg else []):
            self.bindings.append({"name": a.arg, "kind": "argument", "line": node.lineno, "scope": self.where() + ".<lambda>"})
        self.generic_visit(node)

    def visit_Call(self, node):
        name = call_name(node, self.resolve)
        name = None if name == "(expression)" else name
        literal_strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        mode = None
        for k in node.keywords:
            if k.arg == "mode" and isinstance(k.value, ast.Constant):
                mode = k.value.value
        if mode is None and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
            mode = node.args[1].value
        arg_names = [a.id for a in node.args if isinstance(a, ast.Name)] + [k.value.id for k in node.keywords if isinstance(k.value, ast.Name)]
        # Functions called inside the arguments (a lambda handed to the evaluator calls the model).
        arg_calls = [n.func.id for a in list(node.args) + [k.value for k in node.keywords] for n in ast.walk(a) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
        self.calls.append({"name": name or "(expression)", "line": node.lineno, "strings": literal_strings[:4], "mode": mode if isinstance(mode, str) else None, "args": len(node.args) + sum(1 for k in node.keywords if k.arg is None or k.arg == "mode") + sum(1 for a in node.args if isinstance(a, ast.Starred)), "scope": self.where(), "argNames": arg_names, "argCalls": arg_calls, "inOutput": self.in_output > 0, "text": ast.unparse(node)[:300]})
        short = name.rsplit(".", 1)[-1] if name else None
        if short in ("getattr", "setattr", "delattr", "hasattr") and name in (short, "builtins." + short):
            if len(node.args) < 2 or not (isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
                self.dynamic.append({"line": node.lineno, "what": "%s with a name computed at run time" % short})
            elif short in ("setattr", "delattr"):
                base = self.resolve(dotted(node.args[0]))
                self.attr_writes.append({"target": (base or "(expression)") + "." + node.args[1].value, "line": node.lineno, "via": short})
        if name in ("print", "builtins.print"):
            # A value read only to be printed (a clock in a log line) is output, not logic.
            self.in_output += 1
            self.generic_visit(node)
            self.in_output -= 1
        else:
            self.generic_visit(node)

    def visit_Attribute(self, node):
        if isinstance(node.ctx, ast.Load):
            name = dotted(node)
            if name is not None and name.split(".")[0] in self.aliases:
                self.uses.append({"name": self.resolve(name), "line": node.lineno})
        if node.attr.startswith("__") and node.attr.endswith("__") and node.attr not in ("__name__", "__init__", "__class__", "__doc__", "__file__", "__version__", "__call__", "__len__", "__repr__", "__str__", "__getitem__", "__iter__", "__next__", "__enter__", "__exit__"):
            self.dunders.append({"line": node.lineno, "attr": node.attr})
        self.generic_visit(node)

    def visit_Name(self, node):
        if node.id.startswith("__") and node.id.endswith("__") and node.id not in ("__name__", "__file__", "__doc__"):
            self.dunders.append({"line": node.lineno, "attr": node.id})


def folded(node):
    """The text a string expression prints, with its constant parts joined ("val" "_bpb", "val" + f"_bpb: {x}",
    f"{'val_bpb'}:"), and {} where a value goes; None when the node is not a string."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        out = []
        for v in node.values:
            inner = folded(v.value) if isinstance(v, ast.FormattedValue) else folded(v)
            out.append(inner if inner is not None else "{}")
        return "".join(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = folded(node.left), folded(node.right)
        if left is not None or right is not None:
            return (left if left is not None else "{}") + (right if right is not None else "{}")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return folded(node.left)
    return None


def strings_of(tree):
    """Every string expression, folded, outermost first: what the code can print, however it is spelled."""
    out = []
    def walk(node):
        value = folded(node) if isinstance(node, ast.expr) else None
        if value is None:
            for child in ast.iter_child_nodes(node):
                walk(child)
            return
        out.append({"line": node.lineno, "value": value[:200]})
        # Inside a string, only the values that are not strings themselves hold more code.
        parts = [v.value for v in node.values if isinstance(v, ast.FormattedValue)] if isinstance(node, ast.JoinedStr) else [node.left, node.right] if isinstance(node, ast.BinOp) else []
        for part in parts:
            if folded(part) is None:
                walk(part)
    walk(tree)
    return out


# Methods that change an array or tensor in place (torch's trailing underscore, and the sequence methods).
IN_PLACE = __import__("re").compile(r"^([a-z][a-z0-9_]*[a-z0-9]_|fill|set|sort|reverse|extend|append|insert|update|setdefault|pop|clear)$")

HEADER_FIELDS = {"If": ["test"], "While": ["test"], "For": ["target", "iter"], "AsyncFor": ["target", "iter"], "With": ["items"], "AsyncWith": ["items"], "Try": [], "TryStar": [], "Match": ["subject"], "FunctionDef": ["args", "decorator_list"], "AsyncFunctionDef": ["args", "decorator_list"], "ClassDef": ["bases", "keywords", "decorator_list"]}


def statements_of(tree, resolve):
    """Every statement with the headers that enclose it (its path): moving a statement under a new `if`, `with` or
    `try` changes its key, so a rule sees the move. Compound statements count by their header only."""
    out = []
    def header(node):
        kind = type(node).__name__
        if kind in ("FunctionDef", "AsyncFunctionDef", "ClassDef"):
            return "%s %s" % ("class" if kind == "ClassDef" else "def", node.name), [getattr(node, f) for f in HEADER_FIELDS[kind]]
        if kind in HEADER_FIELDS:
            parts = [getattr(node, f) for f in HEADER_FIELDS[kind]]
            text = kind.lower() + " " + " ; ".join(ast.unparse(p) if isinstance(p, ast.AST) else ", ".join(ast.unparse(x) for x in p) for p in parts)
            return text.strip(), parts
        return ast.unparse(node), [node]
    def root(n):
        while isinstance(n, (ast.Attribute, ast.Subscript, ast.Call)):
            n = n.func if isinstance(n, ast.Call) else n.value
        return n.id if isinstance(n, ast.Name) else None
    def facts(parts):
        reads, calls, mutates, indirect = [], [], [], []
        stack = [p for p in parts for p in (p if isinstance(p, list) else [p]) if isinstance(p, ast.AST)]
        while stack:
            n = stack.pop()
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n not in parts:
                continue
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                reads.append(n.id)
            if isinstance(n, ast.Call):
                calls.append(call_name(n, resolve))
                # x.fill_(0), val.copy_(…), t[:].mul_(…): in place, on whatever the chain starts from.
                if isinstance(n.func, ast.Attribute) and IN_PLACE.match(n.func.attr) and root(n.func.value):
                    mutates.append(root(n.func.value))
                # _HOOKS[0](x), table["f"](x): a function picked out of a variable at run time.
                if dotted(n.func) is None and not isinstance(n.func, ast.Attribute) and root(n.func):
                    indirect.append(root(n.func))
            stack.extend(ast.iter_child_nodes(n))
        return sorted(set(reads)), sorted(set(calls)), sorted(set(mutates)), sorted(set(indirect))
    def targets_of(node):
        names = []
        def add(t):
            if isinstance(t, ast.Name):
                names.append(t.id)
            elif isinstance(t, (ast.Tuple, ast.List)):
                for e in t.elts:
                    add(e)
            elif isinstance(t, ast.Starred):
                add(t.value)
            elif isinstance(t, (ast.Attribute, ast.Subscript)):
                base = t
                while isinstance(base, (ast.Attribute, ast.Subscript)):
                    base = base.value
                if isinstance(base, ast.Name):
                    names.append(base.id)
        for t in getattr(node, "targets", None) or ([node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor)) else []):
            add(t)
        for item in getattr(node, "items", []) or []:
            if item.optional_vars is not None:
                add(item.optional_vars)
        for n in ast.walk(node) if not hasattr(node, "body") else []:
            if isinstance(n, ast.NamedExpr):
                add(n.target)
        return sorted(set(names))
    def visit(body, path):
        for node in body:
            key, parts = header(node)
            reads, calls, mutates, indirect = facts(parts)
            kind = type(node).__name__
            out.append({"line": node.lineno, "endLine": node.end_lineno, "kind": kind, "key": key[:400], "path": path, "targets": targets_of(node), "reads": reads, "calls": calls, "mutates": mutates, "indirect": indirect})
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(node, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    visit(inner, path + [key[:200] + ("" if field == "body" else " :" + field)])
            for h in getattr(node, "handlers", []) or []:
                visit(h.body, path + [key[:200] + " :except " + (ast.unparse(h.type) if h.type else "")])
            for c in getattr(node, "cases", []) or []:
                visit(c.body, path + [key[:200] + " :case " + ast.unparse(c.pattern)])
    visit(tree.body, [])
    return out


def module_object(name):
    """The module a canonical name is, when the standard library has it (os, os.path, sys), else None."""
    parts = name.split(".")
    obj = stdlib_module(parts[0])
    for p in parts[1:]:
        obj = getattr(obj, p, None) if obj is not None else None
    return obj if isinstance(obj, type(sys)) else None


def module_values(tree, modules, resolve):
    """Modules used as values (an argument, a list element, a `with` subject), not through an attribute: under
    another name, a module can be patched where no rule reads its name. `os.sys` is the module sys too."""
    out = []
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load) and child.id in modules:
                name = modules[child.id]
            elif isinstance(child, ast.Attribute) and isinstance(child.ctx, ast.Load) and dotted(child) and dotted(child).split(".")[0] in modules and module_object(resolve(dotted(child)) or ""):
                name = resolve(dotted(child))
            else:
                continue
            if isinstance(parent, ast.Attribute) or (isinstance(parent, ast.Call) and parent.func is child):
                continue
            # hasattr(torch, "compile") asks; it does not hand the module on.
            if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "hasattr" and len(parent.args) == 2 and isinstance(parent.args[1], ast.Constant):
                continue
            # `tm = time` is an alias the rules follow already.
            if isinstance(parent, ast.Assign) and parent.value is child and all(isinstance(t, ast.Name) for t in parent.targets):
                continue
            out.append({"name": name, "line": child.lineno})
    return out


def call_name(node, resolve):
    """The called name resolved through imports (np.exp -> numpy.exp); for a method of an expression, (expression).name."""
    name = resolve(dotted(node.func))
    if name is None and isinstance(node.func, ast.Attribute):
        return "(expression)." + node.func.attr
    return name or "(expression)"


def facts_of(raw):
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(raw).readline)[0]
        text = raw.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as e:
        return {"ok": False, "error": "cannot decode the source: %s" % e, "line": 1}
    try:
        tree = ast.parse(raw)
        tokens = list(tokenize.tokenize(io.BytesIO(raw).readline))
    except SyntaxError as e:
        return {"ok": False, "error": "%s: %s" % (type(e).__name__, e.msg), "line": e.lineno or 1}
    except (tokenize.TokenError, ValueError) as e:
        return {"ok": False, "error": "cannot tokenize the source: %s" % e, "line": 1}
    f = Facts()
    f.classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    for node in tree.body:
        f.visit(node)
    return {
        "ok": True,
        "tricks": tricks_in(raw, text, tokens),
        "imports": f.imports,
        "bindings": f.bindings,
        "attrWrites": f.attr_writes,
        "calls": f.calls,
        "dynamic": f.dynamic,
        "dunders": f.dunders,
        "constants": f.constants,
        "functions": f.functions,
        "instances": f.instances,
        "uses": f.uses,
        "statements": [{"line": n.lineno, "endLine": n.end_lineno} for n in tree.body],
        "stmts": statements_of(tree, f.resolve),
        "moduleValues": module_values(tree, {i["alias"]: i["module"] for i in f.imports if i["name"] is None and i["alias"]}, f.resolve),
        "strings": strings_of(tree),
        "lines": text.count("\n") + 1,
    }


def main():
    request = json.load(sys.stdin)
    out = {}
    for name, b64 in request["files"].items():
        try:
            out[name] = facts_of(base64.b64decode(b64))
        except RecursionError:
            out[name] = {"ok": False, "error": "the code nests too deeply to read", "line": 1}
    json.dump({"python": platform.python_version(), "files": out}, sys.stdout)


if __name__ == "__main__":
    main()
