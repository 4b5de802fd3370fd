"""Build the reference docs in docs/reference/ from the modules' and roles' own documentation.

    python -m tests.docs_build           # regenerate docs/reference/ (what `make docs` runs)
    python -m tests.docs_build --check   # exit 1, naming each difference, when docs/reference/ is stale

antsibull-docs (the tool that builds docs.ansible.com) renders DOCUMENTATION, EXAMPLES, RETURN and
meta/argument_specs.yml as plain reStructuredText: an index.rst plus one page per module and role.
The build is offline and deterministic: the collection is found through a throwaway
ansible_collections/ link to this repo, no tool version is written, and no path or date appears in
the pages, so the same sources always give the same bytes.
"""
from __future__ import annotations

import argparse
import difflib
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS_DIR = REPO / "docs" / "reference"
NAMESPACE, NAME = "idm", "okta_salesforce"
COLLECTION = "%s.%s" % (NAMESPACE, NAME)
ANTSIBULL_DOCS_ARGS = [
    "collection", "--use-current", "--squash-hierarchy", "--output-format", "simplified-rst",
    "--no-add-antsibull-docs-version", "--no-breadcrumbs", "--fail-on-error",
]
STALE_HINT = "run `make docs` (or `.venv/bin/python -m tests.docs_build`) and include docs/reference/ in the change"
DIFF_LINES_SHOWN = 40


class DocsBuildError(RuntimeError):
    """antsibull-docs is missing or failed; the message carries its output."""


def tool_path(name: str) -> str:
    """The console script installed next to this Python (the project venv), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise DocsBuildError("%s not found: pip install -r tests/requirements.txt into the venv" % name)
    return found


def collection_link(work: Path) -> Path:
    """Where ansible_environment(work) makes this repo appear as the collection."""
    return work / "collections" / "ansible_collections" / NAMESPACE / NAME


def ansible_environment(work: Path) -> dict:
    """Environment for ansible tools run in work: only this collection (linked under work), an empty
    ansible.cfg instead of the caller's, no ANSIBLE_* settings of the caller, and this venv's ansible first."""
    link = collection_link(work)
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.is_symlink():
        link.symlink_to(REPO, target_is_directory=True)
    config_file = work / "ansible.cfg"
    config_file.write_text("", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(link.parents[2]),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_CONFIG=str(config_file),
        ANSIBLE_NOCOLOR="1",
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", os.defpath)]),
    )
    return env


def build(dest: Path) -> None:
    """Write the reference pages into dest (replacing it), with nothing else in it."""
    antsibull_docs = tool_path("antsibull-docs")
    with tempfile.TemporaryDirectory(prefix="docs-build-") as work:
        env = ansible_environment(Path(work))
        out = Path(work) / "out"
        out.mkdir()
        done = subprocess.run(
            [antsibull_docs, *ANTSIBULL_DOCS_ARGS, "--dest-dir", str(out), COLLECTION],
            cwd=work, env=env, capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            raise DocsBuildError("antsibull-docs failed (exit %d):\n%s%s" % (done.returncode, done.stdout, done.stderr))
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(out, dest)


def relative_files(root: Path) -> set[str]:
    """Every file under root, as a POSIX path relative to it."""
    if not root.is_dir():
        return set()
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def differences(checked_in: Path, fresh: Path) -> list[str]:
    """One line per file that is missing, stale or changed in checked_in, followed by a short diff of each change."""
    expected, actual = relative_files(fresh), relative_files(checked_in)
    problems = ["missing: %s" % name for name in sorted(expected - actual)]
    problems += ["not generated any more: %s" % name for name in sorted(actual - expected)]
    for name in sorted(expected & actual):
        if filecmp.cmp(checked_in / name, fresh / name, shallow=False):
            continue
        diff = list(difflib.unified_diff(
            (checked_in / name).read_text(encoding="utf-8").splitlines(),
            (fresh / name).read_text(encoding="utf-8").splitlines(),
            fromfile="checked in/" + name, tofile="generated/" + name, lineterm="", n=1,
        ))
        shown = diff[:DIFF_LINES_SHOWN] + (["... (%d more diff lines)" % (len(diff) - DIFF_LINES_SHOWN)] if len(diff) > DIFF_LINES_SHOWN else [])
        problems.append("changed: %s\n%s" % (name, "\n".join("    " + line for line in shown)))
    return problems


def stale_message(problems: list[str], docs_dir: Path = DOCS_DIR) -> str:
    """What a developer reads when the checked-in docs do not match the sources."""
    where = docs_dir.relative_to(REPO).as_posix() if docs_dir.is_relative_to(REPO) else str(docs_dir)
    return "%s/ is out of date with the modules' and roles' documentation: %s.\n%s" % (
        where, STALE_HINT, "\n".join(problems))


def check(docs_dir: Path = DOCS_DIR) -> list[str]:
    """Build into a temporary directory and compare it with docs_dir; [] when they match."""
    with tempfile.TemporaryDirectory(prefix="docs-check-") as work:
        fresh = Path(work) / "reference"
        build(fresh)
        return differences(docs_dir, fresh)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.docs_build", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 when they differ")
    parser.add_argument("--docs-dir", type=Path, default=DOCS_DIR, help="default: docs/reference in the repo")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = check(args.docs_dir)
            if problems:
                print(stale_message(problems, args.docs_dir.resolve()), file=sys.stderr)
                return 1
            print("%s is up to date" % args.docs_dir)
            return 0
        build(args.docs_dir)
    except DocsBuildError as error:
        print(error, file=sys.stderr)
        return 2
    print("wrote %s: %s" % (args.docs_dir, ", ".join(sorted(relative_files(args.docs_dir)))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
