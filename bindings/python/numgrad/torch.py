"""numgrad.torch.gradient: torch.gradient's interface on CPU tensors, numpy's numbers.

Importing this module imports torch; importing ``numgrad`` does not.
"""

import numbers
import operator

import numpy as np
import torch

from . import _lib, _options
from ._numpy import _own_error

__all__ = ["gradient"]

_CODES = {
    torch.float32: _lib.NG_FLOAT32,
    torch.float64: _lib.NG_FLOAT64,
    torch.complex64: _lib.NG_COMPLEX64,
    torch.complex128: _lib.NG_COMPLEX128,
    torch.int8: _lib.NG_INT8,
    torch.int16: _lib.NG_INT16,
    torch.int32: _lib.NG_INT32,
    torch.int64: _lib.NG_INT64,
    torch.uint8: _lib.NG_UINT8,
}
for _name, _code in (("uint16", _lib.NG_UINT16), ("uint32", _lib.NG_UINT32),
                     ("uint64", _lib.NG_UINT64)):
    if isinstance(getattr(torch, _name, None), torch.dtype):  # torch >= 2.3
        _CODES[getattr(torch, _name)] = _code
_DTYPES = {code: dt for dt, code in _CODES.items() if code not in
           (_lib.NG_UINT16, _lib.NG_UINT32, _lib.NG_UINT64)}
# Computed in float32 (or wider, if the result is wider) and rounded back.
_HALF = (torch.float16, torch.bfloat16)


def _error(status, message):
    # torch raises IndexError for a dim out of range and RuntimeError for the rest.
    if status == _lib.NG_ERR_DIM_RANGE:
        cls = IndexError
    elif status == _lib.NG_ERR_NO_MEMORY:
        cls = MemoryError
    else:
        cls = RuntimeError
    exc = cls(message)
    exc.status = status
    exc.status_name = _lib.status_name(status)
    return exc


def _option_error(cls, message):
    # A bad value of boundary/period/accuracy/strict: RuntimeError, as torch raises (and as
    # the library's statuses are mapped); a wrong type stays a TypeError.
    if cls is ValueError:
        cls = RuntimeError
    return _own_error(cls, "numgrad.torch.gradient: " + message)


def _empty(x, shape, dtype):
    """An uninitialised tensor of `shape` with x's dim order (empty_like for x's shape)."""
    shape = tuple(shape)
    if shape == tuple(x.shape):
        return torch.empty_like(x, dtype=dtype)
    # Outer to inner as in x (largest stride first), the allocation contiguous in that order.
    order = sorted(range(x.dim()), key=lambda d: -abs(x.stride(d)))
    t = torch.empty([shape[d] for d in order], dtype=dtype)
    inverse = [order.index(d) for d in range(x.dim())]
    return t.permute(inverse)


def _floating(dt):
    """torch's result dtype rule: integer results become the default float dtype."""
    if dt.is_floating_point or dt.is_complex:
        return dt
    return torch.get_default_dtype()


def _is_scalar(v):
    if isinstance(v, torch.Tensor):
        return v.dim() == 0
    return isinstance(v, numbers.Number)


def _scalar(v):
    if isinstance(v, torch.Tensor):
        if v.is_complex():
            v = complex(v.item())
        elif v.dtype == torch.bool:
            v = bool(v.item())
        else:
            v = v.item()
    if isinstance(v, numbers.Complex) and not isinstance(v, numbers.Real):
        raise _own_error(TypeError, "numgrad.torch.gradient: complex spacing %r is not "
                         "supported: numgrad's spacings are real" % (v,))
    return float(v)


def _coords(t):
    if t.dim() != 1:
        raise _own_error(RuntimeError, "torch.gradient expected each element of spacing to "
                         "have one dimension, but got an element with %d dimensions!" % t.dim())
    if t.is_complex() or t.dtype == torch.bool:
        raise _own_error(TypeError, "numgrad.torch.gradient: coordinates of dtype %s are not "
                         "supported: give real numbers" % t.dtype)
    # Coordinates become float64 before any difference (integer ones never wrap).
    c = t.detach().to(device="cpu", dtype=torch.float64).resolve_conj().resolve_neg()
    return np.ascontiguousarray(c.numpy())


