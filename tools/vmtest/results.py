# SPDX-License-Identifier: GPL-2.0
"""Results that CI systems ingest: results.ktap, junit.xml and the counts.

A run is a list of top-level tests.  A test is either a leaf (one verdict)
or a block: the TAP/KTAP output of a kselftest program, a KUnit module or a
whole vmtest run, nested one level down in results.ktap.  The counts come
from the kernel's own KTAP parser, run as a program
(``kunit.py parse --json``), never from grepping output: the closing
``N passed, N failed, N skipped`` line is what that parser found.

A block's own verdict is not a test case to the parser (its JSON keeps only
leaves), so anything wrong with a block as a whole (a timeout, an exit
status with no failing case) is reported as a leaf of its own beside it.
"""

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

PASS, FAIL, SKIP = 'ok', 'not ok', 'skip'
TOP = 'vmtest'          # junit's suite for a run's own top-level tests
RESULT = re.compile(r'^\s*(ok|not ok) (\d+)\b(?: -)? ?([^#]*?)\s*(#.*)?$')
VERSION = re.compile(r'^\s*(K?TAP) version \d+\s*$')
PLAN = re.compile(r'^\s*1\.\.\d+')


class Test:
    """One top-level test: a leaf when @lines is None, else a block."""

    def __init__(self, name, status=PASS, text='', lines=None, case_text=None):
        self.name = name
        self.status = status
        self.text = text                    # failure text (or skip reason)
        self.lines = lines                  # nested TAP/KTAP lines of a block
        self.case_text = case_text or {}    # case name -> failure text


def failure_texts(lines, keep=30):
    """case name -> the diagnostic lines that led up to its 'not ok'."""
    texts, recent = {}, []
    for line in lines:
        m = RESULT.match(line)
        if m:
            if m.group(1) == 'not ok':
                texts[m.group(3).strip()] = '\n'.join(recent[-keep:])
            recent = []
        else:
            recent.append(line.rstrip())
    return texts


def has_cases(lines):
    return any(RESULT.match(ln) for ln in lines)


def _directive(test):
    # Only a skip says why on its result line: a failure's text may quote
    # the kernel log, whose panic line ends the KTAP parser's input.
    if test.status == SKIP:
        return ' # SKIP' + (f' {_one_line(test.text)}' if test.text else '')
    return ''


def _one_line(text):
    return text.strip().split('\n')[0].replace('#', '')[:200]


def ktap_lines(tests):
    """The KTAP document for @tests: one nested block per block test."""
    out = ['KTAP version 1', f'1..{len(tests)}']
    for num, t in enumerate(tests, 1):
        if t.lines is not None:
            out += ['  KTAP version 1', f'  # Subtest: {t.name}']
            for line in t.lines:
                if not VERSION.match(line):
                    out.append('  ' + line.rstrip())
        word = 'not ok' if t.status == FAIL else 'ok'
        out.append(f'{word} {num} {t.name}{_directive(t)}')
    return out


def kunit_py(source):
    return os.path.join(source, 'tools', 'testing', 'kunit', 'kunit.py')


