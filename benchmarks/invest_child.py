"""Run natcap.invest's Urban Cooling Model once in this process and print its wall time and peak memory as JSON.

Used by ``bench_cooling.py`` (case ``cooling_invest``) through the natcap.invest interpreter:
``python invest_child.py ARGS.json``. Peak memory is measured as in ``common.measure``: growth of the
resident set (``VmHWM`` after resetting it through ``/proc/self/clear_refs``) over the resident set
before ``execute``, so the interpreter and GDAL imports are not counted, like the uhi side.
"""

from __future__ import annotations

import json
import sys
import time


def _kib(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def main(path: str) -> None:
    from natcap.invest import urban_cooling_model

    args = json.loads(open(path).read())
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    rss0 = _kib("VmRSS")
    t0 = time.perf_counter()
    urban_cooling_model.execute(args)
    wall = time.perf_counter() - t0
    print(json.dumps({"wall_s": wall, "peak_mib": max(0, _kib("VmHWM") - rss0) / 1024.0}))


if __name__ == "__main__":
    main(sys.argv[1])
