"""Proof that the suite can fail: plant each bug of bugs.py in a copy of the collection, run the tests that
must catch it, and show that they fail.

    python -m tests.planted_bugs [--baseline] [--keep] [NAME ...]

One copy of the repository (without .git, .venv, build) in a temporary directory; for each bug its
edits are applied (each `old` text must occur exactly once, else the run stops: the entry no longer
matches the code), its tests run there with this Python, then the files are restored. A bug is caught
when pytest reports failed tests (exit code 1); any other outcome (passed, or pytest could not run)
counts as not caught. `--baseline` first runs every bug's tests on the unplanted copy, which must pass.
Exits non-zero if any bug is not caught. Nothing here touches plugins/ of the repository itself.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.planted_bugs.bugs import BUGS

REPO = Path(__file__).resolve().parents[2]
SKIP = {".git", ".venv", "build", "__pycache__", ".pytest_cache", "output", "okta_sf_reports"}


class PlantError(RuntimeError):
    """A bug's edit does not match the code (its old text is missing or not unique)."""


def copy_collection(target: Path) -> Path:
    copy = target / "okta_salesforce"
    shutil.copytree(REPO, copy, symlinks=True, ignore=lambda _dir, names: [n for n in names if n in SKIP])
    return copy


def plant(copy: Path, bug) -> dict:
    """Apply the bug's edits; returns {path: original text} to restore."""
    originals = {}
    for edit in bug.edits:
        path = copy / edit.path
        text = originals.get(path) or path.read_text(encoding="utf-8")
        originals.setdefault(path, text)
        current = path.read_text(encoding="utf-8")
        found = current.count(edit.old)
        if found != 1:
            restore(originals)
            raise PlantError(f"{bug.name}: the text to replace occurs {found} times in {edit.path} (must be once): "
                             f"{edit.old[:120]!r}")
        path.write_text(current.replace(edit.old, edit.new), encoding="utf-8")
    return originals


def restore(originals: dict) -> None:
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")


def run_tests(copy: Path, tests) -> tuple:
    """(pytest exit code, seconds, the lines naming failed tests) of `tests` run in the copy."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1",
               ANSIBLE_COLLECTIONS_PATH=str(copy / "build" / "collections"), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false")
    started = time.monotonic()
    # Its own base temp directory: another pytest session on the machine prunes the shared numbered ones.
    basetemp = copy.parent / "pytest"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", f"--basetemp={basetemp}", *tests],
                          cwd=copy,
                          env=env, capture_output=True, text=True, check=False)
    failed = [line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    # The first assertion line says why (pytest's "E   ..." lines).
    failed += [line.strip() for line in proc.stdout.splitlines() if line.startswith("E   ")][:1]
    if proc.returncode not in (0, 1):
        failed.append((proc.stdout + proc.stderr)[-1500:])
    return proc.returncode, time.monotonic() - started, failed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these bugs (by name)")
    parser.add_argument("--baseline", action="store_true", help="first run the tests on the unplanted copy (must pass)")
    parser.add_argument("--keep", action="store_true", help="keep the copy (its path is printed)")
    args = parser.parse_args(argv)
    bugs = [bug for bug in BUGS if not args.names or bug.name in args.names]
    unknown = set(args.names) - {bug.name for bug in BUGS}
    if unknown:
        parser.error(f"no planted bug named {sorted(unknown)}; known: {[bug.name for bug in BUGS]}")

    workdir = Path(tempfile.mkdtemp(prefix="planted-"))
    copy = copy_collection(workdir)
    print(f"planted bugs: {len(bugs)}, in a copy at {copy}", flush=True)
    caught, missed = [], []
    try:
        if args.baseline:
            tests = sorted({test for bug in bugs for test in bug.tests})
            code, seconds, failed = run_tests(copy, tests)
            print(f"baseline (no bug planted): pytest exit {code} in {seconds:.0f} s", flush=True)
            if code != 0:
                print("\n".join(failed))
                print("the tests fail without any planted bug: no bug can be shown caught")
                return 2
        for bug in bugs:
            originals = plant(copy, bug)
            try:
                code, seconds, failed = run_tests(copy, bug.tests)
            finally:
                restore(originals)
            if code == 1:
                caught.append(bug.name)
                first = failed[0].split(" - ")[0] if failed else "a test failed"
                print(f"CAUGHT     {bug.name} ({seconds:.0f} s): {first}", flush=True)
                if len(failed) > 1:
                    print(f"           {failed[-1][:300]}", flush=True)
            else:
                missed.append(bug.name)
                outcome = "the tests passed" if code == 0 else f"pytest could not run them (exit {code})"
                print(f"NOT CAUGHT {bug.name} ({seconds:.0f} s): {outcome}; {bug.why}", flush=True)
                for line in failed:
                    print("    " + line)
    except PlantError as error:
        print(f"CANNOT PLANT {error}")
        return 2
    finally:
        if args.keep:
            print(f"copy kept at {copy}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"planted bugs: {len(caught)} of {len(bugs)} caught" + (f"; not caught: {', '.join(missed)}" if missed else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
