"""Operators: an online backup under write load that checks and restores, and Prometheus metrics."""
import os
import re
import shutil
import socket
import subprocess
import threading
import urllib.request

import pytest

import harness


def test_backup_under_write_load_is_checked_and_restores_to_a_verified_register(register):
    d, seal = register
    stop = threading.Event()
    written = []

    def writer(n):
        conn = d.connect()
        i = 0
        while not stop.is_set():
            i += 1
            a = harness.call(conn, "POST", "/v1/staff", {"id": f"B{n}-{i}", "name": "备份", "roles": ["clerk"]})
            assert a.status == 201, a
            written.append(a)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads: t.start()
    try:
        out = os.path.join(d.dir, "backup.sqlite")
        r = d.sealctl("--json", "backup", "--out", out)
        r2 = d.sealctl("backup", "--out", out + "2")
    finally:
        stop.set()
        for t in threads: t.join()
    assert r.returncode == 0, r.stderr
    assert r2.returncode == 0 and "checked: integrity ok" in r2.stdout and "match the signed checkpoint" in r2.stdout, r2
    report = harness.json.loads(r.stdout)
    assert report["integrity"] == "ok" and report["journal"] == "verified"
    assert not os.path.exists(out + ".part")
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    assert subprocess.run(["sha256sum", out], capture_output=True, text=True).stdout.split()[0] == report["sha256"]
    assert harness.sqlite(out, "PRAGMA integrity_check") == ["ok"]
    entries = int(harness.sqlite(out, "SELECT MAX(seq) FROM journal")[0])
    assert entries == report["entries"] and entries > 20, (entries, report)
    assert harness.sqlite(out, "SELECT MAX(size) FROM checkpoint") == [str(entries)]
    assert len(written) > 0
    # Nothing is left behind in the state directory.
    assert not os.listdir(os.path.join(d.state, "backup-tmp"))

    # Restore as the README says: a new state directory with the copy and the register key.
    restored = harness.Daemon("restored")
    try:
        os.makedirs(restored.state, mode=0o700)
        shutil.copy(out, os.path.join(restored.state, "registry.sqlite"))
        shutil.copy(os.path.join(d.state, "register.key"), os.path.join(restored.state, "register.key"))
        restored.start()
        status = restored.checked_status()
        assert status["journal"]["integrity"] == "verified"
        assert status["journal"]["entries"] == entries
        assert status["journal"]["origin"] == report["origin"]
        assert restored.call("POST", "/v1/staff", {"id": "AFTER", "name": "恢复后", "roles": ["clerk"]}).status == 201
    finally:
        restored.cleanup()


def test_backup_is_for_admins_only(register):
    d, _ = register
    r = d.sealctl("--as", "S003", "backup", "--out", os.path.join(d.dir, "no.sqlite"))
    assert r.returncode == 1 and r.stderr.startswith("error: forbidden:"), r.stderr
    assert not os.path.exists(os.path.join(d.dir, "no.sqlite")) and not os.path.exists(os.path.join(d.dir, "no.sqlite.part"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def metric(text, name, labels=""):
    pattern = re.escape(name) + (r"\{[^}]*" + labels + r"[^}]*\}" if labels else r"(?:\{\})?") + r" ([0-9.e+]+)"
    m = re.search(r"^" + pattern + r"$", text, re.M)
    return float(m.group(1)) if m else None


def test_metrics_on_the_socket_and_on_a_loopback_scrape_port():
    port = free_port()
    d = harness.Daemon("metrics", sections=f'[metrics]\nlisten = "127.0.0.1:{port}"\n')
    try:
        d.start()
        seal = harness.setup_register(d)[0]
        conn = d.connect()
        request = harness.approved_request(conn, seal, 3, "MET-1")
        for _ in range(3):
            assert harness.call(conn, "POST", "/v1/uses", {"request": request, "count": 1}, as_staff="S001").status == 201
        assert d.call("GET", "/v1/seals/NOPE").status == 404
        text = d.call("GET", "/metrics").body.decode()
        entries = d.call("GET", "/v1/status").json["journal"]["entries"]
        assert metric(text, "sealkeeper_journal_entries") == entries
        assert metric(text, "sealkeeper_journal_batches_total") >= 8
        assert metric(text, "sealkeeper_journal_commit_seconds_count") == metric(text, "sealkeeper_journal_batches_total")
        assert metric(text, "sealkeeper_journal_batch_writes_sum") >= 10
        assert metric(text, "sealkeeper_storage_errors_total") == 0
        assert metric(text, "sealkeeper_connections_open") >= 1
        assert metric(text, "hb_requests", 'http_route="/v1/uses".*http_response_status_code="201"') == 3
        # The route pattern, never the raw path: a client cannot create series.
        assert metric(text, "hb_requests", 'http_route="/v1/seals/\\{id\\}".*status_code="404"') == 1
        assert "NOPE" not in text
        scraped = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
        assert "sealkeeper_journal_entries" in scraped
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/status", timeout=5)
        assert refused.value.code == 404
    finally:
        d.cleanup()


@pytest.mark.parametrize("listen", ["0.0.0.0:9464", "192.168.1.5:9464", "127.0.0.1", "127.0.0.1:99999"])
def test_metrics_listen_takes_only_a_loopback_address(listen):
    d = harness.Daemon("badmetrics", sections=f'[metrics]\nlisten = "{listen}"\n')
    try:
        r = subprocess.run([harness.SEALKEEPERD, "--config", d.config], capture_output=True, text=True, timeout=30)
        assert r.returncode == 78 and "metrics.listen" in r.stderr, (r.returncode, r.stderr)
    finally:
        d.cleanup()
