"""The real sealkeeperd for the reliability suite: a temporary state directory and socket, READY=1 awaited on a
notify socket the harness owns (as systemd would), and HTTP/JSON over the Unix socket.

Shared by the pytest suite (Tests/reliability/test_*.py) and the long crash run (crash_run.py)."""
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("SEALKEEPER_BIN", os.path.join(ROOT, ".build", "debug"))
SEALKEEPERD = os.path.join(BIN, "sealkeeperd")
SEALCTL = os.path.join(BIN, "sealctl")

ALL_ROLES = """
[access]
admin = ["uid:0"]
clerk = ["uid:0"]
approver = ["uid:0"]
inspector = ["uid:0"]
trusted_tools = ["uid:0"]
"""


class UnixConnection(http.client.HTTPConnection):
    """HTTP/1.1 over a Unix socket, keep-alive like any other HTTPConnection."""

    def __init__(self, path, timeout=30):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


class Answer:
    def __init__(self, status, body, headers):
        self.status = status
        self.body = body
        self.headers = headers

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def code(self):
        try:
            return self.json["error"]["code"]
        except Exception:
            return None

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


def call(conn, method, path, body=None, as_staff=None, headers=None):
    """One request on `conn` (a UnixConnection); the answer read to the end."""
    h = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode() if not isinstance(body, (bytes, str)) else body
        h.setdefault("Content-Type", "application/json")
    if as_staff:
        h["Sealkeeper-On-Behalf-Of"] = as_staff
    conn.request(method, path, data, h)
    r = conn.getresponse()
    return Answer(r.status, r.read(), dict(r.getheaders()))


class Daemon:
    """One sealkeeperd. `extra` is added to the config's [daemon] section; `wrapper` prefixes the command (fiu-run)."""

    def __init__(self, name="rel", extra="", access=ALL_ROLES, state_dir=None, directory=None, sections=""):
        self.dir = directory or tempfile.mkdtemp(prefix=f"sk-{name}-")
        os.chmod(self.dir, 0o755)
        self.socket = os.path.join(self.dir, "sealkeeper.sock")
        self.state = state_dir or os.path.join(self.dir, "state")
        self.config = os.path.join(self.dir, "sealkeeper.toml")
        self.log_path = os.path.join(self.dir, "daemon.log")
        with open(self.config, "w") as f:
            f.write(f'[daemon]\nsocket = "{self.socket}"\nsocket_mode = "0666"\nstate_directory = "{self.state}"\n'
                    f"{extra}\n{access}\n{sections}\n")
        self.proc = None

    def start(self, wrapper=(), env=None, timeout=60):
        notify_path = os.path.join(self.dir, "notify.sock")
        if os.path.exists(notify_path):
            os.unlink(notify_path)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(notify_path)
        notify.settimeout(1)
        environment = {"PATH": "/usr/bin:/bin", "NOTIFY_SOCKET": notify_path}
        environment.update(env or {})
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(list(wrapper) + [SEALKEEPERD, "--config", self.config],
                                     stdout=log, stderr=subprocess.STDOUT, env=environment,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                try:
                    message = notify.recv(4096).decode()
                except socket.timeout:
                    if self.proc.poll() is not None:
                        raise RuntimeError(f"sealkeeperd exited {self.proc.returncode}:\n{self.log}")
                    continue
                if "READY=1" in message.split("\n"):
                    return self
            raise RuntimeError(f"sealkeeperd not ready after {timeout}s:\n{self.log}")
        finally:
            notify.close()

    @property
    def pid(self):
        return self.proc.pid

    @property
    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def connect(self, timeout=30):
        return UnixConnection(self.socket, timeout=timeout)

    def call(self, method, path, body=None, as_staff=None, timeout=30, headers=None):
        conn = self.connect(timeout)
        try:
            return call(conn, method, path, body, as_staff, headers)
        finally:
            conn.close()

    def checked_status(self, timeout=30):
        """`status` once the start-up check has ended: the daemon serves reads at once and checks the journal and
        tables meanwhile (integrity `verifying`), so what a restart found is read after that."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.call("GET", "/v1/status").json
            if status["journal"]["integrity"] != "verifying" or time.monotonic() > deadline:
                return status
            time.sleep(0.02)

    def sealctl(self, *args, stdin=None, user=None):
        cmd = [SEALCTL, "--socket", self.socket, *args]
        if user is not None:
            cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
        return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        return self.proc.returncode if self.proc else None

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def setup_register(d, seals=1, count_limit=50):
    """Staff (S001 admin+custodian, S002 approver, S003 clerk), the example catalogue, `seals` active physical seals
    under one delegation covering XK-001. Returns the seal ids."""
    for sid, name, roles in (("S001", "张三", ["admin", "clerk"]), ("S002", "李四", ["approver"]),
                             ("S003", "王五", ["clerk"])):
        a = d.call("POST", "/v1/staff", {"id": sid, "name": name, "roles": roles})
        assert a.status == 201, a
    r = d.sealctl("matter", "import", os.path.join(ROOT, "Config", "examples", "matters.csv"))
    assert r.returncode == 0, r.stderr
    ids = []
    for i in range(seals):
        a = d.call("POST", "/v1/seals", {"name": f"XX镇人民政府行政审批委托专用章{i}", "kind": "delegated-approval",
                                         "medium": "physical", "owner": "县行政审批服务局", "holder": "XX镇人民政府",
                                         "custodian": "S001"})
        assert a.status == 201, a
        sid = a.json["id"]
        assert d.call("POST", f"/v1/seals/{sid}/activate").status == 200
        ids.append(sid)
    a = d.call("POST", "/v1/delegations", {
        "agreement_number": "委托协议2026-01", "delegating_department": "县行政审批服务局", "township": "XX镇",
        "supervising_department": "县司法局", "valid_from": "2020-01-01", "valid_to": "2099-12-31",
        "seals": ids, "matters": [{"code": "XK-001", "method": "handling"}]})
    assert a.status == 201, a
    return ids


def approved_request(conn, seal, count, case):
    """A request by S003 approved by S002 for `count` impressions; returns its id."""
    a = call(conn, "POST", "/v1/requests", {"seal": seal, "matter": "XK-001", "case_number": case,
                                            "purpose": "decision", "reason": "个体工商户设立登记决定书",
                                            "count": count}, as_staff="S003")
    assert a.status == 201, a
    rid = a.json["id"]
    a = call(conn, "POST", f"/v1/requests/{rid}/approve", {}, as_staff="S002")
    assert a.status == 200, a
    return rid


def sqlite(db, sql):
    """Runs `sql` with the sqlite3 shell (read-only) and returns its output lines."""
    r = subprocess.run(["sqlite3", "-readonly", db, sql], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()
