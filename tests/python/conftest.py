"""pytest setup for the numgrad Python binding.

`meson test --suite python` sets NUMGRAD_LIBRARY (the built library) and PYTHONPATH
(bindings/python). Run by hand:

    NUMGRAD_LIBRARY=<builddir>/lib/libnumgrad.so /usr/bin/python3 -m pytest -q tests/python
"""

import os
import sys

import importlib.util

_here = os.path.dirname(os.path.abspath(__file__))
_package_root = os.path.normpath(os.path.join(_here, "..", "..", "bindings", "python"))
# The package of this tree, unless PYTHONPATH already provides one.
if importlib.util.find_spec("numgrad") is None:
    sys.path.insert(0, _package_root)
if _here not in sys.path:
    sys.path.insert(0, _here)
