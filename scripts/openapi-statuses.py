#!/usr/bin/env python3
"""Adds to every operation of docs/openapi.yaml the statuses the daemon's shared machinery can answer it with,
where they are missing: 403 (no role, or an unusable Sealkeeper-On-Behalf-Of) everywhere; 400 where a query or
a body is read; 404 where a path names a thing; 413 where a body is read; 409 (the register's state) and 503 on every write
(storage-unavailable, journal-tampered). Edits the text in place, so the file's hand-written layout stays; prints what it added."""
import sys

import yaml

PATH = sys.argv[1] if len(sys.argv) > 1 else "docs/openapi.yaml"
text = open(PATH).read()
doc = yaml.safe_load(text)
components = doc["components"]["parameters"]
lines = text.split("\n")


def parameters(op, path_item):
    result = []
    for p in (path_item.get("parameters") or []) + (op.get("parameters") or []):
        if "$ref" in p:
            p = components[p["$ref"].split("/")[-1]]
        result.append(p)
    return result


def wanted(method, op, path_item):
    params = parameters(op, path_item)
    statuses = {"403": "Forbidden"}
    if any(p["in"] == "query" for p in params) or "requestBody" in op or method == "post":
        statuses["400"] = "BadRequest"
    if any(p["in"] == "path" for p in params):
        statuses["404"] = "NotFound"
    if "requestBody" in op or method == "post":
        statuses["413"] = "PayloadTooLarge"
    if method == "post":
        statuses["409"] = "Conflict"  # a write meets the register's state (a disabled staff member, a lifecycle step)
        statuses["503"] = "Unavailable"
    return statuses


added = []
for path, item in doc["paths"].items():
    for method, op in item.items():
        if method not in ("get", "post", "put", "delete", "patch"):
            continue
        missing = {s: r for s, r in wanted(method, op, item).items() if s not in map(str, op["responses"])}
        if not missing:
            continue
        # Find the operation's `responses:` block in the text and append after its last entry.
        p = lines.index(f"  {path}:")
        m = next(i for i in range(p + 1, len(lines)) if lines[i] == f"    {method}:")
        r = next(i for i in range(m + 1, len(lines)) if lines[i] == "      responses:")
        end = r + 1
        while end < len(lines) and (lines[end].startswith("        ") or lines[end].strip() == ""):
            end += 1
        while lines[end - 1].strip() == "":
            end -= 1
        new = [f'        "{s}": {{ $ref: "#/components/responses/{ref}" }}' for s, ref in sorted(missing.items())]
        lines[end:end] = new
        added.append(f"{method.upper()} {path}: {', '.join(sorted(missing))}")

open(PATH, "w").write("\n".join(lines))
print("\n".join(added) if added else "nothing to add")
