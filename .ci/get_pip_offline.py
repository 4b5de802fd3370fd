"""Offline stand-in for get-pip.py: ensurepip, then `pip install` with the arguments it was given.

ansible-test bootstraps pip in each venv it makes (created --without-pip) by running a get-pip.py it
downloads from a host that may be unreachable, unless one is cached in ~/.ansible/test/cache/. Its
quiet_pip.py runs this file with e.g. `--disable-pip-version-check pip==25.2 --no-setuptools --no-wheel`;
the last two are get-pip options, the rest go to pip, which fetches the asked-for pip from the index.
"""
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")


def main():
    """Install the bundled pip, then let it install the packages ansible-test asked for."""
    arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_OPTIONS]
    subprocess.run([sys.executable, "-m", "ensurepip", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
    return subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *arguments], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
