#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Host side of tools/bench/balloon.sh.
#
#   balloon_rss.py follow LOG QMP_SOCK OUTDIR MEM_MB TAKE_MB
#       Follows the guest's log (LOG), samples the QEMU process's VmRSS every
#       100 ms into OUTDIR/rss.tsv, and answers the guest:
#         BENCH-START NAME BYTES  record QEMU's RSS, then send QMP balloon BYTES
#                                 (the phase's clock starts at the send)
#         BENCH-END NAME          record QEMU's RSS (the final drop)
#         BENCH-QMP BYTES         send QMP balloon BYTES (deflation)
#       and writes one JSON line per phase to OUTDIR/phases.jsonl.
#
#   balloon_rss.py report OUTDIR GUEST_LOG TAKE_MB [RST_OUT]
#       The table (plain and rst list-table) and the targets, PASS/FAIL.
#       Exits 1 if a target fails, 2 if there is nothing to report.

import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'vmtest'))
from qmp_client import Qmp  # noqa: E402

GIB_KB = 1 << 20
SAMPLE_S = 0.1
# "RSS has dropped by 1 GiB": by 1 GiB less this much.  The balloon takes
# exactly 1 GiB, but QEMU's own memory (TCG's code buffer, I/O buffers)
# grows by a few MiB meanwhile, so an exact 1 GiB drop is rarely seen.
SLACK_KB = 32 << 10
# The guest stops waiting for the balloon's target after this long (late()).
TIMEOUT_MS = 120000


def qemu_pid(sock_path):
    out = subprocess.run(['pgrep', '-f', sock_path], stdout=subprocess.PIPE,
                         text=True).stdout.split()
    for pid in out:
        try:
            with open(f'/proc/{pid}/comm') as f:
                if f.read().startswith('qemu'):
                    return int(pid)
        except OSError:
            pass
    return None