def parse(ktap_path, source):
    """Run kunit.py parse on @ktap_path; return (json tree, its report)."""
    json_path = ktap_path[:-len('.ktap')] + '.json'
    out = subprocess.run([sys.executable, kunit_py(source), 'parse',
                          f'--json={json_path}', ktap_path],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(json_path) as f:
        return json.load(f), out.stdout


def leaves(group, path=()):
    """(suite path, case name, status) of every test case in a JSON tree."""
    here = path + ((group['name'],) if path or group['name'] != 'KUnit Test Group' else ())
    for case in group.get('test_cases', []):
        yield here, case['name'], case['status']
    for sub in group.get('sub_groups', []):
        yield from leaves(sub, here)


def counts(tree):
    c = {'passed': 0, 'failed': 0, 'skipped': 0}
    for _, _, status in leaves(tree):
        key = {'PASS': 'passed', 'SKIP': 'skipped'}.get(status, 'failed')
        c[key] += 1
    return c


def _texts(tests, nested):
    """(suite path joined with '/', case name) -> failure text."""
    texts = {}
    for t in tests:
        if t.lines is None:
            texts[('', t.name)] = t.text
        for case, text in t.case_text.items():
            texts[(t.name, case)] = text
    for block, path in nested:
        for suite in ET.parse(path).getroot().iter('testsuite'):
            # A run's own top-level tests sit in its "vmtest" suite.
            where = block if suite.get('name') == TOP else f'{block}/{suite.get("name")}'
            for case in suite.iter('testcase'):
                fail = case.find('failure')
                if fail is not None and fail.text:
                    texts[(where, case.get('name'))] = fail.text
    return texts


def _text_for(texts, path, name):
    """The text recorded for a case, at its suite or the nearest enclosing
    one (a KUnit suite sits inside its module's block)."""
    for i in range(len(path), -1, -1):
        text = texts.get(('/'.join(path[:i]), name))
        if text is not None:
            return text
    return ''


def junit(tree, title, tests, nested=()):
    """junit.xml: a <testsuite> per suite path, a <testcase> per leaf.
    @nested are (block name, junit.xml path) of blocks that carry their
    own junit (a vmtest run inside make check): their failure texts and
    splat context are taken from there."""
    texts = _texts(tests, nested)
    root = ET.Element('testsuites', name=title)
    suites = {}
    total = {'tests': 0, 'failures': 0, 'skipped': 0}
    for path, name, status in leaves(tree):
        key = '/'.join(path) or TOP
        if key not in suites:
            suites[key] = ET.SubElement(root, 'testsuite', name=key)
        case = ET.SubElement(suites[key], 'testcase', name=name or '(unnamed)',
                             classname=f'{title}/{key}')
        total['tests'] += 1
        if status == 'SKIP':
            ET.SubElement(case, 'skipped')
            total['skipped'] += 1
        elif status != 'PASS':
            text = _text_for(texts, path, name)
            fail = ET.SubElement(case, 'failure', message=_one_line(text) or status)
            fail.text = text
            total['failures'] += 1
    for s in suites.values():
        s.set('tests', str(len(s)))
        s.set('failures', str(sum(1 for c in s if c.find('failure') is not None)))
        s.set('skipped', str(sum(1 for c in s if c.find('skipped') is not None)))
    for k, v in total.items():
        root.set(k, str(v))
    return ET.ElementTree(root)


def write(outdir, title, tests, source, nested=()):
    """Write results.ktap, results.json and junit.xml; return the counts
    and kunit.py's report."""
    ktap = os.path.join(outdir, 'results.ktap')
    with open(ktap, 'w') as f:
        f.write('\n'.join(ktap_lines(tests)) + '\n')
    tree, report = parse(ktap, source)
    xml = junit(tree, title, tests, nested)
    ET.indent(xml)
    xml.write(os.path.join(outdir, 'junit.xml'), encoding='unicode', xml_declaration=True)
    return counts(tree), report


def summary_line(c, retries=None):
    line = f'{c["passed"]} passed, {c["failed"]} failed, {c["skipped"]} skipped'
    return line + (f', {retries} boot retries' if retries is not None else '')


def verify(outdir, source):
    """Re-read results.ktap with the KTAP parser and junit.xml with an XML
    parser; return their counts, which must agree."""
    tree, _ = parse(os.path.join(outdir, 'results.ktap'), source)
    root = ET.parse(os.path.join(outdir, 'junit.xml')).getroot()
    tests = int(root.get('tests'))
    failures = int(root.get('failures'))
    skipped = int(root.get('skipped'))
    cases = list(root.iter('testcase'))
    if len(cases) != tests:
        raise SystemExit(f'junit.xml: {len(cases)} testcases, header says {tests}')
    return counts(tree), {'passed': tests - failures - skipped, 'failed': failures,
                          'skipped': skipped}


def _read_stage_list(path):
    """make check's stage list: lines 'leaf NAME STATUS TEXTFILE' or
    'tap NAME FILE' or 'run NAME DIR' (a vmtest log directory)."""
    tests, nested = [], []
    with open(path) as f:
        for line in f:
            kind, name, rest = line.rstrip('\n').split('\t', 2)
            if kind == 'leaf':
                status, text_file = rest.split('\t')
                text = open(text_file, errors='replace').read() if text_file else ''
                tests.append(Test(name, status, text[-4000:]))
            elif kind == 'tap':
                lines = open(rest, errors='replace').read().splitlines()
                tests.append(block_from_tap(name, lines))
            elif kind == 'run':
                lines = open(os.path.join(rest, 'results.ktap')).read().splitlines()
                failed = json.load(open(os.path.join(rest, 'summary.json')))['failed']
                tests.append(Test(name, FAIL if failed else PASS, lines=lines))
                nested.append((name, os.path.join(rest, 'junit.xml')))
    return tests, nested


def block_from_tap(name, lines, status=0):
    """A block from a program's TAP output; a program that printed no test
    case is a leaf judged by its exit status (4 is kselftest's skip)."""
    if not has_cases(lines):
        verdict = PASS if status == 0 else SKIP if status == 4 else FAIL
        return Test(name, verdict, '' if verdict == PASS else
                    '\n'.join(lines[-30:]) or f'exited {status} without TAP output')
    bad = any(RESULT.match(ln) and RESULT.match(ln).group(1) == 'not ok' for ln in lines)
    if not any(PLAN.match(ln) for ln in lines):
        # Plain "ok N ..." lines (the host tests): give them their plan.
        lines = [f'1..{sum(1 for ln in lines if RESULT.match(ln))}'] + lines
    return Test(name, FAIL if bad else PASS, lines=lines, case_text=failure_texts(lines))


def main():
    """results.py combine OUTDIR TITLE STAGE-LIST SOURCE [RETRIES]
       results.py verify OUTDIR SOURCE SUMMARY-LINE"""
    cmd = sys.argv[1:2]
    if cmd == ['combine']:
        outdir, title, stage_list, source = sys.argv[2:6]
        retries = int(sys.argv[6]) if len(sys.argv) > 6 else None
        tests, nested = _read_stage_list(stage_list)
        c, _ = write(outdir, title, tests, source, nested)
        print(summary_line(c, retries))
        return 0
    if cmd == ['verify']:
        outdir, source, line = sys.argv[2:5]
        ktap, xml = verify(outdir, source)
        said = dict((w, int(n)) for n, w in re.findall(r'(\d+) (passed|failed|skipped)', line))
        if ktap != xml or ktap != said:
            print(f'results: disagree: ktap {ktap}, junit {xml}, summary {said}')
            return 1
        print(f'results: results.ktap and junit.xml agree with the summary: {summary_line(ktap)}')
        return 0
    print(main.__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main())
