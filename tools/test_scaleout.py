#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host test of make check's scale-out: the GitHub Actions workflow runs
one job per kernel of the matrix and uploads each job's results, and
SHARD=I/N splits make check's stages so that N machines together run
every stage exactly once.

    test_scaleout.py
"""

import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
CHECK = os.path.join(ROOT, 'tools', 'check.sh')
WORKFLOW = os.path.join(ROOT, '.github', 'workflows', 'vmtest.yml')
checks = []


def check(ok, what):
    checks.append(ok)
    print(f'{"ok" if ok else "not ok"} {len(checks)} {what}')


def check_sh(*args):
    return subprocess.run([CHECK, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, cwd=ROOT)


def stages_of(plan):
    """The stage names of a plan such as 'a,b+c'."""
    return [s for s in re.split(r'[,+]', plan.strip()) if s]


def test_workflow(kernels):
    with open(WORKFLOW) as f:
        flow = yaml.safe_load(f)
    # YAML 1.1 reads the bare key "on" as true.
    triggers = flow.get('on', flow.get(True)) or {}
    check('push' in triggers and 'pull_request' in triggers,
          'the workflow runs on every push and pull request')
    job = flow['jobs']['vmtest']
    matrix = job['strategy']['matrix']['kernel']
    check(matrix == kernels, f'one job per kernel of make check\'s matrix: {matrix}')
    check(job['strategy'].get('fail-fast') is False,
          'one kernel\'s failure does not cancel the other jobs')
    steps = job['steps']
    runs = [s.get('run', '') for s in steps]
    vmtest = [r for r in runs if re.match(r'make vmtest K=\$\{\{ matrix\.kernel \}\} LOG=', r)]
    check(len(vmtest) == 1, 'each job runs make vmtest K=<kernel> with its logs in a known place')
    log = vmtest[0].split('LOG=', 1)[1].strip() if vmtest else '<none>'
    uploads = [s for s in steps if str(s.get('uses', '')).startswith('actions/upload-artifact@')]
    paths = [p.strip() for p in uploads[0]['with']['path'].splitlines()] if uploads else []
    check(len(uploads) == 1 and uploads[0].get('if') == 'always()'
          and f'{log}/results.ktap' in paths and f'{log}/junit.xml' in paths,
          f'each job uploads results.ktap and junit.xml from {log}, pass or fail')
    caches = [s for s in steps if str(s.get('uses', '')).startswith('actions/cache@')]
    check(len(caches) == 1 and caches[0]['with']['path'] == '/var/cache/vmlab'
          and 'matrix.kernel' in caches[0]['with']['key'],
          'each job caches /var/cache/vmlab, keyed per kernel')
    dry = subprocess.run(['make', '-s', '-n', '--no-print-directory', '-C', ROOT, 'vmtest', 'K=debian-6.1', 'LOG=/x/y'],
                         stdout=subprocess.PIPE, text=True)
    check('--kernel debian-6.1 --log /x/y' in dry.stdout,
          f'make vmtest passes LOG= to vmtest: {dry.stdout.strip()}')


def test_shards(groups):
    every = sorted(s for g in groups for s in stages_of(g))
    for n in range(1, 6):
        got = []
        for i in range(1, n + 1):
            out = check_sh('--shard-plan', f'{i}/{n}')
            got += stages_of(out.stdout) if out.returncode == 0 else ['<failed>']
        check(sorted(got) == every,
              f'{n} shard(s) run every stage of make check exactly once')
    plan = check_sh('--shard-plan', '2/3').stdout.strip()
    check(plan.count('+') <= 1 and plan == check_sh('--shard-plan', '2/3').stdout.strip(),
          f'a shard is at most two lanes, the same on every machine: {plan}')
    for bad in ('0/2', '3/2', '1', 'a/b', ''):
        out = check_sh('--shard-plan', bad)
        check(out.returncode == 2 and 'want I/N' in out.stderr,
              f'SHARD={bad!r} is refused with exit 2')


def main():
    print('TAP version 13')
    print('1..18')
    lines = check_sh('--stages').stdout.split('\n')
    lines = [ln for ln in lines if ln]
    groups, kernels = lines[:-1], lines[-1].split()
    test_workflow(kernels)
    test_shards(groups)
    passed = sum(checks)
    print(f'{passed} passed, {len(checks) - passed} failed')
    return 0 if all(checks) else 1


if __name__ == '__main__':
    sys.exit(main())
