cmd_/work/main/.build/debian-6.1/modules/tlbstat/modules.order := {  :; } > /work/main/.build/debian-6.1/modules/tlbstat/modules.order
