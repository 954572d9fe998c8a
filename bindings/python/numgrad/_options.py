"""The options beyond numpy (boundary, period, accuracy, strict), shared by both front ends.

Nothing here knows about numpy arrays or tensors: the front ends pass the Python values,
the number k of differentiated axes and which of them have coordinates, and get back the
library's ng_boundary entries, accuracy and strict flag, and the halo widths by which
each differentiated axis of the output is shorter than the input.
"""

import numbers
import operator

from . import _lib

__all__ = ["Extras", "parse"]

_MODES = {"edge": _lib.NG_BOUNDARY_EDGE, "periodic": _lib.NG_BOUNDARY_PERIODIC,
          "halo": _lib.NG_BOUNDARY_HALO}


class Extras:
    """The parsed options.

    boundary: [] (edge everywhere, numpy's default) or one (lower, upper, period) per
              differentiated axis, for ng_options.boundary.
    accuracy, strict: ints for ng_options.
    halos: one (lower, upper) pair of halo widths per differentiated axis.
    """

    __slots__ = ("boundary", "accuracy", "strict", "halos")

    def __init__(self, boundary, accuracy, strict, halos):
        self.boundary = boundary
        self.accuracy = accuracy
        self.strict = strict
        self.halos = halos

    def subset(self, idx):
        """The options of the differentiated axes idx (for a call split in several)."""
        return Extras([self.boundary[i] for i in idx] if self.boundary else [],
                      self.accuracy, self.strict, [self.halos[i] for i in idx])


def _mode(v, where, fail):
    if not isinstance(v, str):
        raise fail(TypeError, "%s must be 'edge', 'periodic' or 'halo', not %s"
                   % (where, type(v).__name__))
    try:
        return _MODES[v]
    except KeyError:
        raise fail(ValueError, "%s is %r; it must be 'edge', 'periodic' or 'halo'"
                   % (where, v)) from None


def _pair(v, where, fail, hint=""):
    """(lower, upper) modes of a mode string or a (lower, upper) pair of them."""
    if isinstance(v, str):
        m = _mode(v, where, fail)
        return m, m
    if not isinstance(v, (tuple, list)) or len(v) != 2:
        raise fail(TypeError, "%s must be 'edge', 'periodic', 'halo' or a (lower, upper) pair "
                   "of them, not %r" % (where, v))
    lower = _mode(v[0], "%s[0]" % where, fail)
    upper = _mode(v[1], "%s[1]" % where, fail)
    if (lower == _lib.NG_BOUNDARY_PERIODIC) != (upper == _lib.NG_BOUNDARY_PERIODIC):
        raise fail(ValueError, "%s is (%r, %r): periodic samples wrap around both sides, so "
                   "'periodic' must be both the lower and the upper boundary%s"
                   % (where, v[0], v[1], hint))
    return lower, upper


def _pairs(boundary, k, fail):
    """One (lower, upper) pair per differentiated axis."""
    if isinstance(boundary, str):
        return [_pair(boundary, "boundary", fail)] * k
    if not isinstance(boundary, (tuple, list)):
        raise fail(TypeError, "boundary must be 'edge', 'periodic', 'halo', a (lower, upper) "
                   "pair of them or a sequence of those (one per axis), not %s"
                   % type(boundary).__name__)
    if len(boundary) == 2 and all(isinstance(b, str) for b in boundary):
        # Two strings are a (lower, upper) pair for every axis, as np.pad's (before, after).
        hint = ("; two strings are one (lower, upper) pair for every axis: for one boundary "
                "per axis give pairs, e.g. [(%r, %r), (%r, %r)]"
                % (boundary[0], boundary[0], boundary[1], boundary[1]))
        return [_pair(boundary, "boundary", fail, hint)] * k
    if len(boundary) != k:
        raise fail(ValueError, "boundary has %d entries but %d axes are differentiated: give "
                   "one boundary for every axis, or one per differentiated axis"
                   % (len(boundary), k))
    return [_pair(b, "boundary[%d]" % i, fail) for i, b in enumerate(boundary)]


def _item(v):
    """A 0-d array or tensor as a Python scalar; anything else unchanged."""
    if getattr(v, "ndim", None) == 0 and hasattr(v, "item"):
        return v.item()
    return v


