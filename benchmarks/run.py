"""Run the benchmark suite and write JSON + a Markdown table.

    python benchmarks/run.py                      # all cases at 1000, 4000, 8000
    python benchmarks/run.py --quick --check      # CI: 2000^2 only, fail if a speed-up falls below its floor
    python benchmarks/run.py --cases lst --sizes 4000 8000

Every case reports the subject (Numba path) and its references measured in the
same process, and the ratios between them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import CASES, measure  # noqa: E402

MODULES = sorted(p.stem for p in HERE.glob("bench_*.py"))
FLOORS_FILE = HERE / "floors.json"
#: CI size: large enough that the fastest pointwise kernel runs for milliseconds, not microseconds.
QUICK_SIZE = 2000
FULL_SIZES = [1000, 4000, 8000]


def run(cases: list[str], sizes: list[int], repeat: int, budget: float = 10.0) -> list[dict]:
    rows = []
    for name in cases:
        for n in sizes:
            setup = CASES[name]
            try:
                c = setup(n)
            except MemoryError:
                print(f"{name} n={n}: skipped (memory)", flush=True)
                continue
            except Exception as exc:  # a broken case is reported, the others still run
                row = {"case": name, "n": n, "impl": "setup", "error": f"{type(exc).__name__}: {exc}"}
                rows.append(row)
                print(_fmt(row), flush=True)
                continue
            impls = list(c.implementations.items())
            subject_name = impls[0][0]
            results = {}
            for impl_name, func in impls:
                try:
                    results[impl_name] = measure(func, repeat=repeat, budget=budget)
                except Exception as exc:  # a peer library failing must not kill the run
                    results[impl_name] = {"error": f"{type(exc).__name__}: {exc}"}
            if c.teardown:
                c.teardown()
            subject = results[subject_name]
            for impl_name, r in results.items():
                row = {"case": name, "n": n, "impl": impl_name, "subject": subject_name, "pixels": c.pixels, **r}
                if "wall_s" in r:
                    row["mpix_s"] = c.pixels / r["wall_s"] / 1e6
                    if "wall_s" in subject:
                        row["speedup_of_subject"] = r["wall_s"] / subject["wall_s"]
                        row["memory_ratio"] = (r["peak_mib"] / subject["peak_mib"]) if subject["peak_mib"] > 0 else None
                row["input_mib"] = c.input_mib
                row["notes"] = c.notes
                rows.append(row)
                print(_fmt(row), flush=True)
    return rows


def _fmt(row: dict) -> str:
    if "error" in row:
        return f"{row['case']:<28} {row['n']:>6} {row['impl']:<16} ERROR {row['error']}"
    sp = row.get("speedup_of_subject")
    return (
        f"{row['case']:<28} {row['n']:>6} {row['impl']:<16} {row['wall_s']*1e3:10.1f} ms "
        f"{row['mpix_s']:9.1f} Mpix/s  peak {row['peak_mib']:8.1f} MiB  first {row['first_call_s']:.2f} s"
        + (f"  subject is {sp:5.1f}x faster" if sp and row['impl'] != row.get('subject') else "")
    )


def markdown(rows: list[dict]) -> str:
    lines = [
        "| case | n | implementation | median wall [ms] | Mpix/s | peak [MiB] | first call [s] | subject speed-up | memory ratio |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['case']} | {r['n']} | {r['impl']} | error: {r['error']} | | | | | |")
            continue
        sp = r.get("speedup_of_subject")
        mr = r.get("memory_ratio")
        lines.append(
            f"| {r['case']} | {r['n']} | {r['impl']} | {r['wall_s']*1e3:.1f} | {r['mpix_s']:.1f} | {r['peak_mib']:.1f} | "
            f"{r['first_call_s']:.2f} | {'' if sp is None else f'{sp:.2f}x'} | {'' if mr is None else f'{mr:.2f}'} |"
        )
    return "\n".join(lines) + "\n"


def load_floors(path: Path = FLOORS_FILE) -> dict[str, float]:
    """``{"case/implementation": minimum speed-up of the subject over that implementation}``."""
    return json.loads(path.read_text()) if path.exists() else {}


def check_floors(rows: list[dict], floors: dict[str, float] | None = None) -> list[str]:
    """Messages for every row whose subject speed-up over a reference is below its floor.

    A floor is a ratio measured in the same run (``reference time / subject time``), never an
    absolute time, so a slower or busier machine slows both sides alike. A row whose
    subject or reference failed to run counts as failing when it has a floor.
    """
    floors = load_floors() if floors is None else floors
    failures = []
    for r in rows:
        key = f"{r['case']}/{r['impl']}"
        if key not in floors:
            continue
        ratio = r.get("speedup_of_subject")
        if ratio is None:
            failures.append(f"{key} at n={r['n']}: no speed-up measured ({r.get('error', 'subject failed')})")
        elif ratio < floors[key]:
            failures.append(f"{key} at n={r['n']}: subject speed-up {ratio:.2f}x < floor {floors[key]}x")
    return failures


def failing_cases(rows: list[dict], floors: dict[str, float]) -> set[tuple[str, int]]:
    """(case, n) pairs with at least one floor failure."""
    bad = set()
    for r in rows:
        if check_floors([r], floors):
            bad.add((r["case"], r["n"]))
    return bad


def check_with_retries(rows: list[dict], repeat: int, retries: int, floors: dict[str, float] | None = None) -> list[str]:
    """Floor check that re-measures failing cases up to ``retries`` times; a case passes if any attempt does.

    On a shared machine a parallel Numba kernel loses more than a single-threaded reference when
    another process takes a core for a moment; re-measuring only the failing cases separates that
    noise from a real regression (which fails every attempt).
    """
    floors = load_floors() if floors is None else floors
    bad = failing_cases(rows, floors)
    for attempt in range(retries):
        if not bad:
            break
        print(f"re-measuring {len(bad)} case(s) below a floor (attempt {attempt + 2})", flush=True)
        still = set()
        for name, n in sorted(bad):
            still |= failing_cases(run([name], [n], repeat), floors)
        bad = still
    return [f for f in check_floors(rows, floors) if any(f.startswith(f"{c}/") and f" n={n}:" in f for c, n in bad)]


def main(argv=None) -> int:
    for mod in MODULES:
        importlib.import_module(mod)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", nargs="*", default=None, help=f"case names or prefixes (available: {', '.join(sorted(CASES))})")
    p.add_argument("--sizes", nargs="*", type=int, default=None)
    p.add_argument("--quick", action="store_true", help=f"one size for CI ({QUICK_SIZE} px)")
    p.add_argument("--check", action="store_true", help="fail if a speed-up falls below benchmarks/floors.json")
    p.add_argument("--retries", type=int, default=2, help="with --check: re-measure failing cases up to this many times")
    p.add_argument("--repeat", type=int, default=5, help="timed samples per implementation (median reported)")
    p.add_argument("--budget", type=float, default=10.0,
                   help="seconds per implementation: slower calls get fewer samples (0: call each implementation once)")
    p.add_argument("--out", type=Path, default=HERE / "results")
    args = p.parse_args(argv)
    names = sorted(CASES)
    if args.cases:
        names = [n for n in names if any(n == c or n.startswith(c) for c in args.cases)]
    sizes = args.sizes or ([QUICK_SIZE] if args.quick else FULL_SIZES)
    print(f"# {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}", flush=True)
    rows = run(names, sizes, args.repeat, args.budget)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "quick" if args.quick else "full"
    (args.out / f"{stem}.json").write_text(json.dumps(rows, indent=1))
    (args.out / f"{stem}.md").write_text(markdown(rows))
    print(f"wrote {args.out / (stem + '.json')} and {stem}.md")
    if args.check:
        failures = check_with_retries(rows, args.repeat, args.retries)
        for f in failures:
            print("FLOOR FAILED:", f)
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
