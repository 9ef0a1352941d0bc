#!/usr/bin/env python3
"""Journal write throughput against a running sealkeeperd, at several concurrency levels.

Each write is POST /v1/staff (one journal entry, one signed checkpoint per commit batch), acknowledged only after
its transaction is durable (synchronous=FULL). Usage: write_throughput.py SOCKET [WRITES_PER_LEVEL]
The daemon's config must give the caller the admin role. Results are printed as a table; record them in
Benchmarks/RESULTS.md.
"""
import json, sys, threading, time, uuid

from unix_http import UnixConnection

def run(path, total, concurrency):
    prefix = uuid.uuid4().hex[:6]
    counter = iter(range(total))
    lock = threading.Lock()
    errors = []
    def worker():
        conn = UnixConnection(path)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            body = json.dumps({"id": f"B{prefix}{i}", "name": "压测", "roles": ["clerk"]})
            conn.request("POST", "/v1/staff", body, {"Content-Type": "application/json"})
            r = conn.getresponse(); r.read()
            if r.status != 201:
                errors.append(r.status)
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads: t.start()
    for t in threads: t.join()
    elapsed = time.perf_counter() - start
    return total / elapsed, errors

if __name__ == "__main__":
    path = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    print(f"{'concurrency':>11}  {'writes/s':>9}  errors")
    for c in (1, 4, 16, 64):
        rate, errors = run(path, total, c)
        print(f"{c:>11}  {rate:>9.0f}  {len(errors)}")
