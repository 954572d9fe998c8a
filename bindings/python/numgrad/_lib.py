"""Loading libnumgrad with ctypes, its ABI structs, and the one call both front ends share.

Nothing here knows about numpy or torch: the front ends describe their arrays as
(dtype code, shape, element strides, address) and get back either success or an
exception built from the library's status and message.
"""

import ctypes
import ctypes.util
import os
import sys

__all__ = [
    "LIBRARY_PATH",
    "library_version",
    "NG_FLOAT32", "NG_FLOAT64", "NG_COMPLEX64", "NG_COMPLEX128",
    "NG_INT8", "NG_INT16", "NG_INT32", "NG_INT64",
    "NG_UINT8", "NG_UINT16", "NG_UINT32", "NG_UINT64",
]

# The ABI this package was written against (include/numgrad.h). The library must have
# the same major version and at least this minor version.
EXPECTED_MAJOR = 0
MINIMUM_MINOR = 1

# ng_dtype
NG_FLOAT32 = 1
NG_FLOAT64 = 2
NG_COMPLEX64 = 3
NG_COMPLEX128 = 4
NG_INT8 = 5
NG_INT16 = 6
NG_INT32 = 7
NG_INT64 = 8
NG_UINT8 = 9
NG_UINT16 = 10
NG_UINT32 = 11
NG_UINT64 = 12

# ng_spacing_kind
NG_SPACING_UNIT = 0
NG_SPACING_SCALAR = 1
NG_SPACING_COORDS = 2

# ng_boundary_mode
NG_BOUNDARY_EDGE = 0
NG_BOUNDARY_PERIODIC = 1
NG_BOUNDARY_HALO = 2

# ng_status
NG_OK = 0
NG_ERR_NULL_POINTER = 1
NG_ERR_NDIM = 2
NG_ERR_SHAPE = 3
NG_ERR_DIM_RANGE = 4
NG_ERR_DIM_REPEATED = 5
NG_ERR_SPACING_COUNT = 6
NG_ERR_SPACING = 7
NG_ERR_COORD_LENGTH = 8
NG_ERR_EDGE_ORDER = 9
NG_ERR_TOO_FEW_POINTS = 10
NG_ERR_OUTPUT_COUNT = 11
NG_ERR_OUTPUT_SHAPE = 12
NG_ERR_OUTPUT_DTYPE = 13
NG_ERR_OVERFLOW = 14
NG_ERR_OVERLAP = 15
NG_ERR_DTYPE = 16
NG_ERR_OPTIONS = 17
NG_ERR_NO_MEMORY = 18
NG_ERR_INTERNAL = 19
NG_ERR_BOUNDARY = 20
NG_ERR_ACCURACY = 21
NG_ERR_COORDINATES = 22

NG_MAX_NDIM = 32
INT32_MIN = -(2 ** 31)
INT32_MAX = 2 ** 31 - 1

_c_int64_p = ctypes.POINTER(ctypes.c_int64)


class NgArray(ctypes.Structure):
    _fields_ = [
        ("dtype", ctypes.c_int32),
        ("ndim", ctypes.c_int32),
        ("shape", _c_int64_p),
        ("strides", _c_int64_p),
        ("data", ctypes.c_void_p),
    ]


class NgSpacing(ctypes.Structure):
    _fields_ = [
        ("kind", ctypes.c_int32),
        ("reserved", ctypes.c_int32),
        ("h", ctypes.c_double),
        ("coords", ctypes.POINTER(ctypes.c_double)),
        ("ncoords", ctypes.c_int64),
    ]


class NgBoundary(ctypes.Structure):
    _fields_ = [
        ("lower", ctypes.c_int32),
        ("upper", ctypes.c_int32),
        ("period", ctypes.c_double),
    ]


