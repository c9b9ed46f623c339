savedcmd_/work/main/.build/debian-6.12/modules/core/vmlab_core.o := x86_64-linux-gnu-ld -m elf_x86_64 -z noexecstack --no-warn-rwx-segments   -r -o /work/main/.build/debian-6.12/modules/core/vmlab_core.o @/work/main/.build/debian-6.12/modules/core/vmlab_core.mod  ; ./tools/objtool/objtool --hacks=jump_label --hacks=noinstr --hacks=skylake --ibt --orc --retpoline --rethunk --sls --static-call --uaccess --prefix=16  --link  --module /work/main/.build/debian-6.12/modules/core/vmlab_core.o

/work/main/.build/debian-6.12/modules/core/vmlab_core.o: $(wildcard ./tools/objtool/objtool)
