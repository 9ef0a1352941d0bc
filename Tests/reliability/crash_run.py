#!/usr/bin/env python3
"""SIGKILL sealkeeperd while 16 clients record uses and registry changes, restart it, and check after every cycle
that nothing acknowledged was lost or doubled, that the journal verifies against its signed checkpoint and that
SQLite's integrity check passes.

  python3 Tests/reliability/crash_run.py [CYCLES]        (default 200; `make crash-test` runs it)

The pytest suite runs the same function with 20 cycles. Each cycle: restart (start-up re-verifies the journal),
check, then 16 clients write for a random 0.2–1.2 s and the daemon is killed with SIGKILL mid-stream."""
import os
import random
import sys
import threading
import time

import harness

CLIENTS = 16


class Ledger:
    """What the clients were told: acknowledged staff ids and use ids (with their request and count)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.staff = set()
        self.uses = {}  # use id -> (request id, count)

    def check(self, d):
        """Every acknowledged write is in the register exactly once, as acknowledged."""
        db = os.path.join(d.state, "registry.sqlite")
        staff = set(harness.sqlite(db, "SELECT id FROM staff"))
        missing = self.staff - staff
        assert not missing, f"acknowledged staff lost: {sorted(missing)[:5]}"
        rows = harness.sqlite(db, "SELECT id || ',' || request_id || ',' || count FROM use_record")
        stored = {}
        for row in rows:
            uid, rid, count = row.split(",")
            assert uid not in stored, f"use {uid} stored twice"
            stored[uid] = (rid, int(count))
        for uid, expected in self.uses.items():
            assert stored.get(uid) == expected, f"acknowledged use {uid} {expected} is {stored.get(uid)}"
        # Never overdrawn: a request's uses add up to no more than it was approved for.
        over = harness.sqlite(db, "SELECT r.id FROM use_request r JOIN use_record u ON u.request_id = r.id "
                                  "GROUP BY r.id HAVING SUM(u.count) > MAX(COALESCE(r.approved_count, r.count))")
        assert not over, f"requests overdrawn: {over}"
        # Each use and each staff member is journaled once.
        doubled = harness.sqlite(db, "SELECT k FROM (SELECT kind || ' ' || CASE kind WHEN 'use.recorded' "
                                     "THEN json_extract(entry, '$.payload.use') ELSE subject END AS k FROM journal "
                                     "WHERE kind IN ('use.recorded', 'staff.added')) GROUP BY k HAVING COUNT(*) > 1")
        journaled = int(harness.sqlite(db, "SELECT COUNT(*) FROM journal WHERE kind = 'use.recorded'")[0])
        assert journaled == len(stored), f"{journaled} uses journaled, {len(stored)} in the book"
        assert not doubled, f"journaled twice: {doubled[:5]}"
        assert harness.sqlite(db, "PRAGMA integrity_check") == ["ok"]


def client(d, ledger, seal, n, stop):
    """Writes until the daemon dies: alternately a new staff member and a use of 1–3 on its own approved request."""
    try:
        conn = d.connect(timeout=10)
        request, left = None, 0
        i = 0
        while not stop.is_set():
            i += 1
            if i % 2:
                sid = f"K{n:02d}{random.getrandbits(40):010x}"
                a = harness.call(conn, "POST", "/v1/staff", {"id": sid, "name": "压测", "roles": ["clerk"]})
                if a.status == 201:
                    with ledger.lock:
                        ledger.staff.add(sid)
                else:
                    assert a.status == 503, a
            else:
                if left == 0:
                    request = harness.approved_request(conn, seal, 50, f"CASE-{n}-{random.getrandbits(32):08x}")
                    left = 50
                count = min(left, random.randint(1, 3))
                a = harness.call(conn, "POST", "/v1/uses", {"request": request, "count": count}, as_staff="S001")
                if a.status == 201:
                    left -= count
                    with ledger.lock:
                        ledger.uses[a.json["id"]] = (request, count)
                else:
                    assert a.status == 503, a
    except (OSError, harness.http.client.HTTPException):
        pass  # the daemon was killed under us: whatever was not answered was not acknowledged


def run(cycles, log=print):
    d = harness.Daemon("crash")
    ledger = Ledger()
    started = time.monotonic()
    try:
        d.start()
        seal = harness.setup_register(d)[0]
        for cycle in range(1, cycles + 1):
            if cycle > 1:
                d.start()
            status = d.checked_status()
            assert status["journal"]["integrity"] == "verified", status["journal"]
            assert status["journal"]["entries"] == status["journal"]["checkpoint_size"], status["journal"]
            ledger.check(d)
            stop = threading.Event()
            threads = [threading.Thread(target=client, args=(d, ledger, seal, n, stop)) for n in range(CLIENTS)]
            for t in threads:
                t.start()
            time.sleep(random.uniform(0.2, 1.2))
            d.kill()
            stop.set()
            for t in threads:
                t.join(timeout=30)
            if cycle % 10 == 0 or cycle == cycles:
                log(f"cycle {cycle}: {len(ledger.staff)} staff and {len(ledger.uses)} uses acknowledged so far, "
                    f"journal {status['journal']['entries']} entries, all present once, verified")
        d.start()
        status = d.checked_status()
        assert status["journal"]["integrity"] == "verified", status["journal"]
        ledger.check(d)
        d.stop()
        return {"cycles": cycles, "staff": len(ledger.staff), "uses": len(ledger.uses),
                "entries": status["journal"]["entries"], "seconds": round(time.monotonic() - started, 1)}
    except Exception:
        print(d.log[-4000:], file=sys.stderr)
        raise
    finally:
        d.cleanup()


if __name__ == "__main__":
    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    print(f"crash run: {result['cycles']} SIGKILL cycles survived, {result['staff']} staff and {result['uses']} uses "
          f"acknowledged and all present exactly once, journal {result['entries']} entries verified, "
          f"integrity_check ok, {result['seconds']} s")
