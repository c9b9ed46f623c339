# SPDX-License-Identifier: GPL-2.0
"""QEMU's QMP monitor over a unix socket, one command at a time: what
vmtest's hang dump, the host-side VM scripts (selftests/*/vmhost_*.sh)
and the benchmarks (tools/bench/) send to a running guest's QEMU."""

import json
import socket


class Qmp:
    """A QMP session, past the greeting and capabilities negotiation."""

    def __init__(self, path, timeout=None):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.file = self.sock.makefile('rw')
        self.file.readline()
        self.ask('qmp_capabilities')

    def ask(self, cmd, **arguments):
        """CMD's reply, {'return': ...} or {'error': ...}; the
        asynchronous events QEMU sends in between are skipped."""
        self.file.write(json.dumps({'execute': cmd, 'arguments': arguments}) + '\n')
        self.file.flush()
        while True:
            reply = json.loads(self.file.readline())
            if 'return' in reply or 'error' in reply:
                return reply

    def close(self):
        self.sock.close()
