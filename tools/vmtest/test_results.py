#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host test of results.py: a run with passing, failing, skipped, nested
KUnit and timed-out tests gives a results.ktap that the kernel's KTAP
parser reads back with exact counts, and a junit.xml that an XML parser
reads with the same counts, one testcase per case and the failure text.

    test_results.py LINUX-SOURCE-DIR
"""

import os
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import results  # noqa: E402

checks = []


def check(ok, what):
    checks.append(ok)
    print(f'{"ok" if ok else "not ok"} {len(checks)} {what}')


KSELFTEST = '''TAP version 13
1..3
# Starting 3 tests from 1 test cases.
#  RUN           global.first ...
#            OK  global.first
ok 1 global.first
#  RUN           global.second ...
# second.c:12:second:Expected 1 (1) == 2 (2)
#          FAIL  global.second
not ok 2 global.second
#  RUN           global.third ...
#      SKIP      no device
ok 3 global.third # SKIP no device
# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0'''.split('\n')

KUNIT = '''    KTAP version 1
    # Subtest: vmlab_demo
    1..2
    ok 1 demo_adds
    # demo_wraps: EXPECTATION FAILED at demo.c:40
    not ok 2 demo_wraps
ok 1 vmlab_demo'''.split('\n')


def main():
    source = sys.argv[1]
    tests = [results.Test('vmtest/boot'),
             results.block_from_tap('mod/prog_test', KSELFTEST, 1),
             results.block_from_tap('kunit/vmlab_demo', KUNIT, 0),
             results.Test('mod/hang_test:timeout', results.FAIL,
                          'TIMEOUT: mod/hang_test did not finish in its 10 s time limit'),
             results.block_from_tap('mod/quiet_test', [], 4),
             results.Test('kernel_log:kernel_WARNING', results.FAIL,
                          'kernel log: kernel WARNING at console.log:7\n'
                          'WARNING: CPU: 0 PID: 1 at demo.c:3\nCall Trace:')]
    with tempfile.TemporaryDirectory() as out:
        counts, _ = results.write(out, 'demo', tests, source)
        want = {'passed': 3, 'failed': 4, 'skipped': 2}
        check(counts == want, f'KTAP parser counts {counts} are {want}')
        ktap, xml = results.verify(out, source)
        check(ktap == xml == want, f'results.ktap and junit.xml agree: {ktap} {xml}')
        root = ET.parse(os.path.join(out, 'junit.xml')).getroot()
        cases = {c.get('name'): c for c in root.iter('testcase')}
        check(len(cases) == 9, f'one testcase per case ({len(cases)})')
        fail = cases['global.second'].find('failure')
        check(fail is not None and 'Expected 1 (1) == 2 (2)' in fail.text,
              'a kselftest failure carries its diagnostic lines')
        fail = cases['demo_wraps'].find('failure')
        check(fail is not None and 'EXPECTATION FAILED' in fail.text,
              'a KUnit failure carries its diagnostic lines')
        fail = cases['kernel_log:kernel_WARNING'].find('failure')
        check(fail is not None and 'Call Trace:' in fail.text,
              'a splat carries the kernel log lines around it')
        check(cases['global.third'].find('skipped') is not None, 'a skipped case is skipped')
        check(cases['mod/quiet_test'].find('skipped') is not None,
              'a program with no TAP that exits 4 is one skipped test')
        ktap_text = open(os.path.join(out, 'results.ktap')).read()
        check(ktap_text.startswith('KTAP version 1\n1..6\n')
              and '  # Subtest: kunit/vmlab_demo' in ktap_text,
              'results.ktap has one nested block per suite')
        # make check nests each run's results.ktap and merges its junit.xml.
        with open(os.path.join(out, 'summary.json'), 'w') as f:
            f.write('{"failed": 4}')
        with tempfile.TemporaryDirectory() as top:
            stages = os.path.join(top, 'stages.tsv')
            with open(stages, 'w') as f:
                f.write('leaf\tbuild\tok\t\n')
                f.write(f'run\tvm/demo\t{out}\n')
            tests, nested = results._read_stage_list(stages)
            counts, _ = results.write(top, 'check', tests, source, nested)
            want = {'passed': 4, 'failed': 4, 'skipped': 2}
            check(counts == want, f'make check counts a nested run: {counts} are {want}')
            root = ET.parse(os.path.join(top, 'junit.xml')).getroot()
            cases = {(c.get('classname'), c.get('name')): c for c in root.iter('testcase')}
            fail = cases[('check/vm/demo/mod/prog_test', 'global.second')].find('failure')
            check(fail is not None and 'Expected 1 (1) == 2 (2)' in fail.text,
                  'a nested run keeps its failure texts in make check\'s junit.xml')
            fail = cases[('check/vm/demo', 'kernel_log:kernel_WARNING')].find('failure')
            check(fail is not None and 'Call Trace:' in fail.text,
                  'a nested run keeps its splat context in make check\'s junit.xml')
    passed = sum(checks)
    print(f'{passed} passed, {len(checks) - passed} failed')
    return 0 if all(checks) else 1


if __name__ == '__main__':
    sys.exit(main())
