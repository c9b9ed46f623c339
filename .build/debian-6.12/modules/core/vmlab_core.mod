/work/main/.build/debian-6.12/modules/core/core.o
/work/main/.build/debian-6.12/modules/core/stats.o
/work/main/.build/debian-6.12/modules/core/tunable.o
