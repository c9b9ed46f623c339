savedcmd_/work/main/.build/debian-6.12/modules/tlbstat/modules.order := {  :; } > /work/main/.build/debian-6.12/modules/tlbstat/modules.order
