savedcmd_/work/main/.build/debian-6.12/modules/samepage/modules.order := {  :; } > /work/main/.build/debian-6.12/modules/samepage/modules.order
