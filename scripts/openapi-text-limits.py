#!/usr/bin/env python3
"""Writes the daemon's text rules (SealCore/FieldLimits.swift) into docs/openapi.yaml: every string property of a
request body named in FieldLimits.limits gets its `maxLength` and a pattern that allows one line without control
characters (and, where the field was marked non-blank with "\\S", at least one visible character). Edits the
text in place, only inside requestBody blocks, so the hand-written layout stays; run it again after changing the
limits (it is idempotent)."""
import re
import sys

PATH = sys.argv[1] if len(sys.argv) > 1 else "docs/openapi.yaml"
SWIFT = "Sources/SealCore/FieldLimits.swift"

swift = open(SWIFT).read()
limits = dict((k, int(v)) for k, v in re.findall(r'"([a-z_]+)": (\d+),', swift))
default = int(re.search(r"defaultLimit = (\d+)", swift).group(1))

CONTROL = r"\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029"
ONE_LINE = f'"^[^{CONTROL}]*$"'
NON_BLANK = f'"^[^{CONTROL}]*[^\\\\s{CONTROL}][^{CONTROL}]*$"'

lines = open(PATH).read().split("\n")
out = []
body_indent = None
changed = 0
prop = re.compile(r'\b([a-z_]+): \{ type: string((?:[^{}"]|"(?:[^"\\]|\\.)*")*)\}')


def rewrite(m):
    name, rest = m.groups()
    if "enum:" in rest or "format:" in rest or name not in limits:
        return m.group(0)  # only the fields the daemon checks (FieldLimits.limits), as it checks them
    pattern = re.search(r'pattern: ("(?:[^"\\]|\\.)*")', rest)
    if pattern and pattern.group(1) not in ('"\\\\S"', ONE_LINE, NON_BLANK):
        return m.group(0)  # a specific pattern (ids, digests) says more
    wanted = NON_BLANK if pattern and pattern.group(1) in ('"\\\\S"', NON_BLANK) else ONE_LINE
    rest = re.sub(r', pattern: "(?:[^"\\]|\\.)*"', "", rest)
    rest = re.sub(r", maxLength: \d+", "", rest)
    return f"{name}: {{ type: string, maxLength: {limits.get(name, default)}, pattern: {wanted}{rest.rstrip()} }}"


for line in lines:
    indent = len(line) - len(line.lstrip())
    if body_indent is not None and line.strip() and indent <= body_indent:
        body_indent = None
    if re.match(r"^\s+requestBody:", line):
        body_indent = indent
    if body_indent is not None:
        new = prop.sub(rewrite, line)
        if new != line:
            changed += 1
            line = new
    out.append(line)
open(PATH, "w").write("\n".join(out))
print(f"{changed} request-body text field(s) updated")
