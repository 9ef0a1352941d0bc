"""Concurrent clients never wedge the daemon (no blocking call on Swift concurrency's threads)."""
import random
import threading
import time

import harness

READ_ROUTES = [
    "/v1/status", "/v1/whoami", "/v1/staff", "/v1/staff/S001", "/v1/matters", "/v1/matters/XK-001", "/v1/seals",
    "/v1/seals/{seal}", "/v1/seals/{seal}/custody", "/v1/custody", "/v1/delegations", "/v1/delegations/DLG-0001",
    "/v1/events?since=0", "/v1/book/checkpoint", "/v1/book/key", "/v1/book/proof?index=1", "/v1/requests",
    "/v1/uses", "/v1/book?format=csv", "/v1/book?format=bundle", "/v1/reports/stats", "/v1/reports/anomalies",
    "/v1/cards", "/metrics",
]


def test_32_concurrent_status_calls_do_not_wedge_the_daemon(daemon):
    """The wedge once seen: 32 simultaneous GET /v1/status froze every route for good."""
    answers = []
    def one():
        answers.append(daemon.call("GET", "/v1/status", timeout=10).status)
    threads = [threading.Thread(target=one) for _ in range(32)]
    for t in threads: t.start()
    for t in threads: t.join()
    assert answers == [200] * 32
    started = time.monotonic()
    assert daemon.call("GET", "/v1/status", timeout=1).status == 200
    assert time.monotonic() - started < 1


def test_64_keep_alive_clients_over_every_read_route_and_the_write_path(register):
    d, seal = register
    deadline = time.monotonic() + 12
    problems, counts = [], {"reads": 0, "writes": 0}
    lock = threading.Lock()

    def worker(n):
        conn = d.connect(timeout=20)
        request, left = None, 0
        try:
            route = None
            while time.monotonic() < deadline:
                route = "writes"
                if n % 4 == 0:  # a quarter of the clients write: registry changes and the use path
                    if left == 0:
                        request, left = harness.approved_request(conn, seal, 10, f"LOAD-{n}-{random.getrandbits(32):x}"), 10
                    a = harness.call(conn, "POST", "/v1/uses", {"request": request, "count": 1}, as_staff="S001")
                    left -= 1
                    b = harness.call(conn, "POST", "/v1/staff",
                                     {"id": f"L{n}{random.getrandbits(32):x}", "name": "负载", "roles": ["clerk"]})
                    ok = a.status == 201 and b.status == 201
                    kind = "writes"
                else:
                    route = random.choice(READ_ROUTES).format(seal=seal)
                    a = harness.call(conn, "GET", route)
                    ok = a.status == 200
                    kind = "reads"
                with lock:
                    counts[kind] += 1
                    if not ok:
                        problems.append(a)
        except Exception as error:  # a timeout here is the wedge
            with lock:
                problems.append(f"{route}: {error!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(64)]
    for t in threads: t.start()
    for t in threads: t.join()
    assert problems == [], problems[:5]
    assert counts["reads"] > 500 and counts["writes"] > 50, counts
    started = time.monotonic()
    assert d.call("GET", "/v1/status", timeout=1).status == 200
    assert time.monotonic() - started < 1
    print(f"64 clients, 12 s: {counts['reads']} reads and {counts['writes']} write pairs answered")
