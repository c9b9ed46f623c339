cmd_/work/main/.build/debian-6.1/modules/balloon/modules.order := {  :; } > /work/main/.build/debian-6.1/modules/balloon/modules.order
