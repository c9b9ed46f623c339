savedcmd_/work/main/.build/debian-6.12/modules/core/modules.order := {   echo /work/main/.build/debian-6.12/modules/core/vmlab_core.o; :; } > /work/main/.build/debian-6.12/modules/core/modules.order
