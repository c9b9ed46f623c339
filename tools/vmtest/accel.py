# SPDX-License-Identifier: GPL-2.0
"""Which QEMU accelerator the harness uses: KVM when it works, else TCG.

VMLAB_ACCEL=auto (the default) boots a probe VM with -accel kvm when
/dev/kvm can be opened, and takes KVM only if that guest reaches its init
within PROBE_SECONDS.  The verdict and its reason are cached per machine
(host name, CPU model and host kernel) under the vmlab cache, so the probe
runs once.  VMLAB_ACCEL=kvm or tcg forces either one.

Why probe instead of trusting /dev/kvm: on the machines this project is
developed on, /dev/kvm exists but a KVM guest hangs after "Probing EDD".
"""

import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
import time

PROBE_SECONDS = 30


def _machine_key():
    model = ''
    try:
        with open('/proc/cpuinfo') as f:
            model = next((ln.split(':', 1)[1].strip() for ln in f
                          if ln.startswith('model name')), '')
    except OSError:
        pass
    ident = f'{platform.node()}|{model}|{platform.release()}'
    return hashlib.sha256(ident.encode()).hexdigest()[:12]


def _probe(kdir, cache, log):
    """Boot @kdir under KVM with an init that only says it ran."""
    if not os.access('/dev/kvm', os.R_OK | os.W_OK):
        return 'tcg', '/dev/kvm is missing or not accessible'
    work = tempfile.mkdtemp(prefix='accel-probe-', dir=cache)
    try:
        root = os.path.join(work, 'root')
        os.makedirs(os.path.join(root, 'bin'))
        shutil.copy(shutil.which('busybox') or '/bin/busybox', os.path.join(root, 'bin'))
        with open(os.path.join(root, 'init'), 'w') as f:
            f.write('#!/bin/busybox sh\n/bin/busybox echo VMLAB-PROBE-INIT\n'
                    '/bin/busybox poweroff -f\n')
        os.chmod(os.path.join(root, 'init'), 0o755)
        img = os.path.join(work, 'initramfs.cpio')
        with open(img, 'wb') as out:
            find = subprocess.Popen(['find', '.'], cwd=root, stdout=subprocess.PIPE)
            subprocess.run(['cpio', '-o', '-H', 'newc', '--quiet'], cwd=root,
                           stdin=find.stdout, stdout=out, check=True)
            find.wait()
        console = os.path.join(work, 'console.log')
        cmd = ['qemu-system-x86_64', '-accel', 'kvm', '-cpu', 'host', '-smp', '2', '-m', '512M',
               '-kernel', os.path.join(kdir, 'vmlinuz'), '-initrd', img,
               '-display', 'none', '-monitor', 'none', '-no-reboot',
               '-serial', f'file:{console}',
               '-append', 'console=ttyS0 panic=-1 rdinit=/init']
        log(f'accel: probing KVM (at most {PROBE_SECONDS} s)')
        qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + PROBE_SECONDS
        text = ''
        while time.monotonic() < deadline and qemu.poll() is None:
            time.sleep(0.5)
            try:
                with open(console, errors='replace') as f:
                    text = f.read()
            except OSError:
                pass
            if 'VMLAB-PROBE-INIT' in text:
                break
        if qemu.poll() is None:
            qemu.kill()
        err = qemu.communicate()[1].strip()
        with open(console, errors='replace') as f:
            text = f.read()
        if 'VMLAB-PROBE-INIT' in text:
            return 'kvm', 'a KVM probe guest reached init'
        if qemu.returncode not in (None, -9) and not text.strip():
            said = (err.splitlines() or ['nothing'])[-1][:200]
            return 'tcg', f'QEMU with KVM exited {qemu.returncode} before the guest ran: {said}'
        last = ([ln.strip() for ln in text.splitlines() if ln.strip()] or ['none'])[-1]
        return 'tcg', (f'a KVM probe guest did not reach init in {PROBE_SECONDS} s'
                       f' (last console line: {last[:200]})')
    finally:
        shutil.rmtree(work, ignore_errors=True)


def choose(kdir, cache, log):
    """('kvm' or 'tcg', reason), printed by the caller."""
    want = os.environ.get('VMLAB_ACCEL', 'auto')
    if want in ('kvm', 'tcg'):
        return want, f'forced by VMLAB_ACCEL={want}'
    if want != 'auto':
        raise SystemExit(f'vmtest: VMLAB_ACCEL={want}: use auto, kvm or tcg')
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, f'accel-{_machine_key()}')
    try:
        with open(path) as f:
            accel, reason = f.read().strip().split(' ', 1)
            return accel, reason + f' (cached in {path})'
    except (OSError, ValueError):
        pass
    accel, reason = _probe(kdir, cache, log)
    with open(path, 'w') as f:
        f.write(f'{accel} {reason}\n')
    return accel, reason
