"""I/O faults: libfiu fails fdatasync and pwrite with EIO in the live daemon, and a real full filesystem (a small
tmpfs). Writes answer 503 storage-unavailable and are never acknowledged, reads go on, nothing is half-written;
when the fault clears, writes resume without a restart and the journal verifies."""
import os
import subprocess
import tempfile

import pytest

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
EIO = 5


@pytest.fixture(scope="module")
def pwrite64_shim():
    """libfiu 1.1 wraps pwrite() but SQLite calls pwrite64(): our shim adds it under libfiu's failure point."""
    out = os.path.join(tempfile.mkdtemp(prefix="sk-fiu-"), "fiu_pwrite64.so")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", out, os.path.join(HERE, "fiu_pwrite64.c"), "-lfiu", "-ldl"],
                   check=True)
    return out


class Faulty:
    """A daemon started under libfiu's preload libraries, controlled through fiu-ctrl's named pipes."""

    def __init__(self, shim):
        self.d = harness.Daemon("fiu")
        self.fifo = os.path.join(self.d.dir, "fiu-ctrl")
        self.d.start(env={
            "FIU_CTRL_FIFO": self.fifo,
            "LD_PRELOAD": f"/usr/lib/fiu/fiu_run_preload.so /usr/lib/fiu/fiu_posix_preload.so {shim}",
        })

    def fiu(self, command):
        subprocess.run(["fiu-ctrl", "-f", self.fifo, "-c", command, str(self.d.pid)], check=True, timeout=10)


def staff(d, sid, name="故障"):
    return d.call("POST", "/v1/staff", {"id": sid, "name": name, "roles": ["clerk"]})


def assert_refused_then_recovers(d, seal, failpoint, fiu):
    request = harness.approved_request(d.connect(), seal, 5, f"FIU-{failpoint}")
    before = d.call("GET", "/v1/status").json["journal"]["entries"]
    fiu(f"enable name={failpoint},failinfo={EIO}")
    try:
        for i in range(3):
            a = staff(d, f"F{i}-{failpoint[-6:]}")
            assert (a.status, a.code) == (503, "storage-unavailable"), a
        a = d.call("POST", "/v1/uses", {"request": request, "count": 1}, as_staff="S001")
        assert (a.status, a.code) == (503, "storage-unavailable"), a
        # Reads go on, and say what is wrong.
        status = d.call("GET", "/v1/status")
        assert status.status == 200
        assert status.json["database"]["writable"] == "storage-unavailable"
        assert status.json["journal"]["entries"] == before
        assert d.call("GET", "/v1/staff").status == 200
        assert d.call("GET", f"/v1/requests/{request}").json["remaining"] == 5
    finally:
        fiu(f"disable name={failpoint}")
    # No restart: the next write goes through on new connections.
    a = staff(d, f"OK-{failpoint[-6:]}")
    assert a.status == 201, a
    a = d.call("POST", "/v1/uses", {"request": request, "count": 1}, as_staff="S001")
    assert a.status == 201, a
    status = d.call("GET", "/v1/status").json
    assert status["database"]["writable"] == "ok"
    assert status["journal"]["entries"] == before + 2 and status["journal"]["checkpoint_size"] == before + 2
    # Nothing refused was written.
    for i in range(3):
        assert d.call("GET", f"/v1/staff/F{i}-{failpoint[-6:]}").status == 404
    assert d.call("GET", f"/v1/requests/{request}").json["remaining"] == 4


@pytest.mark.parametrize("failpoint", ["posix/io/sync/fdatasync", "posix/io/rw/pwrite"])
def test_eio_from_the_disk_refuses_writes_keeps_reads_and_recovers_without_restart(pwrite64_shim, failpoint):
    f = Faulty(pwrite64_shim)
    d = f.d
    try:
        seal = harness.setup_register(d)[0]
        assert_refused_then_recovers(d, seal, failpoint, f.fiu)
        # A restart verifies the whole journal; what was refused does not come back from the WAL.
        assert d.stop() == 0
        d.start()
        status = d.checked_status()
        assert status["journal"]["integrity"] == "verified"
        assert d.call("GET", f"/v1/staff/F0-{failpoint[-6:]}").status == 404
        db = os.path.join(d.state, "registry.sqlite")
        assert harness.sqlite(db, "PRAGMA integrity_check") == ["ok"]
        assert "storage works again" in d.log
    finally:
        d.cleanup()


@pytest.fixture
def small_filesystem():
    """A real 3 MiB tmpfs for the state directory (root only: mount)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    directory = tempfile.mkdtemp(prefix="sk-full-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs", directory], check=True)
    try:
        yield directory
    finally:
        subprocess.run(["umount", "-l", directory], check=False)
        os.rmdir(directory)


def test_a_full_filesystem_refuses_writes_keeps_reads_and_recovers_when_space_returns(small_filesystem):
    d = harness.Daemon("full", state_dir=os.path.join(small_filesystem, "state"))
    try:
        d.start()
        seal = harness.setup_register(d)[0]
        request = harness.approved_request(d.connect(), seal, 5, "FULL-1")
        filler = os.path.join(small_filesystem, "filler")
        with open(filler, "wb") as f:  # fill the filesystem to the last block
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        refused = 0
        for i in range(120):  # writes until SQLite needs a page it cannot have
            a = staff(d, f"FULL{i:03d}", name="满" * 100)  # the longest name allowed
            if a.status == 503:
                assert a.code == "storage-unavailable", a
                refused += 1
                break
            assert a.status == 201, a
        assert refused, "the filesystem never filled up"
        entries = d.call("GET", "/v1/status").json["journal"]["entries"]
        a = d.call("POST", "/v1/uses", {"request": request, "count": 1}, as_staff="S001")
        assert (a.status, a.code) == (503, "storage-unavailable"), a
        assert d.call("GET", "/v1/book?format=csv").status == 200
        assert d.call("GET", "/v1/status").json["journal"]["entries"] == entries
        os.unlink(filler)
        a = d.call("POST", "/v1/uses", {"request": request, "count": 1}, as_staff="S001")
        assert a.status == 201, a
        status = d.call("GET", "/v1/status").json
        assert status["journal"]["entries"] == entries + 1 == status["journal"]["checkpoint_size"]
        assert d.stop() == 0
        d.start()
        assert d.checked_status()["journal"]["integrity"] == "verified"
    finally:
        d.cleanup()
