"""Time `coursereview validate` as a whole process against the bare interpreter and the import floors, in one run.

Run: python benchmarks/validate.py [--sessions N] [--files N] [--rounds N] [--smoke]
Whole processes, interleaved: `python -c pass`; importing the libraries validate stands on
(yaml, marshmallow, click); importing coursereview.cli; `coursereview validate` of one file and of
``--files`` files in one call; PyYAML loading the same files. Then in-process: load, check and
PyYAML's own load of the same file. Prints medians and paired ratios; never fails on timing.
Targets (issue 15): validate <= 10x `python -c pass`; per extra file <= 1.5x PyYAML's load of it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml
from harness import command, in_process, interleave, loads, machine, marginal, process, ratio_line, table, write_program

LOAD_ALL = "import sys, yaml\nL = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)\n" \
           "for f in sys.argv[1:]:\n    yaml.load(open(f, 'rb'), Loader=L)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--files", type=int, default=20, help="files in the many-files call")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--smoke", action="store_true", help="two rounds of small work, for CI")
    args = parser.parse_args()
    rounds, count = (1, 3) if args.smoke else (args.rounds, max(2, args.files))
    machine("validate")
    python, tool = sys.executable, command("coursereview")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = [write_program(folder, f"bench-{n}.yaml", args.sessions, n) for n in range(count)]
        one = files[:1]
        cases = {
            "python -c pass": process([python, "-c", "pass"]),
            "import yaml, marshmallow, click": process([python, "-c", "import yaml, marshmallow, click"]),
            "import coursereview.cli": process([python, "-c", "import coursereview.cli"]),
            "validate 1 file": process([*tool, "validate", *one]),
            f"validate {count} files": process([*tool, "validate", *files]),
            "PyYAML load 1 file": process([python, "-c", LOAD_ALL, *one]),
            f"PyYAML load {count} files": process([python, "-c", LOAD_ALL, *files]),
        }
        results = interleave(cases, rounds, warmup=0 if args.smoke else 1, budget=90, min_rounds=min(rounds, 3))

        results.derive("validate, per extra file", marginal(f"validate {count} files", "validate 1 file", count - 1))
        results.derive("PyYAML load, per extra file",
                       marginal(f"PyYAML load {count} files", "PyYAML load 1 file", count - 1))
        print()
        table(results, f"whole processes, {args.sessions} sessions per file")
        print("ratios (paired by round):")
        ratio_line(results, "validate 1 file", "python -c pass", target=10)
        ratio_line(results, "validate 1 file", "python -c pass", metric="wall")
        ratio_line(results, "import coursereview.cli", "python -c pass")
        ratio_line(results, "import yaml, marshmallow, click", "python -c pass")
        ratio_line(results, "validate 1 file", "import coursereview.cli",
                   label="validate 1 file / import coursereview.cli (the work beyond imports)")
        ratio_line(results, "validate, per extra file", "PyYAML load, per extra file", target=1.5)

        from coursereview import check, load_submission
        from coursereview.documents.text_report import text_report
        from coursereview.intake.text import _Loader

        path = one[0]
        raw = path.read_bytes()
        submission = load_submission(path)
        review = check(submission)
        inner = interleave({
            "PyYAML load": in_process(lambda: yaml.load(raw, Loader=_Loader)),  # noqa: S506 (a safe loader)
            "load_submission": in_process(lambda: load_submission(path)),
            "check": in_process(lambda: check(submission)),
            "text_report": in_process(lambda: text_report(review, False)),
            "load + check + report": in_process(lambda: text_report(check(load_submission(path)), False)),
        }, rounds * 3, warmup=2, budget=20 if not args.smoke else 2)
        print()
        table(inner, f"in-process, one {args.sessions}-session file, warm (criteria and imports cached)")
        print("ratios (paired by round):")
        ratio_line(inner, "load_submission", "PyYAML load")
        ratio_line(inner, "load + check + report", "PyYAML load")
    print(f"verdict of the benchmark file: {review.verdict}; {loads()}")


if __name__ == "__main__":
    main()
