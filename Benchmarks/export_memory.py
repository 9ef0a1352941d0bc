#!/usr/bin/env python3
"""Peak memory of a book export as the book grows: does the daemon's or sealctl's memory grow with the book?

Starts its own sealkeeperd on a temporary state directory, registers a township (staff, catalogue, an active seal
under a filed delegation), then fills the book through the real API — requests of 50 impressions, approved, used
one impression at a time — up to each size in --sizes. At each size it restarts the daemon (so start-up is not
counted in the export), resets the daemon's peak-RSS counter (/proc/PID/clear_refs, 5), and for each format runs
`sealctl book export --out FILE`, recording the daemon's VmHWM and sealctl's max RSS (wait4) and the time.

Usage: export_memory.py [--bin .build/debug] [--sizes 20000,200000] [--keep DIR]
Record the table in Benchmarks/RESULTS.md. Takes ~5 minutes for 200,000 uses on 2 cores (debug build).
"""
import argparse, json, os, shutil, signal, subprocess, sys, tempfile, threading, time

from unix_http import UnixConnection

FORMATS = ["csv", "xlsx", "html", "bundle"]


def start_daemon(binary, config, log, env=None):
    """Starts sealkeeperd (with `env`, else this process's environment); returns once it answers `/v1/status`."""
    proc = subprocess.Popen([f"{binary}/sealkeeperd", "--config", config], stdout=log, stderr=log, env=env)
    socket_path = os.path.join(os.path.dirname(config), "sealkeeper.sock")
    for _ in range(600):
        try:
            conn = UnixConnection(socket_path)
            conn.request("GET", "/v1/status")
            if conn.getresponse().status == 200:
                return proc, socket_path
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("the daemon did not start; see its log")


def wait_verified(socket_path, seconds=600):
    """Returns once the daemon has checked its register at start-up (`/v1/status`: the journal no longer
    `verifying`), the moment it takes writes."""
    deadline = time.monotonic() + seconds
    conn = UnixConnection(socket_path)
    while True:
        conn.request("GET", "/v1/status")
        if json.loads(conn.getresponse().read())["journal"]["integrity"] != "verifying":
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"the daemon on {socket_path} did not finish checking its register in {seconds} s")
        time.sleep(0.02)


def stop_daemon(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)


def sealctl(binary, socket_path, args):
    """Runs sealctl for set-up; returns its output."""
    proc = subprocess.run([f"{binary}/sealctl", "--socket", socket_path] + args, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"sealctl {' '.join(args)}: {proc.stderr}")
    return proc.stdout


