cmd_/work/main/.build/debian-6.1/modules/dax/modules.order := {  :; } > /work/main/.build/debian-6.1/modules/dax/modules.order