def _period_value(v, where, fail):
    v = _item(v)
    if isinstance(v, numbers.Real):
        return float(v)
    if isinstance(v, numbers.Complex):
        raise fail(TypeError, "%s is complex (%r); periods are real" % (where, v))
    raise fail(TypeError, "%s must be a real number or None, not %s" % (where, type(v).__name__))


def _periods(period, pairs, coord_axes, fail):
    """One period per differentiated axis (0: none)."""
    k = len(pairs)
    if period is None:
        return [0.0] * k
    if isinstance(period, (tuple, list)):
        if len(period) != k:
            raise fail(ValueError, "period has %d entries but %d axes are differentiated: give "
                       "one period for every periodic axis with coordinates, or one per "
                       "differentiated axis (None where there is none)" % (len(period), k))
        return [0.0 if p is None else _period_value(p, "period[%d]" % i, fail)
                for i, p in enumerate(period)]
    if hasattr(period, "ndim") and period.ndim > 0:  # an array of periods
        return _periods(list(period), pairs, coord_axes, fail)
    p = _period_value(period, "period", fail)
    if coord_axes is None:  # a wrong number of spacings: the library reports that
        return [p] * k
    # One period for every axis that is periodic over coordinates (a uniform spacing h
    # repeats after n*h and takes none).
    which = [lower == _lib.NG_BOUNDARY_PERIODIC and c for (lower, _), c in zip(pairs, coord_axes)]
    if not any(which):
        raise fail(ValueError, "period is %r but no differentiated axis is periodic over "
                   "coordinates: a period belongs to boundary='periodic' with an array of "
                   "coordinates (a uniform spacing h repeats after n*h)" % (period,))
    return [p if w else 0.0 for w in which]


def _accuracy(accuracy, fail):
    try:
        v = operator.index(accuracy)
    except TypeError:
        raise fail(TypeError, "accuracy must be an integer (2, 4, 6 or 8), not %s"
                   % type(accuracy).__name__) from None
    if v == 0 or not _lib.INT32_MIN <= v <= _lib.INT32_MAX:
        # 0 means 2 in C only; other bad values are reported by the library.
        raise fail(ValueError, "accuracy is %d; it must be 2, 4, 6 or 8" % v)
    return v


def _strict(strict, fail):
    v = _item(strict)
    if isinstance(v, numbers.Integral):  # bool, int, numpy's bool_ and integers
        return 1 if v else 0
    raise fail(TypeError, "strict must be True or False, not %s" % type(strict).__name__)


def parse(boundary, period, accuracy, strict, k, coord_axes, fail):
    """Extras for k differentiated axes.

    coord_axes: for each differentiated axis, whether its spacing is coordinates (None
    when the spacings do not match the axes: the library reports that).
    fail(exception class, message) builds the front end's exception (TypeError for a
    wrong type, ValueError for a wrong value; a front end may map the latter).
    """
    acc = _accuracy(accuracy, fail)
    st = _strict(strict, fail)
    pairs = _pairs(boundary, k, fail)
    periods = _periods(period, pairs, coord_axes, fail)
    width = acc // 2 if acc in (2, 4, 6, 8) else 1  # a bad accuracy fails in the library
    halos = [(width if lower == _lib.NG_BOUNDARY_HALO else 0,
              width if upper == _lib.NG_BOUNDARY_HALO else 0) for lower, upper in pairs]
    if all(p == (_lib.NG_BOUNDARY_EDGE, _lib.NG_BOUNDARY_EDGE) for p in pairs) and \
            not any(periods):
        entries = []  # numpy's edges everywhere: nboundary 0
    else:
        entries = [(lower, upper, p) for (lower, upper), p in zip(pairs, periods)]
    return Extras(entries, acc, st, halos)


def trimmed_shape(shape, dims, halos):
    """The output shape: shape less the halo cells of the differentiated dims.

    dims: None (all dims in order) or the dims as given (out-of-range or repeated dims
    are the library's to report; they are skipped here, and extents never go below 0).
    """
    out = list(shape)
    nd = len(shape)
    for i, d in enumerate(range(nd) if dims is None else dims):
        if i < len(halos) and -nd <= d < nd:
            j = d % nd
            out[j] = max(0, out[j] - halos[i][0] - halos[i][1])
    return tuple(out)
