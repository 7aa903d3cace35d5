supervisor/CMakeFiles/csupmonitor.dir/monitor/dashboard.c.o: \
 /work/wt/lifecycle/supervisor/monitor/dashboard.c \
 /usr/include/stdc-predef.h \
 /work/wt/lifecycle/supervisor/monitor/dashboard.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h
