savedcmd_/work/main/.build/debian-6.12/modules/dax/modules.order := {  :; } > /work/main/.build/debian-6.12/modules/dax/modules.order
