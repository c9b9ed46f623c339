savedcmd_/work/main/.build/debian-6.12/modules/balloon/modules.order := {  :; } > /work/main/.build/debian-6.12/modules/balloon/modules.order
