# bench-mmscan.sh - sourced by the benchmark scripts once mmscan is built:
# sets MMSCAN to the real binary (unless MMSCAN is set already), not to
# libtool's ./mmscan wrapper, a shell script that finds the uninstalled
# library first and would be timed with every run (tens of milliseconds a
# start, as much as a hot run of a command on a 2 GiB file).
if [ -z "${MMSCAN:-}" ]; then
    bench_root=${ROOT:-$PWD} # the scripts that source this run from the top directory
    if [ -x "$bench_root/.libs/mmscan" ]; then
        MMSCAN=$bench_root/.libs/mmscan
        LD_LIBRARY_PATH=$bench_root/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
        export LD_LIBRARY_PATH
    else
        MMSCAN=$bench_root/mmscan
    fi
fi
