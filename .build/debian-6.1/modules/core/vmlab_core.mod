/work/main/.build/debian-6.1/modules/core/core.o
/work/main/.build/debian-6.1/modules/core/stats.o
/work/main/.build/debian-6.1/modules/core/tunable.o
