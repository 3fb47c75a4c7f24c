"""Benchmark: combining normalised hazard, exposure and vulnerability into heat risk.

Subject ``numba``: :func:`uhi.risk.combine` (the parallel Numba kernel, float32, NaN-safe) with
``method="product"``. ``numpy``: the float64 reference :func:`uhi.risk._kernels.combine_reference`
(``h * e * v``, NaN propagating). Case ``risk_geometric`` does the same for the geometric mean
``(h e v)^(1/3)`` (numpy: ``np.cbrt``).
"""

from __future__ import annotations

import numpy as np

from common import Case, case
from uhi.risk import combine
from uhi.risk._kernels import combine_reference


def _components(n: int):
    rng = np.random.default_rng(0)
    h, e, v = (rng.random((n, n), dtype=np.float32) for _ in range(3))
    e[rng.random((n, n)) < 0.01] = np.nan
    return h, e, v


def _setup(n: int, method: str) -> Case:
    h, e, v = _components(n)
    return Case(
        implementations={
            "numba": lambda: combine(h, e, v, method),
            "numpy": lambda: combine_reference(h, e, v, method),
        },
        pixels=n * n,
        input_mib=3 * n * n * 4 / 2**20,
        notes=f"{method}; three float32 components in [0, 1], 1 % NaN",
    )


@case("risk_product")
def setup_product(n: int) -> Case:
    return _setup(n, "product")


@case("risk_geometric")
def setup_geometric(n: int) -> Case:
    return _setup(n, "geometric")
