#!/usr/bin/env python3
"""Lays out sealkeeperd's start-up code together: the linker script `make release` links the daemon with.

Why: the idle daemon's memory is mostly clean pages of its own binary. The kernel maps a file's pages in 64 KiB windows
around each fault (fault-around), and the ~7,800 functions start-up runs lie scattered over the binary's 32 MB of
text, so at rest the daemon held 21 MB of it. Placed side by side (about 5 MB, with the toolchain's libraries whose
code cannot be split per function) they leave the rest of the text unread. README "Idle memory" has the figures.

How: the binary built first (every function in its own section: -function-sections, -ffunction-sections; linked
with -Map) runs under scripts/startup-calltrace.c, which traps the first entry of every function and section start.
The daemon starts on a small register made through its API (so start-up's journal and table checks have entries to
read), serves its status until the journal is verified, and idles two seconds; the sections entered until then,
found in the link map, are listed in `.startup_text`, placed before `.text`. The trace is re-recorded at every
release build, so the layout follows the code. Which sections, not their order, is what counts: the region is read
whole at start-up either way.

Usage: order-startup-text.py --bin .build/release --map MAP --out SCRIPT
"""
import argparse, bisect, collections, json, os, re, shutil, struct, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Benchmarks"))
from export_memory import write_config, start_daemon, stop_daemon, set_up, fill  # noqa: E402
from unix_http import UnixConnection  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# One input section per line of the link map: address, size, then `file:(section)`.
MAP_LINE = re.compile(r"^\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+\s+(\S.*):\((\.text[^)]*)\)$")


def text_sections(map_path):
    """The .text input sections of the link: (address, size, file, section), by address."""
    found = []
    with open(map_path) as lines:
        for line in lines:
            m = MAP_LINE.match(line)
            if m and int(m.group(2), 16) > 0:
                found.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3), m.group(4)))
    return sorted(found)


def entries(binary, sections):
    """Every address a function can be entered at: section starts (some sections hold functions with no symbol) and
    function symbols."""
    addresses = {s[0] for s in sections}
    nm = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    for line in nm.splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) == 3 and parts[1] in "tTwW":
            addresses.add(int(parts[0], 16))
    return sorted(addresses)


def wait_verified(sock, deadline):
    conn = UnixConnection(sock)
    while True:
        conn.request("GET", "/v1/status")
        if json.loads(conn.getresponse().read())["journal"]["integrity"] != "verifying":
            return
        if time.time() > deadline:
            raise SystemExit("the traced daemon did not finish verifying its journal in time")
        time.sleep(0.02)


def trace_start_up(bindir, work, calls_in):
    """Runs the daemon's start-up on a small register under the tracer; returns the entered offsets, first first."""
    tracer = os.path.join(work, "startup-calltrace.so")
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", tracer, os.path.join(HERE, "startup-calltrace.c")], check=True)
    config = write_config(work)
    with open(os.path.join(work, "daemon.log"), "ab") as log:
        proc, sock = start_daemon(bindir, config, log)
        try:
            set_up(bindir, sock)
            fill(sock, 0, 200)
        finally:
            stop_daemon(proc)
        trace = os.path.join(work, "calls")
        env = dict(os.environ, LD_PRELOAD=tracer, CALLTRACE_IN=calls_in, CALLTRACE_OUT=trace, SWIFT_BACKTRACE="enable=no")
        proc, sock = start_daemon(bindir, config, log, env)
        try:
            wait_verified(sock, time.time() + 120)
            time.sleep(2)
            with open(trace, "rb") as f:
                data = f.read()  # what ran up to now: start-up and rest, not shutdown
        finally:
            stop_daemon(proc)
    return [offset for (offset,) in struct.iter_unpack("<Q", data)]


def linker_script(sections, entered):
    starts = [s[0] for s in sections]
    by_file = collections.OrderedDict()
    total = 0
    for offset in entered:
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0 or offset >= starts[i] + sections[i][1]:
            continue
        _, size, path, name = sections[i]
        archive = re.match(r"^(.*)\((.*)\)$", path)
        pattern = f"*{os.path.basename(archive.group(1))}:{archive.group(2)}" if archive else path
        names = by_file.setdefault(pattern, {})
        if name not in names:
            names[name] = True
            total += size
    lines = ["/* Generated by scripts/order-startup-text.py at build time: the code sealkeeperd runs at start-up. */",
             "SECTIONS {", "  .startup_text : {"]
    lines += [f"    {pattern}({' '.join(names)})" for pattern, names in by_file.items()]
    lines += ["  }", "} INSERT BEFORE .text;"]
    return "\n".join(lines) + "\n", sum(len(n) for n in by_file.values()), total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--map", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    bindir = os.path.abspath(args.bin)
    sections = text_sections(args.map)
    if not sections:
        raise SystemExit(f"{args.map} lists no .text sections: was the daemon linked with -Map?")
    # The Swift driver does not recompile a module whose sources did not change when only -Xfrontend flags did: a
    # tree built before -function-sections keeps whole-file sections, which can only be placed whole.
    unsplit = [s for s in sections if s[3] == ".text" and s[2].endswith(".swift.o") and s[1] > 65536 and ".build" in s[2]]
    if unsplit:
        print(f"warning: {len(unsplit)} of this build's Swift objects hold all their functions in one section (built "
              "before -function-sections?): remove .build/*/release/*.build and build again for the full effect",
              file=sys.stderr)
    work = tempfile.mkdtemp(prefix="sealkeeper-order-")
    try:
        calls_in = os.path.join(work, "entries")
        with open(calls_in, "wb") as f:
            f.write(b"".join(struct.pack("<Q", a) for a in entries(f"{bindir}/sealkeeperd", sections)))
        entered = trace_start_up(bindir, work, calls_in)
        script, count, size = linker_script(sections, entered)
        if count < 1000:
            raise SystemExit(f"only {count} sections ran at start-up: the trace is broken; see {work}")
        with open(args.out, "w") as f:
            f.write(script)
        print(f"start-up ran {len(entered)} functions in {count} sections ({size / 1e6:.1f} MB): {args.out}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
