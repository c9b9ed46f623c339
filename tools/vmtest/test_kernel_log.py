#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host test of how vmtest reads what the guest's kernel said: which lines
of a guest's kernel log fail a run (a WARN fails it; the kernel's own
allocation failure under the memory pressure a balloon test makes does
not; the same report with a vmlab frame in its backtrace does; a memcg
OOM kill in a vmlab test's own cgroup does not), how a
KUnit module's per-suite debugfs results become one KTAP document, and how
the kernel's kselftest runner's verdict on a program becomes its results.

    test_kernel_log.py
"""

import importlib.machinery
import importlib.util
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
_loader = importlib.machinery.SourceFileLoader('vmtest', os.path.join(HERE, 'vmtest'))
_spec = importlib.util.spec_from_loader('vmtest', _loader)
vmtest = importlib.util.module_from_spec(_spec)
_loader.exec_module(vmtest)

checks = []


def check(ok, what):
    checks.append(ok)
    print(f'{"ok" if ok else "not ok"} {len(checks)} {what}')


def alloc_failure(frame):
    """A warn_alloc() report as 7.2 prints it, with @frame in its trace."""
    return f'''[  179.052680] pressure_test: page allocation failure: order:0, mode:0xc0de0(GFP_KERNEL|__GFP_HIGH|__GFP_ZERO|__GFP_COMP|__GFP_NOMEMALLOC), nodemask=(null)
[  179.072030] CPU: 2 UID: 0 PID: 137 Comm: pressure_test Tainted: G           O        7.2.13 #1 PREEMPTLAZY
[  179.077358] Call Trace:
[  179.077597]  <TASK>
[  179.077793]  dump_stack_lvl+0x59/0x80
[  179.078658]  warn_alloc+0x169/0x1b0
[  179.080424]  {frame}
[  179.080562]  isolate_lock_cluster+0x332/0x3c0
[  179.106052]  </TASK>
[  179.150718] Mem-Info:
[  179.152006] active_anon:1759 inactive_anon:54711 isolated_anon:1040
[  179.194070] 458616 pages RAM
[  179.194287] 0 pages HighMem/MovableOnly
[  179.194478] 85774 pages reserved
[  179.194714] 0 pages hwpoisoned'''.split('\n')


WARN = '''[  200.000001] ------------[ cut here ]------------
[  200.000002] WARNING: CPU: 1 PID: 99 at mm/page_alloc.c:4000 something+0x1/0x2
[  200.000003] Call Trace:
[  200.000004]  <TASK>
[  200.000005]  something+0x1/0x2
[  200.000006]  </TASK>'''.split('\n')

ORPHAN_TRACE = '''[  300.000001] Call Trace:
[  300.000002]  <TASK>
[  300.000003]  schedule+0x1/0x2
[  300.000004]  </TASK>'''.split('\n')


def memcg_oom(memcg):
    """A memory cgroup's OOM-kill report as 7.2 prints it, in cgroup @memcg."""
    return f'''[  100.000001] device_test invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0
[  100.000002] CPU: 1 UID: 0 PID: 200 Comm: device_test Tainted: G           O        7.2.13 #1
[  100.000003] Call Trace:
[  100.000004]  <TASK>
[  100.000005]  dump_stack_lvl+0x59/0x80
[  100.000006]  dump_header+0x4a/0x220
[  100.000007]  oom_kill_process+0x10a/0x200
[  100.000008]  out_of_memory+0xfe/0x560
[  100.000009]  mem_cgroup_out_of_memory+0x134/0x150
[  100.000010]  try_charge_memcg+0x6a1/0x760
[  100.000011]  sp_fault+0x30/0x90 [vmlab_samepage]
[  100.000012]  </TASK>
[  100.000013] memory: usage 8192kB, limit 8192kB, failcnt 12
[  100.000015] Memory cgroup stats for {memcg}:
[  100.000017] Tasks state (memory values in pages):
[  100.000019] [    200]     0   200     9000     2100       10     2090         0    49152        0             0 device_test
[  100.000020] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg={memcg},task_memcg={memcg},task=device_test,pid=200,uid=0
[  100.000021] Memory cgroup out of memory: Killed process 200 (device_test) total-vm:36000kB, anon-rss:40kB, file-rss:8360kB, shmem-rss:0kB, UID:0 pgtables:48kB oom_score_adj:0'''.split('\n')


def kinds(lines):
    """The kinds of failure vmtest names for a kernel log of @lines."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'console.log')
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        return [t.name for t in vmtest.scan_kernel_log(path, '/nonexistent', d)]


def suite_doc(name, cases):
    """A suite's debugfs results file, as lib/kunit/debugfs.c prints it."""
    lines = ['KTAP version 1', '1..1', '    KTAP version 1', f'    # Subtest: {name}',
             f'    1..{len(cases)}']
    lines += [f'    {"ok" if ok else "not ok"} {i + 1} {c}' for i, (c, ok) in enumerate(cases)]
    bad = not all(ok for _, ok in cases)
    return lines + [f'{"not ok" if bad else "ok"} 1 {name}']


