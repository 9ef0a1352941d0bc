#!/usr/bin/env python3
"""Time of one `use sign` through the daemon's socket: rules, card VERIFY + GENERAL AUTHENTICATE through pcscd,
signature check, durable journal write, answer.

Usage: card_sign.py SOCKET REQUEST-ID REQUESTER-STAFF-ID [SIGNATURES]
The request must be approved for at least SIGNATURES impressions and its seal's card unlocked; the caller must be
a trusted tool (the `make run` demo user is). Signs one impression at a time, sequentially, and prints the
latency distribution. Record results in Benchmarks/RESULTS.md.
"""
import json, statistics, sys, time

from unix_http import UnixConnection

def main():
    path, request, staff = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    conn = UnixConnection(path)
    headers = {"Content-Type": "application/json", "Sealkeeper-On-Behalf-Of": staff}
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        conn.request("POST", f"/v1/requests/{request}/sign", json.dumps({"count": 1}), headers)
        response = conn.getresponse()
        body = response.read()
        samples.append((time.perf_counter() - start) * 1000)
        if response.status != 201:
            sys.exit(f"sign failed: {response.status} {body.decode()}")
    samples.sort()
    print(f"{n} signatures: mean {statistics.mean(samples):.2f} ms, median {samples[n // 2]:.2f} ms, "
          f"p95 {samples[n * 95 // 100]:.2f} ms, max {samples[-1]:.2f} ms")

if __name__ == "__main__":
    main()