def _parse_spacing(spacing, k, dim_given, ndim):
    """(library spacing entries, per-result coordinate dtype or None)."""
    if spacing is None:
        return [], [None] * k
    if _is_scalar(spacing):
        return [("scalar", _scalar(spacing))], [None] * k
    if not isinstance(spacing, (list, tuple)):
        raise _own_error(TypeError, "numgrad.torch.gradient: spacing must be a scalar, a list "
                         "of scalars or a list of 1-D tensors, not %s" % type(spacing).__name__)
    if len(spacing) != k:
        # torch 1.13 crashes on a one-element list for a 2-D input; newer torch raises this.
        if dim_given:
            raise _own_error(RuntimeError, "torch.gradient expected spacing to be unspecified, "
                             "a scalar or it's spacing and dim arguments to have the same "
                             "length, but got a spacing argument of length %d and a dim "
                             "argument of length %d." % (len(spacing), k))
        raise _own_error(RuntimeError, "torch.gradient expected spacing to be unspecified, a "
                         "scalar or a list of length %d but got a list of length %d"
                         % (ndim, len(spacing)))
    tensors = [isinstance(s, torch.Tensor) for s in spacing]
    if any(tensors) and not all(tensors):
        raise _own_error(TypeError, "numgrad.torch.gradient: spacing mixes tensors and "
                         "scalars; give a list of scalars or a list of 1-D tensors")
    if spacing and all(tensors):
        return [("coords", _coords(t)) for t in spacing], [t.dtype for t in spacing]
    for s in spacing:
        if not isinstance(s, numbers.Number):
            raise _own_error(TypeError, "numgrad.torch.gradient: spacing entry %r is not a "
                             "number" % (s,))
    return [("scalar", _scalar(s)) for s in spacing], [None] * k


def _describe(t):
    code = _CODES[t.dtype]
    return _lib.Array(code, tuple(t.shape), list(t.stride()), t.data_ptr(), t)


def _check_dims(dims, ndim):
    """Range and repeat checks, for a call split in several library calls."""
    seen = set()
    for d in dims:
        if not -ndim <= d < ndim:
            raise _own_error(IndexError, "Dimension out of range (expected to be in range of "
                             "[%d, %d], but got %d)" % (-ndim, ndim - 1, d))
        d = d % ndim
        if d in seen:
            raise _own_error(RuntimeError, "dim %d appears multiple times in the list of dims"
                             % d)
        seen.add(d)


