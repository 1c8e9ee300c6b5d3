#!/usr/bin/env python3
"""Header <-> library check for liblrsched.so.

    check_abi.py HEADER LIBRARY SWIFT_HEADER TEST_SOURCE...

1. The functions declared with LRSCHED_API in HEADER are exactly the functions the
   library exports (`nm -D --defined-only --extern-only`); nothing else is exported but
   the version node (LRSCHED_0): no Swift runtime or Swift-mangled symbols.
2. Each declaration matches the @_cdecl implementation's signature, as printed by the
   Swift compiler into SWIFT_HEADER (-emit-clang-header-path): same arity, and per
   parameter and return value the same C type up to qualifiers, handle typedefs (void *
   in Swift) and spelling (size_t = NSUInteger, int = int32_t).
3. Every declared function is called somewhere in the TEST_SOURCEs.

Exits 1 with a list of problems, 0 when all holds.
"""
import re
import subprocess
import sys

# Opaque handle types (void * in Swift); every `typedef struct X X;` of the header is
# added to these.
HANDLE_TYPES = {"lrsched_optimizer", "lrsched_scheduler"}
SCALARS = {
    "void": "void",
    "double": "f64",
    "float": "f32",
    "int": "i32",
    "int32_t": "i32",
    "int64_t": "i64",
    "uint64_t": "u64",
    "size_t": "u64",
    "NSUInteger": "u64",
    "char": "char",
}
QUALIFIERS = {"const", "_Nullable", "_Nonnull", "_Null_unspecified", "struct", "volatile"}


def strip_comments(text):
    """Removes comments and preprocessor directives (with their continuation lines)."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)


def split_params(params):
    """Splits a parameter list at top-level commas."""
    out, depth, cur = [], 0, ""
    for ch in params:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return [p.strip() for p in out]


def canonical(decl, typedefs, named=True):
    """The ABI-relevant shape of a declarator: 'f64', 'ptr(ptr(void))', 'ptr(fn(...))'."""
    decl = decl.strip()
    if decl == "void":
        return "void"
    m = re.match(r"^(.*?)\(\s*((?:\*[\s\w]*)+?)(\w*)\s*\)\s*\((.*)\)$", decl, flags=re.S)
    if m:  # a function pointer parameter: RET (* ... * name)(PARAMS)
        ret, stars, _, inner = m.groups()
        shape = "fn(%s->%s)" % (
            ",".join(canonical(p, typedefs, named=False) for p in split_params(inner)),
            canonical(ret, typedefs, named=False),
        )
        for _ in range(stars.count("*") - 1):
            shape = "ptr(%s)" % shape
        return shape
    words = re.findall(r"\w+|\*", decl)
    words = [w for w in words if w not in QUALIFIERS]
    stars = words.count("*")
    names = [w for w in words if w != "*"]
    if named and len(names) >= 2:
        names = names[:-1]  # drop the parameter name
    base = " ".join(names)
    if base in typedefs:
        shape = typedefs[base]
    elif base in HANDLE_TYPES:
        shape = "void"
    elif base in SCALARS:
        shape = SCALARS[base]
    else:
        shape = "?" + base
    for _ in range(stars):
        shape = "ptr(%s)" % shape
    return shape


def parse_declarations(text, marker, typedefs):
    """name -> (return shape, [param shapes]) for declarations starting with marker."""
    out = {}
    pattern = re.compile(r"\b" + marker + r"\s+([^;#(){}]*?)\b(lrsched_\w+)\s*\(([^;{}]*?)\)\s*[A-Z_\s]*;", flags=re.S)
    for m in pattern.finditer(text):
        ret, name, params = m.groups()
        ps = split_params(params)
        if ps == ["void"]:
            ps = []
        out[name] = (canonical(ret, typedefs, named=False), [canonical(p, typedefs) for p in ps])
    return out


def main():
    if len(sys.argv) < 5:
        print(__doc__)
        return 2
    header_path, lib_path, swift_header_path = sys.argv[1:4]
    tests = sys.argv[4:]
    problems = []

    header = strip_comments(open(header_path).read())
    HANDLE_TYPES.update(re.findall(r"typedef\s+struct\s+(\w+)\s+\1\s*;", header))
    typedefs = {}
    for m in re.finditer(r"typedef\s+(\w+)\s*\(\s*\*\s*(\w+)\s*\)\s*\((.*?)\)\s*;", header, flags=re.S):
        ret, name, params = m.groups()
        typedefs[name] = "fn(%s->%s)" % (
            ",".join(canonical(p, {}) for p in split_params(params)),
            canonical(ret, {}, named=False),
        )
    declared = parse_declarations(header, r"LRSCHED_API", typedefs)
    if len(declared) < 40:
        problems.append("found only %d LRSCHED_API declarations in %s" % (len(declared), header_path))

    # 1. exports
    nm = subprocess.run(["nm", "-D", "--defined-only", "--extern-only", lib_path],
                        check=True, capture_output=True, text=True).stdout
    exported = {}
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            exported[parts[2].split("@")[0]] = parts[1]
    for name, kind in sorted(exported.items()):
        if name == "LRSCHED_0" and kind == "A":
            continue
        if name not in declared:
            problems.append("exported but not declared in the header: %s" % name)
        elif kind != "T":
            problems.append("%s is exported as %s, not as a function" % (name, kind))
    for name in sorted(declared):
        if name not in exported:
            problems.append("declared but not exported: %s" % name)

    # 2. signatures against the Swift implementation
    swift = strip_comments(open(swift_header_path).read())
    implemented = parse_declarations(swift, r"SWIFT_EXTERN", typedefs)
    for name, (ret, params) in sorted(declared.items()):
        if name not in implemented:
            problems.append("no @_cdecl implementation of %s in %s" % (name, swift_header_path))
            continue
        iret, iparams = implemented[name]
        if ret != iret:
            problems.append("%s returns %s in the header but %s in Swift" % (name, ret, iret))
        if len(params) != len(iparams):
            problems.append("%s takes %d parameters in the header but %d in Swift" % (name, len(params), len(iparams)))
            continue
        for i, (a, b) in enumerate(zip(params, iparams)):
            if a != b:
                problems.append("%s parameter %d is %s in the header but %s in Swift" % (name, i + 1, a, b))
    for name in sorted(set(implemented) - set(declared)):
        problems.append("@_cdecl %s is not declared in the header" % name)

    # 3. every function called by the tests
    test_text = strip_comments("".join(open(t).read() for t in tests))
    for name in sorted(declared):
        if not re.search(r"\b%s\s*\(" % re.escape(name), test_text):
            problems.append("no test calls %s" % name)

    for p in problems:
        print("check_abi: " + p)
    if problems:
        return 1
    print("check_abi: %d functions declared = exported = implemented (signatures match), all called by tests"
          % len(declared))
    return 0


if __name__ == "__main__":
    sys.exit(main())