def rss_kb(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except (OSError, TypeError):
        pass
    return -1


def ram_rss_kb(pid, mem_kb):
    """Rss of QEMU's guest RAM mapping (the one mapping of at least
    mem_kb), from smaps: QEMU's RSS without its own memory."""
    try:
        size = None
        with open(f'/proc/{pid}/smaps') as f:
            for line in f:
                if line.startswith('Size:'):
                    size = int(line.split()[1])
                elif line.startswith('Rss:') and size is not None and size >= mem_kb:
                    return int(line.split()[1])
    except (OSError, TypeError):
        pass
    return -1


class Sampler(threading.Thread):
    def __init__(self, sock_path, path):
        super().__init__(daemon=True)
        self.sock_path, self.path = sock_path, path
        self.samples = []  # (monotonic s, rss kB)
        self.lock = threading.Lock()
        self.pid = None
        self.stop = False

    def now(self):
        """A fresh sample, also recorded."""
        if self.pid is None:
            self.pid = qemu_pid(self.sock_path)
        s = (time.monotonic(), rss_kb(self.pid))
        with self.lock:
            self.samples.append(s)
        return s

    def window(self, t0, t1):
        with self.lock:
            return [s for s in self.samples if t0 <= s[0] <= t1]

    def run(self):
        with open(self.path, 'w') as out:
            while not self.stop:
                t, r = self.now()
                if r >= 0:
                    out.write(f'{t:.3f}\t{r}\n')
                    out.flush()
                time.sleep(SAMPLE_S)


def follow(log, sock_path, outdir, mem_mb, take_mb):
    deadline = time.time() + 7200
    sampler = Sampler(sock_path, os.path.join(outdir, 'rss.tsv'))
    qmp = None

    while not os.path.exists(log) and time.time() < deadline:
        time.sleep(0.2)
    cur = {}
    with open(log, errors='replace') as f, \
            open(os.path.join(outdir, 'phases.jsonl'), 'w') as res:
        part = ''
        while time.time() < deadline:
            part += f.readline()
            if not part.endswith('\n'):
                time.sleep(0.02)
                continue
            line, part = part.strip(), ''
            if line.startswith('BENCH-DONE') or line.startswith('VMTEST DONE'):
                break
            w = line.split()
            if not w or not w[0].startswith('BENCH-'):
                continue
            if qmp is None and w[0] in ('BENCH-START', 'BENCH-QMP'):
                qmp = Qmp(sock_path)
                sampler.start()
            if w[0] == 'BENCH-START':
                _, rss0 = sampler.now()
                t0 = time.monotonic()
                r = qmp.ask('balloon', value=int(w[2]))
                cur = {'name': w[1], 't0': t0, 'rss0_kb': rss0,
                       'ram0_kb': ram_rss_kb(sampler.pid, mem_mb << 10)}
                print('qmp balloon', w[1], w[2], r, file=sys.stderr)
            elif w[0] == 'BENCH-END' and cur.get('name') == w[1]:
                t1, rss1 = sampler.now()
                want = cur['rss0_kb'] - GIB_KB + SLACK_KB
                t_gib = None
                rmin = cur['rss0_kb']
                for t, r in sampler.window(cur['t0'], t1):
                    if r < 0:
                        continue
                    rmin = min(rmin, r)
                    if t_gib is None and r <= want:
                        t_gib = t - cur['t0']
                cur['ram1_kb'] = ram_rss_kb(sampler.pid, mem_mb << 10)
                # how much of the guest's RAM the host does not hold at the end
                cur['ram_out_kb'] = (mem_mb << 10) - cur['ram1_kb']
                cur.update(t1=t1, rss1_kb=rss1, min_kb=rmin,
                           ram_drop_kb=cur['ram0_kb'] - cur['ram1_kb'],
                           drop_kb=cur['rss0_kb'] - rss1,
                           t_gib_s=t_gib, phase_s=t1 - cur['t0'])
                del cur['t0'], cur['t1']
                res.write(json.dumps(cur) + '\n')
                res.flush()
                cur = {}
            elif w[0] == 'BENCH-QMP':
                r = qmp.ask('balloon', value=int(w[1]))
                print('qmp balloon', w[1], r, file=sys.stderr)
    sampler.stop = True


def parse_result(line):
    """BENCH-RESULT NAME k=v ... [workload: passes N majflt N ...]"""
    w = line.split()
    d, i = {}, 2
    while i < len(w):
        if '=' in w[i]:
            k, v = w[i].split('=', 1)
            d[k] = v
            i += 1
        elif i + 1 < len(w):
            d[w[i]] = w[i + 1]
            i += 2
        else:
            i += 1
    return w[1], d


ROWS = [  # (phase name in the guest, label, workload?)
    ('virtio-idle', 'virtio_balloon, idle', False),
    ('noguard-idle', 'vmlab guard=0, idle', False),
    ('guard-idle', 'vmlab guard=1, idle', False),
    ('virtio', 'virtio_balloon, workload', True),
    ('noguard', 'vmlab guard=0, workload', True),
    ('guard', 'vmlab guard=1, workload', True),
]


def report(outdir, guest_log, take_mb, rst_out=None):
    phases = {}
    try:
        with open(os.path.join(outdir, 'phases.jsonl')) as f:
            for line in f:
                p = json.loads(line)
                phases.setdefault(p['name'], []).append(p)
    except OSError:
        pass
    guest = {}
    try:
        with open(guest_log, errors='replace') as f:
            for line in f:
                if line.startswith('BENCH-RESULT '):
                    n, d = parse_result(line)
                    guest.setdefault(n, []).append(d)
    except OSError:
        pass
    if not phases:
        print('no phase measured')
        return 2

    def mean(xs):
        xs = [x for x in xs if x is not None]
        return sum(xs) / len(xs) if xs else None

    rows = {}
    for name, label, wl in ROWS:
        ps, gs = phases.get(name, []), guest.get(name, [])
        if not ps:
            continue
        tg = [p['t_gib_s'] for p in ps]
        r = {
            'label': label, 'rounds': len(ps), 'wl': wl,
            't_gib': None if None in tg else mean(tg),
            't_gib_all': tg,
            'drop': mean([p['drop_kb'] / GIB_KB for p in ps]),
            'drop_min': min(p['drop_kb'] / GIB_KB for p in ps),
            'ram_out': mean([p['ram_out_kb'] / GIB_KB for p in ps if 'ram_out_kb' in p]),
            'ram_drop': mean([p['ram_drop_kb'] / GIB_KB for p in ps if 'ram_drop_kb' in p]),
            'rss0': mean([p['rss0_kb'] / GIB_KB for p in ps]),
            'guest_s': mean([int(g['ms']) / 1000 for g in gs if 'ms' in g]),
            # the guest gives up waiting after TIMEOUT_MS
            'reached': sum(1 for g in gs if int(g.get('ms', TIMEOUT_MS)) < TIMEOUT_MS),
            'kills': sum(int(g.get('kills', 0)) for g in gs),
            'majflt': sum(int(g['majflt']) for g in gs) if wl and gs and
            all('majflt' in g for g in gs) else None,
            'p99': max(int(g['p99_us']) for g in gs) if wl and gs and
            all('p99_us' in g for g in gs) else None,
            'evic': sum(int(g['hot_evicted']) for g in gs) if wl and gs and
            all('hot_evicted' in g for g in gs) else None,
        }
        rows[name] = r
    for name, r in rows.items():
        base = rows.get('virtio' if r['wl'] else 'virtio-idle')
        r['speed_x'] = (base['t_gib'] / r['t_gib']) if base and base['t_gib'] \
            and r['t_gib'] else None
        r['majflt_x'] = (r['majflt'] / base['majflt']) if base and r['majflt'] \
            is not None and base['majflt'] else None

    def fmt(v, f='%.2f'):
        return '-' if v is None else f % v

    hdr = ['balloon', 'rounds', 'RSS before (GiB)', 'RSS -1 GiB (s)',
           'speed vs virtio', 'RSS drop (GiB)', 'RAM map drop (GiB)', 'guest inflate (s)',
           'hot-set majflt', 'hot evicted', 'p99 (us)', 'majflt vs virtio',
           'OOM kills']
    table = []
    for name, _, _ in ROWS:
        if name not in rows:
            continue
        r = rows[name]
        tg = fmt(r['t_gib']) if r['t_gib'] is not None else \
            'never' if all(t is None for t in r['t_gib_all']) else \
            'not every round'
        table.append([r['label'], str(r['rounds']), fmt(r['rss0']), tg,
                      fmt(r['speed_x']),
                      fmt(r['drop'], '%.3f') + ('' if r['rounds'] < 2 else
                                                ' (min %.3f)' % r['drop_min']),
                      fmt(r['ram_drop'], '%.3f'),
                      fmt(r['guest_s']) + ('' if r['reached'] == r['rounds'] else
                                           ' (target missed %d/%d)' % (r['rounds'] - r['reached'], r['rounds'])),
                      fmt(r['majflt'], '%d'),
                      fmt(r['evic'], '%d'), fmt(r['p99'], '%d'),
                      fmt(r['majflt_x'], '%.3f'), str(r['kills'])])

    widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(hdr)]
    print('  '.join(h.ljust(w) for h, w in zip(hdr, widths)))
    for t in table:
        print('  '.join(c.ljust(w) for c, w in zip(t, widths)))

    # The targets.
    # (verdict, text, counted): the anchor's own figure is printed with a
    # verdict, but vmlab_balloon's exit status cannot depend on it.
    checks = []
    for who, counted in (('vmlab', True), ('virtio_balloon', False)):
        drv = [r for r in rows.values() if r['label'].startswith(who)]
        if not drv:
            continue
        ok = all(r['drop_min'] >= 0.95 for r in drv)
        short = ', '.join('%s %.3f' % (r['label'], r['drop_min']) for r in drv
                          if r['drop_min'] < 0.95)
        checks.append((ok, '%s returns >= 0.95 GiB to the host in every round (least RSS drop '
                       '%.3f GiB%s)%s' % (who, min(r['drop_min'] for r in drv),
                                          '; short: ' + short if short else '',
                                          '' if counted else ' [the anchor: not counted]'),
                       counted))
    base = rows.get('virtio-idle')
    for n in ('noguard-idle', 'guard-idle'):
        r = rows.get(n)
        if base and r:
            ok = r['speed_x'] is not None and r['speed_x'] >= 1.0
            checks.append((ok, 'idle: %s at least as fast as virtio_balloon to RSS -1 GiB '
                           '(%s s vs %s s, ratio %s)' % (r['label'].split(',')[0],
                                                         fmt(r['t_gib']), fmt(base['t_gib']),
                                                         fmt(r['speed_x'])), True))
    g, v = rows.get('guard'), rows.get('virtio')
    if g and v:
        ok = g['majflt'] is not None and v['majflt'] is not None and \
            g['majflt'] <= 0.1 * v['majflt'] and g['reached'] == g['rounds']
        checks.append((ok, 'workload, guard=1: hot-set major faults <= 0.1x virtio_balloon\'s '
                       '(%s vs %s, ratio %s%s)' % (
                           fmt(g['majflt'], '%d'), fmt(v['majflt'], '%d'),
                           fmt(g['majflt_x'], '%.3f'),
                           '' if g['reached'] == g['rounds'] else
                           '; but the guard missed the 1 GiB target in %d of %d rounds'
                           % (g['rounds'] - g['reached'], g['rounds'])), True))
    kills = sum(r['kills'] for r in drv)
    checks.append((kills == 0, 'no OOM kill (%d)' % (kills), True))
    print()
    for ok, what, _ in checks:
        print('%s  %s' % ('PASS' if ok else 'FAIL', what))

    if rst_out:
        with open(rst_out, 'w') as f:
            f.write('.. list-table::\n   :header-rows: 1\n\n')
            for t in [hdr] + table:
                f.write('   * - %s\n' % t[0])
                for c in t[1:]:
                    f.write('     - %s\n' % c)
            f.write('\n')
            for ok, what, _ in checks:
                f.write('* %s: %s\n' % ('PASS' if ok else 'FAIL', what))
    return 0 if all(ok for ok, _, counted in checks if counted) else 1


if __name__ == '__main__':
    if sys.argv[1] == 'follow':
        follow(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    elif sys.argv[1] == 'report':
        sys.exit(report(sys.argv[2], sys.argv[3], int(sys.argv[4]),
                        sys.argv[5] if len(sys.argv) > 5 else None))
    else:
        sys.exit('usage: balloon_rss.py follow|report ...')
