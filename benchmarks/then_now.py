"""Time the review docx of this tree against an earlier commit's, alternating, in one run.

Run: python benchmarks/then_now.py [--then REV] [--sizes 60,300] [--rounds N] [--smoke]
The earlier code is exported from git (``git archive REV``) into a temporary folder; both versions
then render the same generated programs. Each round starts one fresh process per version and size
(in turn, the order rotating), which reads the program, renders it once untimed (imports, fonts,
caches) and then times ``render(review, "docx")`` in-process ``--repeat`` times and reports the
median. Prints the medians and the paired ratio now/then per size; never fails on timing.

The default REV is the last commit before the review document was rewritten for its reader
(issue 10), whose figures were 62 ms / 139 ms at 60 / 300 sessions; the issue allows 1.5x.
``--smoke`` compares this tree with itself at 60 sessions (no git history needed), for CI.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import Case, Sample, interleave, loads, machine, ratio_line, table, write_program

HERE = Path(__file__).resolve().parent.parent
BEFORE_THE_REWRITE = "932340d^"
CHILD = """
import json, statistics, sys, time
from coursereview import check, load_submission, render
review = check(load_submission(sys.argv[1]))
render(review, "docx")
cpu, wall = [], []
for _ in range(int(sys.argv[2])):
    c, w = time.process_time(), time.perf_counter()
    render(review, "docx")
    cpu.append(time.process_time() - c)
    wall.append(time.perf_counter() - w)
print(json.dumps({"cpu": statistics.median(cpu), "wall": statistics.median(wall)}))
"""


def export(rev: str, folder: Path) -> Path:
    """Write the tree of ``rev`` into ``folder`` (``git archive``); exit with one line when git cannot."""
    try:
        archive = subprocess.run(["git", "-C", str(HERE), "archive", "--format=tar", rev],
                                 capture_output=True, check=True, timeout=120).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        sys.exit(f"then_now.py: cannot export {rev!r} from git ({getattr(exc, 'stderr', b'') or exc!s})"[:300])
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True, timeout=120)
    return folder


def case(tree: Path, program: Path, repeat: int) -> Case:
    """Return a case that renders ``program`` with the package in ``tree`` in a fresh process."""

    def run() -> Sample:
        out = subprocess.run([sys.executable, "-c", CHILD, str(program), str(repeat)], capture_output=True,
                             text=True, timeout=600, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                             check=False)
        if out.returncode:
            sys.exit(f"then_now.py: the render in {tree} failed:\n{out.stderr[-2000:]}")
        got = json.loads(out.stdout)
        return Sample(got["wall"], got["cpu"])

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--then", default=BEFORE_THE_REWRITE, help="the earlier commit (default: %(default)s)")
    parser.add_argument("--sizes", default="60,300", help="session counts, comma-separated")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="timed renders per process")
    parser.add_argument("--smoke", action="store_true", help="this tree against itself, 60 sessions, two rounds")
    args = parser.parse_args()
    sizes = (60,) if args.smoke else tuple(int(s) for s in args.sizes.split(","))
    rounds, repeat = (2, 2) if args.smoke else (args.rounds, args.repeat)
    machine("then_now")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        then = HERE if args.smoke else export(args.then, folder / "then")
        label = "this tree (smoke: against itself)" if args.smoke else args.then
        print(f"now: {HERE}; then: {label}")
        for n in sizes:
            program = write_program(folder, f"program-{n}.yaml", n)
            results = interleave({f"now, {n} sessions": case(HERE, program, repeat),
                                  f"then, {n} sessions": case(then, program, repeat)}, rounds, warmup=0)
            table(results, f"review docx, {n} sessions, median of {repeat} renders per process")
            ratio_line(results, f"now, {n} sessions", f"then, {n} sessions", target=1.5, label="now / then")
    print(loads())


if __name__ == "__main__":
    main()