def gradient(input, *, spacing=1, dim=None, edge_order=1, boundary="edge", period=None,
             accuracy=2, strict=False):
    """Estimate the gradient of a function sampled in ``input``, as torch.gradient does.

    Same arguments and result dtypes as ``torch.gradient`` (a tuple of tensors, one per
    dim), but numpy.gradient's arithmetic: integers are differentiated in float64 (no
    wraparound), uint8 works, coordinate lengths are checked. CPU tensors of any strides
    are read in place; float16/bfloat16 are computed in float32. Does not record autograd.

    Beyond torch (keyword-only, as in ``numgrad.gradient``; the defaults are torch's
    behaviour):

    - ``boundary``: ``'edge'`` (one-sided differences), ``'periodic'`` (both sides: the
      samples wrap around) or ``'halo'`` (the outermost ``accuracy // 2`` samples on
      that side are ghost cells: read, not differentiated, and cut from every result);
      a string for every side, a ``(lower, upper)`` pair for every dim, or a sequence of
      those with one entry per differentiated dim.
    - ``period``: for periodic dims with coordinate tensors, the period L (the sample
      after ``x[-1]`` sits at ``x[0] + L``); a scalar for every such dim or one entry
      (None for none) per differentiated dim.
    - ``accuracy``: 2 (default), 4, 6 or 8: the order of the stencils, boundaries
      included (Fornberg's weights); needs ``accuracy + 1`` samples per dim.
    - ``strict``: raise for non-finite or non-monotonic coordinates, zero or non-finite
      spacings and bad periods, instead of returning inf and nan.

    Bad values of these raise RuntimeError (as torch does), wrong types TypeError.
    """
    if not isinstance(input, torch.Tensor):
        raise TypeError("gradient(): argument 'input' must be Tensor, not %s"
                        % type(input).__name__)
    if input.device.type != "cpu":
        raise _own_error(RuntimeError, "numgrad.torch.gradient works on CPU tensors; input is "
                         "on %s (use input.cpu())" % input.device)
    if input.layout != torch.strided:
        raise _own_error(RuntimeError, "numgrad.torch.gradient works on strided (dense) "
                         "tensors; input has layout %s" % input.layout)
    if input.requires_grad and torch.is_grad_enabled():
        raise _own_error(RuntimeError, "numgrad.torch.gradient does not record autograd; "
                         "input requires grad: use torch.gradient, or pass input.detach()")
    x = input.detach().resolve_conj().resolve_neg()
    if x.dtype == torch.bool:
        raise _own_error(RuntimeError, "numgrad.torch.gradient: boolean input is not "
                         "supported (torch cannot subtract booleans either)")
    if x.dtype not in _CODES and x.dtype not in _HALF:
        raise _own_error(TypeError, "numgrad.torch.gradient does not support dtype %s" % x.dtype)
    ndim = x.dim()
    if dim is None:
        dims = None
        k = ndim
    else:
        items = dim if isinstance(dim, (list, tuple)) else (dim,)
        dims = [operator.index(d) for d in items]
        for d in dims:
            if not _lib.INT32_MIN <= d <= _lib.INT32_MAX:
                raise _own_error(IndexError, "Dimension out of range (expected to be in range "
                                 "of [%d, %d], but got %d)" % (-ndim, ndim - 1, d))
        k = len(dims)
    entries, coord_dtypes = _parse_spacing(spacing, k, dim is not None, ndim)
    eo = operator.index(edge_order)
    if not _lib.INT32_MIN <= eo <= _lib.INT32_MAX:
        raise _own_error(RuntimeError, "torch.gradient only supports edge_order=1 and "
                         "edge_order=2.")

    extras = _options.parse(boundary, period, accuracy, strict, k,
                            [c is not None for c in coord_dtypes], _option_error)
    all_dims = dims if dims is not None else list(range(ndim))

    # torch's result dtype for each result.
    # (Coordinate differences are divided in torch, so integer coordinates act as the
    # default float dtype: float16 input with int64 coordinates gives float32.)
    targets = [_floating(x.dtype if c is None else torch.promote_types(x.dtype, _floating(c)))
               for c in coord_dtypes]
    groups = {}
    for i, t in enumerate(targets):
        groups.setdefault(t, []).append(i)
    if len(groups) > 1:
        _check_dims(dims if dims is not None else list(range(ndim)), ndim)

    results = [None] * k
    for target, idx in groups.items():
        xg = x
        if len(groups) == 1:
            sub_dims, sub_entries, sub_extras = dims, entries, extras
        else:
            sub_dims = [all_dims[i] for i in idx]
            sub_entries = entries if len(entries) <= 1 else [entries[i] for i in idx]
            sub_extras = extras.subset(idx)
            # The halo cells of the other groups' dims are not in this group's results:
            # read the owned cells only along those dims (a view; d/d(dim) is per line).
            for i, (lo, hi) in enumerate(extras.halos):
                if i not in idx and (lo or hi) and xg.shape[all_dims[i]] >= lo + hi:
                    d = all_dims[i]
                    xg = xg.narrow(d, lo, xg.shape[d] - lo - hi)
        shape = _options.trimmed_shape(tuple(xg.shape), sub_dims, sub_extras.halos)
        # The array the library reads: the tensor itself whenever it can.
        xin = xg
        if xg.dtype in _HALF:
            xin = xg.to(torch.promote_types(target, torch.float32))
        native = _DTYPES[_lib.ng_result_dtype(_CODES[xin.dtype])]
        if native != target and xin.dtype in (torch.float32, torch.complex64) and \
                torch.promote_types(native, target) == target:
            xin = xg.to(target)  # a wider result: widen the input (exact), compute there
            native = target
        outs = [_empty(x, shape, target) for _ in idx]
        temps = outs if native == target else [_empty(x, shape, native) for _ in idx]
        _lib.call(_describe(xin), [_describe(t) for t in temps], sub_dims, sub_entries, eo, 0,
                  _error, sub_extras.boundary, sub_extras.accuracy, sub_extras.strict)
        for i, o, t in zip(idx, outs, temps):
            if t is not o:
                o.copy_(t)
            results[i] = o
    return tuple(results)
