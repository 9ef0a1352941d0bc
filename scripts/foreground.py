#!/usr/bin/env python3
"""Runs a command in its own process group in the terminal's foreground, so Ctrl-C reaches the command and not
make: `make run` then ends with the daemon's own exit status (0 after SIGINT) instead of make's "Interrupt" (130)."""
import os
import signal
import sys

signal.signal(signal.SIGTTOU, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    os.setpgid(0, 0)
    try:
        os.tcsetpgrp(0, os.getpgrp())
    except OSError:
        pass  # no terminal: nothing to hand over
    signal.signal(signal.SIGTTOU, signal.SIG_DFL)
    os.execvp(sys.argv[1], sys.argv[1:])
try:
    os.setpgid(pid, pid)
except OSError:
    pass
_, status = os.waitpid(pid, 0)
try:
    os.tcsetpgrp(0, os.getpgrp())
except OSError:
    pass
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
