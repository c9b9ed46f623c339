savedcmd_/work/main/.build/debian-6.12/modules.order := {   cat /work/main/.build/debian-6.12/modules/modules.order; :; } > /work/main/.build/debian-6.12/modules.order
