cmd_/work/main/.build/debian-6.1/modules/core/modules.order := {   echo /work/main/.build/debian-6.1/modules/core/vmlab_core.ko; :; } > /work/main/.build/debian-6.1/modules/core/modules.order
