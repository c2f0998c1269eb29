"""Differential check for python_facts.py: the names it says a source binds, against CPython's own symbol table.

Reads {"sources": ["...", ...]} on stdin and prints, for each source, the names bound according to symtable and
according to the facts (module level and in every function and class, comprehensions and lambdas included).
"""
import ast
import json
import os
import symtable
import sys

sys.path.insert(0, os.path.dirname(__file__))
import python_facts  # noqa: E402


def bound_by_symtable(source):
    names = set()
    def walk(t):
        for s in t.get_symbols():
            if (s.is_assigned() or s.is_imported() or s.is_parameter() or s.is_namespace()) and not s.get_name().startswith("."):
                names.add(s.get_name())
        for c in t.get_children():
            walk(c)
    walk(symtable.symtable(source, "<candidate>", "exec"))
    return names


def main():
    out = []
    for src in json.load(sys.stdin)["sources"]:
        facts = python_facts.facts_of(src.encode("utf-8"))
        if not facts["ok"]:
            out.append({"error": facts["error"]})
            continue
        mine = {b["name"] for b in facts["bindings"] if b["kind"] not in ("global", "nonlocal")}
        statements = sorted({n.lineno for n in ast.walk(ast.parse(src)) if isinstance(n, ast.stmt)})
        out.append({"symtable": sorted(bound_by_symtable(src)), "facts": sorted(mine), "statementLines": statements})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
