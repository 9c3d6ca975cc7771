"""The two media transformations of a marketing mix model: geometric adstock (carry-over) and Hill saturation.

Definitions (Robyn's "geometric" adstock and its Hill function, Meta Marketing Science; written here from the
formulas, not copied):

- **Geometric adstock**: ``a_t = x_t + theta * a_(t-1)``, ``a_0 = x_0``, with the decay rate ``theta`` in [0, 1).
  Spend of one week keeps working in the following weeks at ``theta``, ``theta**2``, ...; a constant spend ``x``
  reaches the steady level ``x / (1 - theta)``. (Meridian and PyMC-Marketing divide by ``1 / (1 - theta)`` so the
  weights sum to one: that rescales the coefficient, not the fit.)
- **Hill saturation**: ``s(a) = a**alpha / (a**alpha + k**alpha)``, between 0 and 1: ``k`` is the half-saturation
  point (``s(k) = 0.5``), ``alpha`` the shape (``alpha <= 1``: every extra dollar does less than the one before;
  ``alpha > 1``: an S-curve that needs a minimum level before it works). Robyn sets ``k = gamma * max(a)``; the
  model here searches ``gamma`` on the same relative scale and keeps ``k`` in currency units.

Adstock comes first, then saturation (the usual order). The recursion runs through ``scipy.signal.lfilter`` (a
first-order IIR filter), which is exact and fast.
"""
from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from workbench.errors import DataError

__all__ = ["geometric_adstock", "hill_saturation", "hill_slope"]


def geometric_adstock(x, *, theta: float) -> np.ndarray:
    """Carry-over of spend: ``a_t = x_t + theta * a_(t-1)`` (``theta`` = share of the effect left a week later).

    Parameters
    ----------
    x : array-like
        Spend (or exposure) per period, oldest first; a 2-D array is transformed column by column.
    theta : float
        Decay rate in [0, 1): 0 = no carry-over.

    Returns
    -------
    ndarray of the same shape, in the units of ``x``.
    """
    if not 0 <= theta < 1:
        raise DataError(f"theta={theta} is not a decay rate in [0, 1)", source="geometric_adstock",
                        example=theta, fix="Pass e.g. theta=0.5 (half the effect is left a period later)")
    values = np.asarray(x, dtype=float)
    return lfilter([1.0], [1.0, -theta], values, axis=0)


def hill_saturation(a, *, alpha: float, k: float) -> np.ndarray:
    """Diminishing returns: ``a**alpha / (a**alpha + k**alpha)``, 0 at no spend, 0.5 at ``k``, towards 1 above.

    Parameters
    ----------
    a : array-like
        Adstocked spend (non-negative).
    alpha : float
        Shape (> 0): at most 1 bends from the start, above 1 is S-shaped.
    k : float
        Half-saturation point (> 0), in the units of ``a``.
    """
    if alpha <= 0 or k <= 0:
        raise DataError(f"alpha={alpha}, k={k}: both must be positive", source="hill_saturation",
                        example=(alpha, k), fix="Pass alpha > 0 (shape) and k > 0 (half-saturation point)")
    a = np.maximum(np.asarray(a, dtype=float), 0.0)
    ratio = (a / k) ** alpha
    return ratio / (1.0 + ratio)


def hill_slope(a, *, alpha: float, k: float) -> np.ndarray:
    """Derivative of :func:`hill_saturation` with respect to ``a``: ``alpha k**alpha a**(alpha-1) / (a**alpha + k**alpha)**2``."""
    a = np.maximum(np.asarray(a, dtype=float), 0.0)
    ratio = (a / k) ** alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        out = alpha * ratio / (a * (1.0 + ratio) ** 2)
    # at a = 0 the slope is 1/k for alpha = 1, 0 above, unbounded below (taken as the value just above 0)
    zero = a == 0
    if zero.any():
        tiny = k * 1e-9
        r0 = (tiny / k) ** alpha
        out = np.where(zero, alpha * r0 / (tiny * (1.0 + r0) ** 2), out)
    return out
