"""HTTP over the daemon's Unix socket for the benchmark scripts (the standard library has no such connection)."""
import http.client, socket

class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost")
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)