def measured(binary, socket_path, args):
    """Runs sealctl and returns (max RSS KiB, seconds) from wait4."""
    start = time.perf_counter()
    pid = os.posix_spawn(f"{binary}/sealctl", [f"{binary}/sealctl", "--socket", socket_path] + args, os.environ,
                         file_actions=[(os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"sealctl {' '.join(args)} failed")
    return usage.ru_maxrss, time.perf_counter() - start


def proc_status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def write_config(root):
    config = os.path.join(root, "sealkeeper.toml")
    uid = os.getuid()
    with open(config, "w") as f:
        f.write(f"""[daemon]
socket = "{root}/sealkeeper.sock"
socket_mode = "0600"
state_directory = "{root}/state"
[pcsc]
enabled = false
[access]
admin = ["uid:{uid}"]
clerk = ["uid:{uid}"]
approver = ["uid:{uid}"]
inspector = ["uid:{uid}"]
trusted_tools = ["uid:{uid}"]
""")
    return config


def set_up(binary, sock):
    for args in (["staff", "add", "S001", "--name", "张三", "--role", "admin"], ["staff", "add", "S002", "--name", "李四", "--role", "approver"],
                 ["staff", "add", "S003", "--name", "王五", "--role", "clerk"], ["matter", "import", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Config", "examples", "matters.csv")],
                 ["seal", "add", "--name", "XX镇人民政府行政审批委托专用章", "--kind", "delegated-approval", "--medium", "physical", "--owner", "县行政审批服务局",
                  "--holder", "XX镇人民政府", "--custodian", "S001"], ["seal", "activate", "SEAL-0001"],
                 ["delegation", "add", "--agreement", "委托协议2026-01", "--from", "县行政审批服务局", "--to", "XX镇", "--supervisor", "县司法局",
                  "--valid-from", "2026-01-01", "--valid-to", "2099-12-31", "--filing", "备2026-3", "--filed-on", "2026-01-05",
                  "--seal", "SEAL-0001", "--matter", "XK-001=handling"]):
        sealctl(binary, sock, args)


def fill(socket_path, start, target, threads=16):
    """Adds uses until the book holds `target`: each worker creates a request of 50, approves it, uses it 50 times."""
    counter = iter(range(start // 50, target // 50))
    lock = threading.Lock()
    errors = []

    def call(conn, method, path, body, staff):
        conn.request(method, path, json.dumps(body), {"Content-Type": "application/json", "Sealkeeper-On-Behalf-Of": staff})
        r = conn.getresponse()
        data = r.read()
        if r.status >= 300:
            errors.append((path, r.status, data[:200]))
            return None
        return json.loads(data)

    def worker():
        conn = UnixConnection(socket_path)
        while not errors:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            req = call(conn, "POST", "/v1/requests", {"seal": "SEAL-0001", "matter": "XK-001", "case_number": f"2026-XK-{i:06d}",
                                                       "purpose": "decision", "reason": f"个体工商户设立登记决定书（第{i}批）", "count": 50}, "S003")
            if not req:
                return
            call(conn, "POST", f"/v1/requests/{req['id']}/approve", {}, "S002")
            for _ in range(50):
                call(conn, "POST", "/v1/uses", {"request": req["id"], "count": 1}, "S001")

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    t0 = time.perf_counter()
    for w in workers: w.start()
    for w in workers: w.join()
    if errors:
        raise SystemExit(f"filling failed: {errors[:3]}")
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/debug")
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--keep")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    sizes = [int(s) for s in args.sizes.split(",")]
    root = args.keep or tempfile.mkdtemp(prefix="sealkeeper-export-bench-")
    os.makedirs(root, exist_ok=True)
    config = write_config(root)
    log = open(os.path.join(root, "daemon.log"), "ab")
    proc, sock = start_daemon(binary, config, log)
    set_up(binary, sock)

    print(f"{'uses':>8}  {'format':>6}  {'file MB':>8}  {'seconds':>7}  {'daemon peak RSS MB':>18}  {'sealctl peak RSS MB':>19}")
    have = 0
    for size in sizes:
        took = fill(sock, have, size)
        print(f"# filled {have}→{size} uses in {took:.0f} s", file=sys.stderr)
        have = size
        stop_daemon(proc)
        proc, sock = start_daemon(binary, config, log)
        print(f"# daemon after start: VmRSS {proc_status(proc.pid, 'VmRSS') / 1024:.0f} MB, VmHWM {proc_status(proc.pid, 'VmHWM') / 1024:.0f} MB", file=sys.stderr)
        for fmt in FORMATS:
            with open(f"/proc/{proc.pid}/clear_refs", "w") as f:
                f.write("5")
            out = os.path.join(root, f"book-{size}.{fmt}")
            rss, seconds = measured(binary, sock, ["book", "export", "--format", fmt, "--out", out])
            daemon_peak = proc_status(proc.pid, "VmHWM")
            mb = os.path.getsize(out) / 1e6
            print(f"{size:>8}  {fmt:>6}  {mb:>8.1f}  {seconds:>7.1f}  {daemon_peak / 1024:>18.0f}  {rss / 1024:>19.0f}", flush=True)
            if fmt == "bundle":
                rss, seconds = measured(binary, sock, ["book", "verify", out])
                print(f"{size:>8}  {'verify':>6}  {'':>8}  {seconds:>7.1f}  {'':>18}  {rss / 1024:>19.0f}", flush=True)
            os.remove(out)
    stop_daemon(proc)
    if not args.keep:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
