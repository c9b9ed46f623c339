cmd_/work/main/.build/debian-6.1/modules/samepage/modules.order := {  :; } > /work/main/.build/debian-6.1/modules/samepage/modules.order