class NgOptions(ctypes.Structure):
    # Grows only at its end (struct_size tells the library which fields exist).
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("ndims", ctypes.c_int32),
        ("dims", ctypes.POINTER(ctypes.c_int32)),
        ("spacing", ctypes.POINTER(NgSpacing)),
        ("nspacing", ctypes.c_int32),
        ("edge_order", ctypes.c_int32),
        ("threads", ctypes.c_int32),
        ("reserved", ctypes.c_int32),
        # since 0.1: beyond numpy
        ("boundary", ctypes.POINTER(NgBoundary)),
        ("nboundary", ctypes.c_int32),
        ("accuracy", ctypes.c_int32),
        ("strict", ctypes.c_int32),
        ("reserved2", ctypes.c_int32),
    ]



def _candidates():
    """(description, name-or-path) pairs tried in order when NUMGRAD_LIBRARY is unset."""
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.platform == "darwin":
        names = ["libnumgrad.0.dylib", "libnumgrad.dylib"]
    elif sys.platform == "win32":
        names = ["numgrad.dll", "libnumgrad.dll", "libnumgrad-0.dll"]
    else:
        names = ["libnumgrad.so.0", "libnumgrad.so"]
    out = []
    # A copy shipped inside the package (wheels, vendored installs).
    for name in names:
        path = os.path.join(here, name)
        if os.path.exists(path):
            out.append(("next to the package", path))
    # The dynamic loader's own search: LD_LIBRARY_PATH, rpath, the ldconfig cache.
    for name in names:
        out.append(("dynamic loader search", name))
    found = ctypes.util.find_library("numgrad")
    if found and found not in names:
        out.append(("ctypes.util.find_library('numgrad')", found))
    return out


def _load():
    env = os.environ.get("NUMGRAD_LIBRARY")
    if env:
        try:
            return ctypes.CDLL(env), env
        except OSError as exc:
            raise ImportError(
                "numgrad: NUMGRAD_LIBRARY=%r could not be loaded (%s). Point NUMGRAD_LIBRARY "
                "at a built libnumgrad shared library (e.g. <builddir>/lib/libnumgrad.so), "
                "or unset it to search the usual places." % (env, exc)) from exc
    tried = []
    for how, name in _candidates():
        try:
            return ctypes.CDLL(name), name
        except OSError as exc:
            tried.append("  %s (%s): %s" % (name, how, exc))
    raise ImportError(
        "numgrad: the shared library libnumgrad was not found. Tried:\n%s\n"
        "NUMGRAD_LIBRARY is not set. Build the library (meson setup build && ninja -C build) "
        "and set NUMGRAD_LIBRARY=<builddir>/lib/libnumgrad.so, or install it where the "
        "dynamic loader finds it (ldconfig, LD_LIBRARY_PATH)." % "\n".join(tried))


_dll, LIBRARY_PATH = _load()


def _bind(name, restype, argtypes):
    try:
        fn = getattr(_dll, name)
    except AttributeError as exc:
        raise ImportError("numgrad: %s does not export %s: it is not a numgrad library of "
                          "a compatible version" % (LIBRARY_PATH, name)) from exc
    fn.restype = restype
    fn.argtypes = argtypes
    return fn


ng_gradient = _bind("ng_gradient", ctypes.c_int32,
                    [ctypes.POINTER(NgArray), ctypes.POINTER(NgOptions),
                     ctypes.POINTER(NgArray), ctypes.c_int32])
ng_result_dtype = _bind("ng_result_dtype", ctypes.c_int32, [ctypes.c_int32])
ng_dtype_size = _bind("ng_dtype_size", ctypes.c_int64, [ctypes.c_int32])
ng_status_string = _bind("ng_status_string", ctypes.c_char_p, [ctypes.c_int32])
ng_last_error = _bind("ng_last_error", ctypes.c_char_p, [])
ng_version = _bind("ng_version", ctypes.c_int32, [])
ng_version_string = _bind("ng_version_string", ctypes.c_char_p, [])


