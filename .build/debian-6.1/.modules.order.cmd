cmd_/work/main/.build/debian-6.1/modules.order := {   cat /work/main/.build/debian-6.1/modules/modules.order; :; } > /work/main/.build/debian-6.1/modules.order
