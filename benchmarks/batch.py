"""Time `coursereview batch` with 1 and 2 processes against load + check of the same files, in one run.

Run: python benchmarks/batch.py [--count N] [--rounds N] [--smoke]
``--count`` generated submissions (20-80 sessions, about one in ten not approvable) are reviewed
to docx. Whole processes, interleaved: `python -c pass`; `coursereview validate` of one of them;
load + check of every file in one process (the library's work, no documents); the same with the
string-join + zip floor of each review document written as well (``_floor_batch.py``: what each
document says is read back from ours before the timing); `batch -j 1` and `batch -j 2` into an
emptied folder; two `batch -j 1`, each of half the files, side by side (what two processes can
give on this machine, with nothing shared); `batch` again into a folder where nothing changed.
Then, in process, planning 10x as many inputs. Prints medians and paired ratios; never fails on
timing. Targets (issue 15): `batch -j 1` <= 2x load + check; `-j 2` speed-up >= 1.8x (on an idle
machine); an unchanged re-run <= 1x one `validate`; planning linear in the inputs.
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from _floor import media, outline
from harness import command, exponent, in_process, interleave, loads, machine, process, ratio_line, table, write_program

from coursereview.staff.batch import plan

SEED = 20270517
LOAD_CHECK = ("import sys\nfrom coursereview import check, load_submission\n"
              "for f in sys.argv[1:]:\n    check(load_submission(f))")


def _emptied(*folders: Path) -> Callable[[], None]:
    def empty() -> None:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()

    return empty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="4 submissions, one round, for CI")
    args = parser.parse_args()
    count, rounds = (4, 1) if args.smoke else (max(2, args.count), args.rounds)
    machine("batch")
    python, tool = sys.executable, command("coursereview")
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        queue = folder / "queue"
        queue.mkdir()
        files = [write_program(queue, f"submission-{n:04d}.yaml", rng.randint(20, 80), n, rng) for n in range(count)]
        sessions = sum(f.read_text(encoding="utf-8").count("- title:") for f in files)
        again = folder / "again"
        again.mkdir()
        process([*tool, "batch", queue, "-o", again], ok=(0, 1))()  # the run that the re-run finds unchanged
        outlines = folder / "outlines"  # what each review document says, for the floor (untimed)
        for file in files:
            ours = (again / f"{file.stem}-review.docx").read_bytes()
            (outlines / file.stem).mkdir(parents=True)
            (outlines / f"{file.stem}.json").write_text(json.dumps(outline(ours)), encoding="utf-8")
            for name, data in media(ours).items():
                (outlines / file.stem / Path(name).name).write_bytes(data)
        halves = (folder / "first half", folder / "second half")
        for half, part in zip(halves, (files[: count // 2], files[count // 2:]), strict=True):
            half.mkdir()
            for file in part:
                shutil.copy2(file, half / file.name)
        half_batch = [shlex.join(map(str, [*tool, "batch", half, "-o", folder / f"{half.name} out", "-j", "1"]))
                      for half in halves]
        side_by_side = " & ".join(f"{each} >/dev/null" for each in half_batch) + "; wait"
        batch = (0, 1)  # some are not approvable
        cases = {
            "python -c pass": process([python, "-c", "pass"]),
            "validate 1 file": process([*tool, "validate", files[0]], ok=(0, 1)),
            "load + check, every file": process([python, "-c", LOAD_CHECK, *files]),
            "load + check + floor docx": process([python, Path(__file__).parent / "_floor_batch.py", outlines,
                                                  folder / "floor", *files], before=_emptied(folder / "floor")),
            "batch -j 1": process([*tool, "batch", queue, "-o", folder / "j1", "-j", "1"], ok=batch,
                                  before=_emptied(folder / "j1")),
            "batch -j 2": process([*tool, "batch", queue, "-o", folder / "j2", "-j", "2"], ok=batch,
                                  before=_emptied(folder / "j2")),
            "two -j 1 halves side by side": process(["sh", "-c", side_by_side],
                                                     before=_emptied(*(folder / f"{h.name} out" for h in halves))),
            "batch, nothing changed": process([*tool, "batch", queue, "-o", again], ok=batch),
        }
        results = interleave(cases, rounds, warmup=0 if args.smoke else 1, budget=None if args.smoke else 240,
                             min_rounds=min(rounds, 3))
        print()
        table(results, f"whole processes, {count} submissions ({sessions} sessions) to docx")
        per = results.median("batch -j 1") / count
        print(f"  per submission: batch -j 1 {per * 1000:.1f} ms CPU, load + check "
              f"{results.median('load + check, every file') / count * 1000:.1f} ms CPU")
        ratio_line(results, "batch -j 1", "load + check, every file", target=2)
        ratio_line(results, "load + check + floor docx", "load + check, every file",
                   label="the floor of that ratio: load + check + floor docx / load + check")
        ratio_line(results, "batch -j 1", "load + check + floor docx")
        ratio_line(results, "batch -j 1", "batch -j 2", metric="wall", at_least=True, target=1.8,
                   label="speed-up of -j 2 (wall time, batch -j 1 / batch -j 2)")
        ratio_line(results, "batch -j 1", "two -j 1 halves side by side", metric="wall",
                   label="what two processes give here (wall time, batch -j 1 / two -j 1 halves side by side)")
        ratio_line(results, "batch, nothing changed", "validate 1 file", target=1)

        small, large = (20, 200) if args.smoke else (200, 2000)
        inputs = folder / "inputs"
        inputs.mkdir()
        many = []
        for n in range(large):
            path = inputs / f"submission-{n:05d}.yaml"
            path.write_text(f"# submission {n}\n", encoding="utf-8")
            many.append(path)
        planning = interleave({
            f"plan {small} inputs": in_process(lambda: plan(many[:small], folder / "out", ("docx",))),
            f"plan {large} inputs": in_process(lambda: plan(many, folder / "out", ("docx",))),
        }, 3 if args.smoke else 9, warmup=1, budget=30)
        print()
        table(planning, "planning (output names and content hashes), in-process")
        k = exponent(planning.median(f"plan {small} inputs"), planning.median(f"plan {large} inputs"), small, large)
        print(f"  planning time ~ inputs**{k:.2f} from {small} to {large} inputs (1 is linear)")
    print(loads())


if __name__ == "__main__":
    main()
