"""Hostile local peers: identity only from SO_PEERCRED as it was at connect time, bounded idle connections, oversize
headers and bodies, and a socket never reachable with wider permissions than configured."""
import array
import grp
import os
import socket
import stat
import threading
import time


import harness

NOBODY = 65534
GAMES = grp.getgrnam("games").gr_gid


def raw_request(sock, path="/v1/whoami", extra=b""):
    sock.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\n" + extra + b"\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/1.1 ") else 0
    return status, body


def in_child(uid, gid, body):
    """Runs `body` in a forked child after dropping to uid/gid; returns what it wrote to the pipe."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            os.write(w, body())
        finally:
            os._exit(0)
    os.close(w)
    out = b""
    while chunk := os.read(r, 65536):
        out += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return out


def test_a_socket_path_that_looks_like_credentials_grants_nothing():
    directory = os.path.join("/tmp", f"sk-hostile-;uid=0;gid=0;roles=admin;-{os.getpid()}")
    os.makedirs(directory, mode=0o755)
    d = harness.Daemon("hostile", directory=directory)
    try:
        d.start()
        r = d.sealctl("whoami", "--json", user=NOBODY)
        assert r.returncode == 1 and "error: forbidden: uid 65534" in r.stderr, (r.returncode, r.stderr)
        r = d.sealctl("--json", "whoami")
        assert '"uid":0' in r.stdout.replace(" ", ""), r.stdout
    finally:
        d.cleanup()


def test_credentials_at_connect_time_rule_after_a_privilege_drop_or_a_passed_descriptor(daemon):
    # Connected as root, then the process drops to nobody: still root to the daemon (and nothing nobody can forge).
    def connect_then_drop():
        s = socket.socket(socket.AF_UNIX)
        s.connect(daemon.socket)
        os.setuid(NOBODY)
        return raw_request(s)[1]
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.write(w, connect_then_drop())
        finally:
            os._exit(0)
    os.close(w)
    body = os.read(r, 65536)
    os.waitpid(pid, 0)
    assert b'"uid":0' in body, body

    # Connected by nobody, the descriptor passed to root over SCM_RIGHTS: still nobody, refused.
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            s = socket.socket(socket.AF_UNIX)
            s.connect(daemon.socket)
            child.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [s.fileno()]))])
        finally:
            os._exit(0)
    msg, ancillary, _, _ = parent.recvmsg(1, socket.CMSG_LEN(4))
    os.waitpid(pid, 0)
    fd = array.array("i", ancillary[0][2])[0]
    passed = socket.socket(fileno=fd)
    status, body = raw_request(passed)
    assert status == 403 and b"uid 65534" in body, (status, body)


def test_each_connection_keeps_its_own_credentials_as_connections_come_and_go(daemon):
    # The daemon asks the kernel once per connection: a connection's every request is its peer's, and a new
    # connection (perhaps where a closed one was) is asked afresh. Root and nobody take turns, many times over.
    for _ in range(25):
        s = _connected(daemon.socket)
        for _ in range(3):
            status, body = raw_request(s)
            assert status == 200 and b'"uid":0' in body, (status, body)
        s.close()
        out = in_child(NOBODY, NOBODY, lambda: b"%d " % raw_request(_connected(daemon.socket))[0] + raw_request(_connected(daemon.socket))[1])
        assert out.startswith(b"403 ") and b"uid 65534" in out, out


def test_a_caller_matched_only_through_its_group_gets_that_role_and_no_other():
    d = harness.Daemon("group", access=f'[access]\nadmin = ["uid:0"]\ninspector = ["group:games"]\nclerk = ["gid:{GAMES}"]\n')
    try:
        d.start()
        body = in_child(NOBODY, GAMES, lambda: raw_request(_connected(d.socket))[1])
        assert b'"roles":["clerk","inspector"]' in body, body
        body = in_child(NOBODY, NOBODY, lambda: raw_request(_connected(d.socket))[1])
        assert b'"code":"forbidden"' in body, body
    finally:
        d.cleanup()


def _connected(path):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    return s


def test_a_flood_of_idle_connections_is_bounded_and_others_are_still_served():
    d = harness.Daemon("flood", extra="max_connections = 64\nmax_connections_per_user = 16",
                       access='[access]\nadmin = ["uid:0"]\ninspector = ["uid:65534"]\n')
    idle = []
    try:
        d.start()
        refused = 0
        for _ in range(200):  # uid 0 opens 200 connections and sends nothing
            s = _connected(d.socket)
            s.settimeout(0.2)
            try:
                body = b""
                while chunk := s.recv(4096):  # answered once, then closed
                    body += chunk
            except socket.timeout:
                idle.append(s)
                continue
            if body.startswith(b"HTTP/1.1 503") and b"too-many-connections" in body:
                refused += 1
            s.close()
        assert len(idle) == 16 and refused == 184, (len(idle), refused)
        # Another user is served at once, and so is this one's answer on its idle connections.
        started = time.monotonic()
        body = in_child(NOBODY, NOBODY, lambda: raw_request(_connected(d.socket))[1])
        assert b'"uid":65534' in body and time.monotonic() - started < 1, body
        status, body = raw_request(idle[0])
        assert status == 200 and b'"uid":0' in body
        for s in idle:
            s.close()
        idle.clear()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:  # the closed connections are released
            if d.call("GET", "/v1/whoami").status == 200:
                break
            time.sleep(0.05)
        assert d.call("GET", "/v1/whoami").status == 200
        assert "connection refused" in d.log
    finally:
        for s in idle:
            s.close()
        d.cleanup()


def test_oversize_headers_and_bodies_are_refused_and_the_daemon_keeps_serving(daemon):
    s = _connected(daemon.socket)
    status, _ = raw_request(s, extra=b"X-Junk: " + b"a" * 100_000 + b"\r\n")
    assert status == 400
    s = _connected(daemon.socket)
    status, _ = raw_request(s, extra=b"".join(b"X-H%d: v\r\n" % i for i in range(500)))
    assert status == 400
    a = daemon.call("POST", "/v1/staff", b"{" + b" " * (2 << 20) + b"}")
    assert (a.status, a.code) == (413, "payload-too-large"), a
    # Chunked, no length declared: cut off at the same limit.
    s = _connected(daemon.socket)
    s.sendall(b"POST /v1/staff HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"{" + b" " * 65534
    try:
        for _ in range(40):
            s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            chunk = b" " * 65535
        s.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the daemon may close first
    body = s.recv(65536)
    assert body.startswith(b"HTTP/1.1 413"), body[:200]
    assert daemon.call("GET", "/v1/status").status == 200


def test_the_socket_is_never_reachable_with_wider_permissions_than_configured():
    d = harness.Daemon("mode")
    with open(d.config) as f:
        config = f.read().replace('socket_mode = "0666"', 'socket_mode = "0660"\nsocket_group = "games"')
    with open(d.config, "w") as f:
        f.write(config)
    seen = set()
    stop = threading.Event()
    def watch():
        while not stop.is_set():
            try:
                st = os.lstat(d.socket)
                seen.add((stat.S_IMODE(st.st_mode), st.st_gid))
            except FileNotFoundError:
                pass
    t = threading.Thread(target=watch)
    t.start()
    try:
        d.start()
        time.sleep(0.1)
    finally:
        stop.set()
        t.join()
    try:
        st = os.lstat(d.socket)
        assert (stat.S_IMODE(st.st_mode), st.st_gid) == (0o660, GAMES)
        # Only the configured mode, or narrower while it is being set up (bound under umask 0177 → 0600).
        assert seen and all(mode & ~0o660 == 0 for mode, _ in seen), seen
        assert all(mode & 0o060 == 0 or gid == GAMES for mode, gid in seen), seen
    finally:
        d.cleanup()
