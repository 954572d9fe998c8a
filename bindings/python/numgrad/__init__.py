"""numgrad: numerical gradients with numpy.gradient's exact arithmetic, computed by libnumgrad.

    import numgrad
    gx, gy = numgrad.gradient(f, 0.5, x_coords, edge_order=2)   # as numpy.gradient

    import numgrad.torch                                          # imports torch
    (g,) = numgrad.torch.gradient(t, spacing=2.0, dim=1)          # as torch.gradient

The shared library is found through the NUMGRAD_LIBRARY environment variable (a path),
then next to this package, then by the dynamic loader (LD_LIBRARY_PATH, ldconfig).
"""

from ._lib import LIBRARY_PATH, library_version
from ._numpy import AxisError, gradient

__version__ = "0.1.0"
__all__ = ["gradient", "library_version", "LIBRARY_PATH", "AxisError", "__version__"]


def __getattr__(name):
    # numgrad.torch is imported on first use, so that importing numgrad never imports torch.
    if name == "torch":
        import importlib
        return importlib.import_module(".torch", __name__)
    raise AttributeError("module 'numgrad' has no attribute %r" % name)
