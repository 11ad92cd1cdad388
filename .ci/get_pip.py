"""Offline stand-in for the pip bootstrap script ansible-test downloads.

ansible-test bootstraps pip into the virtual environments of its sanity tests by running
a get-pip script it fetches from a host that is not reachable from here. This script does
the same job with the pip wheel bundled in CPython's ensurepip: it runs that pip's
`install` with the arguments ansible-test passes (e.g. pip==24.2), which then come from
the package index as usual. The Makefile copies it to the cache path ansible-test checks
first (~/.ansible/test/cache/get_pip_<version>.py under .build/home).
"""

import ensurepip
import glob
import os
import sys

wheels = glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl"))
if not wheels:
    sys.exit("get_pip.py: this Python has no bundled pip wheel (ensurepip); install python3-venv / python3-pip")
sys.path.insert(0, wheels[0])

from pip._internal.cli.main import main  # noqa: E402

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install", *args]))