def test_kunit_merge():
    out = vmtest.kunit_ktap(['insmod: noise'] + suite_doc('a', [('x', True), ('y', True)])
                            + suite_doc('b', [('z', False)]))
    check(out[:2] == ['KTAP version 1', '1..2'] and 'ok 1 a' in out and 'not ok 2 b' in out
          and '    not ok 1 z' in out and out.count('KTAP version 1') == 1,
          'two suites\' debugfs results become tests 1 and 2 of one KTAP document')


def runner_output(program_lines, verdict):
    """run_kselftest.sh -t c:hang_test's output (6.1's runner, no perl)."""
    return (['TAP version 13', '1..1', '# selftests: c: hang_test']
            + ['# ' + ln for ln in program_lines] + [verdict])


HANG_TAP = ['TAP version 13', '1..2', '# Starting 2 tests from 1 test cases.',
            '#  RUN           global.passes ...', '#            OK  global.passes',
            'ok 1 global.passes', '#  RUN           global.blocks_forever ...']


def test_runner():
    done = HANG_TAP[:-1] + ['ok 2 global.blocks_forever', '# PASSED: 2 / 2 tests passed.']
    got = vmtest.suite_tests('c/t', *vmtest.unwrap_runner(
        runner_output(done, 'ok 1 selftests: c: hang_test'), 0, None))
    check(len(got) == 1 and got[0].status == vmtest.results.PASS,
          f'the runner\'s ok passes the program: {[(t.name, t.status) for t in got]}')
    got = vmtest.unwrap_runner(runner_output(
        done[:3] + ['ok 1 # SKIP no device'], 'ok 1 selftests: c: hang_test # SKIP'), 0, None)
    # (No program output in the description: a "#" there is a TAP directive.)
    check(got[1:] == (4, None) and got[0][-1] == 'ok 1 # SKIP no device',
          f'the runner\'s SKIP is exit status 4, the program\'s lines unprefixed: {got[1:]}')
    got = vmtest.unwrap_runner(runner_output(
        done, 'not ok 1 selftests: c: hang_test # exit=1'), 0, None)
    check(got[1:] == (1, None), f'exit=1 is exit status 1: {got[1:]}')
    # The runner prints a bare "#" before a timeout's verdict.
    out = vmtest.unwrap_runner(runner_output(HANG_TAP, '#') + [
        'not ok 1 selftests: c: hang_test # TIMEOUT 10 seconds'], 0, None)
    got = vmtest.suite_tests('c/hang_test', *out)
    check(out[1:] == (124, 10) and len(got) == 1 and got[0].status == vmtest.results.FAIL
          and got[0].text.endswith('in its 10 s time limit; killed in the guest; '
                                   'hung in test global.blocks_forever'),
          f'a TIMEOUT names the settings timeout and the hung test: {got[0].text!r}')
    out = vmtest.unwrap_runner(runner_output(HANG_TAP, '')[:-1], None, 40)
    check(out[1:] == (None, 40) and out[0][-1].startswith('#  RUN'),
          f'no verdict (the backstop killed the runner): the guest\'s status: {out[1:]}')


def main():
    print('TAP version 13')
    print('1..17')
    kernel = alloc_failure('swap_cluster_alloc_table+0x9f/0x140')
    got = kinds(kernel)
    check(got == [], f'the kernel\'s own allocation failure under pressure is not a splat: {got}')
    got = kinds(alloc_failure('vb_inflate_one+0x10/0x80 [vmlab_balloon]'))
    check(got == ['kernel_log:page_allocation_failure'],
          f'an allocation failure with a vmlab frame fails the run: {got}')
    got = kinds(WARN)
    check(got == ['kernel_log:kernel_WARNING'], f'a WARN fails the run: {got}')
    got = kinds(kernel + WARN)
    check(got == ['kernel_log:kernel_WARNING'],
          f'a WARN after an expected allocation failure still fails the run: {got}')
    got = kinds(kernel + ORPHAN_TRACE)
    check(got == ['kernel_log:kernel_backtrace'],
          f'a backtrace after the allocation failure\'s report still fails the run: {got}')
    got = kinds(kernel[:-4])
    check(got == [], f'a report cut off before its memory summary ends with the log: {got}')
    oom = memcg_oom('/vmlab_samepage_test')
    got = kinds(oom)
    check(got == [], f'a memcg OOM kill in a vmlab test\'s own cgroup is not a splat: {got}')
    got = kinds(memcg_oom('/system.slice'))
    check(got == ['kernel_log:kernel_backtrace'],
          f'a memcg OOM kill in any other cgroup fails the run: {got}')
    got = kinds(oom[:-1])
    check(got == ['kernel_log:kernel_backtrace'],
          f'an OOM report that never reaches its kill line fails the run: {got}')
    got = kinds(oom[:5] + WARN[1:2] + oom[5:])
    check(got == ['kernel_log:kernel_WARNING'], f'a WARN inside that report still fails the run: {got}')
    got = kinds(oom + ORPHAN_TRACE)
    check(got == ['kernel_log:kernel_backtrace'],
          f'a backtrace after that report still fails the run: {got}')
    test_kunit_merge()
    test_runner()
    passed = sum(checks)
    print(f'{passed} passed, {len(checks) - passed} failed')
    return 0 if all(checks) else 1


if __name__ == '__main__':
    sys.exit(main())
