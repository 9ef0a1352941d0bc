#!/usr/bin/env python3
"""`make bench`: the write path, exports, verification, reports, start-up and idle memory of a release build,
each beside its baseline measured in the same run on the same disk (issue 14's targets).

Starts its own sealkeeperd on a temporary state directory (one seal, one filed delegation), fills the book through
the real API (requests of 50 impressions, approved, then used one impression at a time) up to each size in
--sizes, and at each size measures:

  uses/s   POST /v1/uses from --clients concurrent keep-alive clients (`use-bench`, mean and p99 latency), against raw SQLite:
           single-row INSERTs each committed durably (WAL, synchronous=FULL) in a file beside the register;
           From the second size on, the bursts take turns with bursts on a second daemon over a fresh copy of the
           first size's register: the rate beside it, measured at the same moments, is the flatness figure;
  floor    GET /v1/whoami from the same clients: a call that reads and writes nothing, the HTTP stack's own ceiling;
  start    seconds from exec to the socket answering, and to `status` saying the journal is verified;
  csv, xlsx, html   `sealctl book export` of the whole book, against `sqlite3 -csv` of the uses ⋈ requests join;
  verify   `sealctl book verify` of the bundle, against `sha256sum` of it;
  list, stats, anomalies   `sealctl book list`, `report stats`, `report anomalies` (a table, and --json as it streams)
           over the book;
  idle RSS the daemon's VmRSS after the measurements, at rest, and its anonymous part (RssAnon; the rest is the
           binary's and the libraries' file-backed pages).

Each figure is the median of --repeat runs (3), ours and its baseline taken in turn, so that one slow moment of this
shared machine moves neither side of a ratio alone; a use burst is repeated likewise (its rate, mean and p99 are each
the median of the bursts'). Peak memory is the highest of the runs: the daemon's VmHWM (reset before each run) and
sealctl's ru_maxrss. The table is printed and appended, with the date, machine and build, to
Benchmarks/RESULTS.md. A benchmark, not a test: CI does not run it.

Usage: bench.py [--bin .build/release] [--sizes 10000,100000] [--clients 32] [--repeat 3] [--keep DIR] [--no-record]
"""
import argparse, atexit, datetime, json, os, platform, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

from export_memory import fill, proc_status, set_up, start_daemon, stop_daemon, wait_verified, write_config

HERE = os.path.dirname(os.path.abspath(__file__))


