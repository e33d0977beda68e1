#!/usr/bin/env python3
"""Writes docs/reliability.md: the matrix of docs/reliability-rows.tsv with, per row, the test classes that
prove it (every module's src/test/java) and the figures they measured (every module's target/reliability/*.txt,
written by io.blip.testkit.Reliability.figure: line 1 the row, line 2 the test class, then the figure).
Run by ./dev reliability after the tests; run alone, it uses the figures of the last test run."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
ROW_CLASS = re.compile(r"^(R([1-9]|[12][0-9]|3[0-2]))[A-Z]\w*Test\.java$")


def rows():
    out = []
    for line in (ROOT / "docs" / "reliability-rows.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            row, scenario, goal = line.split("\t")
            out.append((row, scenario, goal))
    return out


def test_classes():
    """Row -> the row's test classes, as module/Class."""
    found = {}
    for path in sorted(ROOT.glob("**/src/test/java/**/R*Test.java")):
        if "/target/" in path.as_posix():
            continue
        m = ROW_CLASS.match(path.name)
        if m:
            module = path.relative_to(ROOT).parts[0]
            found.setdefault(m.group(1), []).append((module, path.stem))
    return found


def figures():
    """Row -> {simple class name: figure}."""
    found = {}
    for path in sorted(ROOT.glob("*/target/reliability/*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n", 2)
        if len(lines) < 3:
            continue
        row, test, figure = lines[0].strip(), lines[1].strip(), lines[2].strip()
        found.setdefault(row, {})[test.rsplit(".", 1)[-1]] = " ".join(figure.split())
    return found


def cell(text):
    return text.replace("|", "\\|")


def main():
    tests, measured = test_classes(), figures()
    lines = [
        "# Reliability matrix",
        "",
        "What Blip for Java does when MySQL, the network, a sink, AWS or its own configuration fails: each row of",
        "the reference matrix (`docs/reliability-rows.tsv`, from reliability.md §9; its figures are goals), the test",
        "class that proves it, named `R<n><What>Test`, and the figure that test measured in its last run (it asserts",
        "that figure, not merely that nothing was thrown). The tests run with every build (`./dev test`, CI);",
        "`./dev reliability` runs only them and writes this page again. `ReliabilityMatrixTest` fails when a row",
        "has no test and is not listed, with its reason, as pending.",
        "",
        "| row | scenario | goal | test | figure measured |",
        "|---|---|---|---|---|",
    ]
    missing = 0
    for row, scenario, goal in rows():
        classes = tests.get(row, [])
        if not classes:
            missing += 1
            lines.append(f"| {row} | {cell(scenario)} | {cell(goal)} | no test yet | |")
            continue
        names = "<br>".join(f"`{cls}` ({module})" for module, cls in classes)
        figs = measured.get(row, {})
        said = "<br>".join(cell(figs[cls]) if cls in figs else f"{cls}: not run" for _, cls in classes)
        lines.append(f"| {row} | {cell(scenario)} | {cell(goal)} | {names} | {said} |")
    lines += ["", f"{32 - missing} of 32 rows have a test.", ""]
    (ROOT / "docs" / "reliability.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"docs/reliability.md: {32 - missing} of 32 rows have a test", file=sys.stderr)


if __name__ == "__main__":
    main()