def library_version():
    """The loaded library's version as a (major, minor, patch) tuple."""
    v = ng_version()
    return (v // 10000, v // 100 % 100, v % 100)


_major, _minor, _patch = library_version()
if _major != EXPECTED_MAJOR or _minor < MINIMUM_MINOR:
    raise ImportError(
        "numgrad: %s is version %d.%d.%d, but this Python package needs %d.x with x >= %d. "
        "Point NUMGRAD_LIBRARY at a matching build." % (
            LIBRARY_PATH, _major, _minor, _patch, EXPECTED_MAJOR, MINIMUM_MINOR))


class Array:
    """A strided array as the library sees it: dtype code, shape, element strides, address.

    `owner` is whatever keeps the memory alive (a numpy array, a tensor) for the call.
    """

    __slots__ = ("dtype", "shape", "strides", "data", "owner")

    def __init__(self, dtype, shape, strides, data, owner):
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.data = data
        self.owner = owner


# A non-NULL address for arrays with no elements (torch gives 0 for those); the library
# reads no element of an empty array, but a NULL pointer would look like a caller bug.
_empty_buffer = ctypes.c_double(0.0)
_EMPTY_ADDRESS = ctypes.addressof(_empty_buffer)


def _fill(desc, a):
    nd = len(a.shape)
    shape = (ctypes.c_int64 * nd)(*a.shape)
    strides = (ctypes.c_int64 * nd)(*a.strides)
    desc.dtype = a.dtype
    desc.ndim = nd
    desc.shape = shape
    desc.strides = strides
    desc.data = a.data or _EMPTY_ADDRESS
    return shape, strides  # the caller keeps these alive during the call


def call(inp, outputs, dims, spacing, edge_order, threads, errors, boundary=(), accuracy=2,
         strict=0):
    """Runs ng_gradient; raises errors(status, message) on failure.

    inp, outputs: Array; dims: None (all) or a list of ints that fit int32;
    spacing: list of ("scalar", h) / ("coords", contiguous float64 numpy-like with
    .ctypes and len) entries; edge_order, threads, accuracy, strict: ints that fit int32;
    boundary: a list of (lower mode, upper mode, period) entries (ng_options.boundary).
    """
    keep = []
    c_in = NgArray()
    keep.append(_fill(c_in, inp))
    k = len(outputs)
    c_out = (NgArray * max(k, 1))()
    for i, o in enumerate(outputs):
        keep.append(_fill(c_out[i], o))

    opt = NgOptions()
    opt.struct_size = ctypes.sizeof(NgOptions)
    if dims is not None:
        c_dims = (ctypes.c_int32 * max(len(dims), 1))(*dims)
        opt.dims = c_dims
        opt.ndims = len(dims)
        keep.append(c_dims)
    if spacing:
        c_sp = (NgSpacing * len(spacing))()
        for s, (kind, value) in zip(c_sp, spacing):
            if kind == "scalar":
                s.kind = NG_SPACING_SCALAR
                s.h = value
            else:
                s.kind = NG_SPACING_COORDS
                s.coords = ctypes.cast(value.ctypes.data, ctypes.POINTER(ctypes.c_double))
                s.ncoords = len(value)
        opt.spacing = c_sp
        opt.nspacing = len(spacing)
        keep.append(c_sp)
    opt.edge_order = edge_order
    opt.threads = threads
    if boundary:
        c_bd = (NgBoundary * len(boundary))()
        for b, (lower, upper, period) in zip(c_bd, boundary):
            b.lower = lower
            b.upper = upper
            b.period = period
        opt.boundary = c_bd
        opt.nboundary = len(boundary)
        keep.append(c_bd)
    opt.accuracy = accuracy
    opt.strict = strict

    status = ng_gradient(ctypes.byref(c_in), ctypes.byref(opt), c_out, k)
    if status != NG_OK:
        message = ng_last_error().decode("utf-8", "replace")
        raise errors(status, message)
    del keep


def status_name(status):
    return ng_status_string(status).decode("ascii", "replace")