def measure_uses(binary, sock, clients, per_client, tag):
    """POST /v1/uses from `clients` keep-alive connections at once (`use-bench`, compiled: Python clients spent as much
    CPU per use as the daemon and shared its two cores): rate, mean, p99."""
    out = subprocess.run([f"{binary}/use-bench", "--socket", sock, "--clients", str(clients), "--per-client", str(per_client), "--tag", tag],
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    return result["rate"], result["mean"], result["p99"]


def measure_http_floor(binary, sock, clients, per_client=1000):
    """GET /v1/whoami from the same clients (`use-bench --http-floor`): a call that reads and writes nothing, so the
    rate the HTTP stack alone allows on this machine, the ceiling of any write rate."""
    out = subprocess.run([f"{binary}/use-bench", "--socket", sock, "--clients", str(clients), "--per-client", str(per_client), "--http-floor"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["rate"]


def raw_sqlite_rate(directory, seconds=3.0):
    """Durable single-row commits on the register's disk: the floor any journaled write stands on."""
    path = os.path.join(directory, "baseline.sqlite")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        db.execute("BEGIN")
        db.execute("INSERT INTO t(v) VALUES (?)", ("x" * 200,))
        db.execute("COMMIT")
        n += 1
    rate = n / (time.perf_counter() - t0)
    db.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return rate


class StepFailed(Exception):
    """A measured command failed: its row says so, and the run goes on to the next."""


def timed(argv, stdout="/dev/null"):
    """Runs argv; returns (seconds, max RSS MB). Raises StepFailed with the command's last error line."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[
            (os.POSIX_SPAWN_OPEN, 1, stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        _, status, usage = os.wait4(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            lines = err.read().decode(errors="replace").strip().splitlines()
            raise StepFailed(lines[-1] if lines else f"exit status {os.waitstatus_to_exitcode(status)}")
    return time.perf_counter() - t0, usage.ru_maxrss / 1024


def start_reference(binary, reference, log):
    """A second daemon on a fresh copy of the first size's register (`reference["state"]`), journal verified:
    (process, socket)."""
    root = os.path.join(os.path.dirname(reference["state"]), "reference")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    shutil.copytree(reference["state"], os.path.join(root, "state"))
    proc, sock = start_daemon(binary, write_config(root), log)
    wait_verified(sock)
    return proc, sock


def in_turn(repeat, *steps):
    """Runs each step (a function returning (seconds, peak)) `repeat` times, the steps taking turns; per step the
    median seconds and the highest peak."""
    runs = [[] for _ in steps]
    for _ in range(repeat):
        for i, step in enumerate(steps):
            runs[i].append(step())
    return [(statistics.median(r[0] for r in rs), max(r[1] for r in rs)) for rs in runs]


def reset_peak(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


BOOK_JOIN = """SELECT u.serial, u.time, s.name, u.reason, COALESCE(u.approver, r.approver), u.user, u.effective_count, u.matter_code,
u.case_number, u.urgent, u.note, u.document_digest FROM use_record u JOIN use_request r ON r.id = u.request_id JOIN seal s ON s.id = u.seal_id
ORDER BY u.seal_id, u.serial"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--per-client", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    root = args.keep or tempfile.mkdtemp(prefix="sealkeeper-bench-")
    os.makedirs(root, exist_ok=True)
    config = write_config(root)
    log = open(os.path.join(root, "daemon.log"), "ab")
    proc, sock = start_daemon(binary, config, log)
    # Whatever ends the run, no daemon is left behind on its (large) temporary register.
    running = {"proc": proc}
    atexit.register(lambda: running["proc"].poll() is None and running["proc"].kill())
    set_up(binary, sock)
    state = os.path.join(root, "state")
    rows = []

    def row(size, what, ours, baseline_name, baseline, unit, target, peak=""):
        ratio = ours / baseline if baseline else None
        rows.append((size, what, ours, unit, baseline_name, baseline, ratio, target, peak))
        shown = f"{ratio:.2f}" if ratio is not None else ""
        print(f"{size:>9,}  {what:<22} {ours:>10.2f} {unit:<6} {baseline_name:<26} {baseline or 0:>10.2f}  {shown:>6}  {target:<10} {peak}", flush=True)

    print(f"{'uses':>9}  {'measure':<22} {'ours':>10} {'unit':<6} {'baseline':<26} {'baseline':>10}  {'ratio':>6}  {'target':<10} peak RSS MB")
    have = 0
    reference = None
    for size in [int(s) for s in args.sizes.split(",")]:
        burst = args.clients * args.per_client
        fill_to = max(have, size - args.repeat * burst)
        if fill_to > have:
            took = fill(sock, have, fill_to, threads=args.clients)
            print(f"# filled {have:,}→{fill_to:,} uses in {took:.0f} s", file=sys.stderr)
            # The fill leaves the kernel up to gigabytes of dirty pages to write back; the durable commits measured
            # next (ours and raw SQLite's) would queue their fsyncs behind that flush. The book's steady state is
            # what is measured.
            os.sync()
        raw = raw_sqlite_rate(state)
        # Flatness compares this size's rate with the first size's. Measured minutes apart, the two differ by
        # whatever the shared machine did meanwhile (raw SQLite's rate moved 20 % within one run), so the first
        # size's register, copied as it was, runs beside this one and the bursts take turns.
        beside = start_reference(binary, reference, log) if reference else None
        bursts, reference_bursts = [], []
        for n in range(args.repeat):
            bursts.append(measure_uses(binary, sock, args.clients, args.per_client, f"{size}-{n}"))
            if beside:
                reference_bursts.append(measure_uses(binary, beside[1], args.clients, args.per_client, f"ref{size}-{n}"))
        if beside:
            stop_daemon(beside[0])
        rate, mean, p99 = (statistics.median(b[i] for b in bursts) for i in range(3))
        have = fill_to + args.repeat * burst
        row(size, f"uses/s ({args.clients} clients)", rate, "raw SQLite commits/s", raw, "/s", "≥2× raw")
        if beside:
            first = reference["size"]
            row(size, f"  uses/s, {first:,} in turn", rate, f"uses/s at {first:,}, in turn", statistics.median(b[0] for b in reference_bursts),
                "/s", "≥0.90 (flat)")
        row(size, "use p99 latency", p99 * 1000, "", 0, "ms", "≤20 ms")
        row(size, "use mean latency", mean * 1000, "", 0, "ms", "")
        row(size, "HTTP floor: whoami/s", measure_http_floor(binary, sock, args.clients), "raw SQLite commits/s", raw, "/s", "(ceiling)")

        stop_daemon(proc)
        if reference is None:
            # The first size's register as it is now, stopped: each later size starts a fresh copy of it.
            reference = {"size": size, "state": os.path.join(root, "reference-state")}
            shutil.copytree(state, reference["state"])
        t0 = time.perf_counter()
        proc, sock = start_daemon(binary, config, log)
        running["proc"] = proc
        ready = time.perf_counter() - t0
        wait_verified(sock)
        verified = time.perf_counter() - t0
        row(size, "start-up: reads served", ready, "", 0, "s", "≤1 s")
        row(size, "start-up: journal verified", verified, "", 0, "s", "≤5 s at 1M")
        time.sleep(2)
        row(size, "idle RSS after start", proc_status(proc.pid, "VmRSS") / 1024, "", 0, "MB", "≤30 MB")
        # The rest of RSS is file-backed: the binary's and the Swift libraries' clean pages, shared and reclaimable.
        row(size, "  of which anonymous", proc_status(proc.pid, "RssAnon") / 1024, "", 0, "MB", "")

        db_copy = os.path.join(root, "copy.sqlite")
        subprocess.run(["sqlite3", os.path.join(state, "registry.sqlite"), f".backup {db_copy}"], check=True)
        def baseline_csv():
            return timed(["/usr/bin/sqlite3", "-csv", db_copy, BOOK_JOIN], stdout=os.path.join(root, "baseline.csv"))[0], 0

        def daemon_step(argv, out="/dev/null"):
            """A sealctl call against the daemon: (seconds, (daemon's peak MB, sealctl's peak MB))."""
            def step():
                reset_peak(proc.pid)
                seconds, rss = timed([f"{binary}/sealctl", "--socket", sock] + argv, stdout=out)
                return seconds, (proc_status(proc.pid, "VmHWM") / 1024, rss)
            return step

        def peaks(pair):
            return f"daemon {pair[0]:.0f}, sealctl {pair[1]:.0f}"

        for fmt, target in (("csv", "≤1.5×"), ("xlsx", "≤3×"), ("html", "≤3×")):
            out = os.path.join(root, f"book.{fmt}")
            (base, _), (seconds, peak) = in_turn(args.repeat, baseline_csv, daemon_step(["book", "export", "--format", fmt, "--out", out]))
            row(size, f"export {fmt}", seconds, "sqlite3 -csv of the join", base, "s", target, peaks(peak))
            os.remove(out)
        os.remove(db_copy)
        bundle = os.path.join(root, "book.bundle")
        [(seconds, peak)] = in_turn(args.repeat, daemon_step(["book", "export", "--format", "bundle", "--out", bundle]))
        row(size, "export bundle", seconds, "", 0, "s", "", peaks(peak))
        (base, _), (seconds, rss) = in_turn(args.repeat, lambda: timed(["/usr/bin/sha256sum", bundle]),
                                            lambda: timed([f"{binary}/sealctl", "book", "verify", bundle]))
        row(size, "book verify", seconds, "sha256sum of the bundle", base, "s", "≤3×", f"sealctl {rss:.0f}")
        os.remove(bundle)
        for name, argv in (("book list", ["book", "list"]), ("report stats", ["report", "stats"]),
                           ("report anomalies", ["report", "anomalies"]), ("report anomalies --json", ["--json", "report", "anomalies"])):
            try:
                [(seconds, peak)] = in_turn(args.repeat, daemon_step(argv))
            except StepFailed as failure:
                row(size, name, float("nan"), "", 0, "s", "≤1 s", f"failed: {failure}")
                continue
            row(size, name, seconds, "", 0, "s", "≤1 s", peaks(peak))
        time.sleep(2)
        row(size, "idle RSS after all of the above", proc_status(proc.pid, "VmRSS") / 1024, "", 0, "MB", "≤30 MB")

    stop_daemon(proc)
    if not args.keep:
        shutil.rmtree(root)
    if args.no_record:
        return
    with open(os.path.join(HERE, "RESULTS.md"), "a") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
        f.write(f"\n## `make bench`, {datetime.date.today().isoformat()}: release build, {os.cpu_count()} × {cpu}, {platform.system()} {platform.release()}\n\n")
        f.write(f"{args.clients} clients; each size filled through the API (requests of 50 approved, then used one by one); "
                f"each figure the median of {args.repeat} runs, ours and the baseline in turn.\n\n")
        f.write("| uses | measure | ours | baseline | baseline value | ratio | target | peak RSS MB |\n|---|---|---|---|---|---|---|---|\n")
        for size, what, ours, unit, bname, base, ratio, target, peak in rows:
            f.write(f"| {size:,} | {what} | {ours:.2f} {unit} | {bname} | {f'{base:.2f}' if base else ''} | {f'{ratio:.2f}' if ratio is not None else ''} | {target} | {peak} |\n")


if __name__ == "__main__":
    main()
