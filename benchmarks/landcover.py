"""A seeded city land cover for the cooling-model benchmarks: parks, a river, lakes, fields, forest, roads.

Independent of :mod:`uhi.synthetic` (plain numpy/scipy), so the InVEST comparison does not run on the
library's own scene generator. Eight classes at 30 m (codes and biophysical values in :data:`TABLE`):

1 dense urban core, 2 residential, 3 industrial / commercial, 4 roads, 5 urban park (green area),
6 forest (green area), 7 water (a meandering river and lakes), 8 cropland (field parcels).

Layout: an urbanity field (a main centre and three satellite towns with smooth noise) decides urban
classes; industrial estates are patches of a second noise field inside the urban fringe; parks are
ellipses with log-normal radii (median ~250 m, up to ~2 km), about one per 1.5 km^2, scattered over the urban area; a grid of
arterial roads and a ring road cross the city; the countryside is cut into rectangular field parcels
(crops or woodlots) with a large forest where a third noise field is high; a river meanders across the
whole map with a few lakes near it. Values of :data:`TABLE` are in the ranges of the InVEST UCM user
guide's sample table (Sharp et al., InVEST User's Guide, Urban Cooling Model).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.ndimage import zoom

CELL = 30.0

#: Biophysical table (InVEST UCM columns) of the eight classes.
TABLE = pd.DataFrame(
    {
        "lucode": [1, 2, 3, 4, 5, 6, 7, 8],
        "description": ["dense urban", "residential", "industrial", "roads", "urban park", "forest", "water", "cropland"],
        "kc": [0.1, 0.4, 0.1, 0.0, 0.9, 1.0, 1.05, 0.7],
        "green_area": [0, 0, 0, 0, 1, 1, 0, 0],
        "shade": [0.05, 0.2, 0.0, 0.05, 0.4, 1.0, 0.0, 0.0],
        "albedo": [0.12, 0.15, 0.2, 0.1, 0.2, 0.15, 0.06, 0.2],
        "building_intensity": [0.9, 0.5, 0.7, 0.0, 0.0, 0.0, 0.0, 0.0],
    }
)


def _smooth_noise(rng, n: int, scale_px: float) -> np.ndarray:
    """Smooth noise in [0, 1] with features of ~``scale_px`` pixels (cubic zoom of a coarse random grid)."""
    m = max(4, int(np.ceil(n / scale_px)) + 3)
    field = zoom(rng.random((m, m)), n / (m - 3), order=3)[:n, :n]
    lo, hi = np.percentile(field, [1, 99])
    return np.clip((field - lo) / (hi - lo), 0, 1).astype(np.float32)


def city_landcover(n: int, seed: int = 0) -> np.ndarray:
    """``n x n`` land-cover codes (int16, 1..8) of a city at 30 m, seeded."""
    rng = np.random.default_rng(seed)
    y = ((np.arange(n, dtype=np.float32) + 0.5) / n)[:, None]
    x = ((np.arange(n, dtype=np.float32) + 0.5) / n)[None, :]
    # urbanity: main centre + satellites (in map units of the side), perturbed by ~3 km noise
    u = np.exp(-(((x - 0.5) ** 2 + (y - 0.47) ** 2) / 0.045))
    for cx, cy, s in [(0.18, 0.25, 0.006), (0.8, 0.72, 0.008), (0.75, 0.2, 0.004)]:
        u = np.maximum(u, np.exp(-(((x - cx) ** 2 + (y - cy) ** 2) / s)))
    u = u + 0.35 * (_smooth_noise(rng, n, 100) - 0.5)
    lc = np.full((n, n), 8, dtype=np.int16)  # countryside: cropland
    # field parcels (20-60 px): some become woodlots; a large forest where the forest noise is high
    py = np.cumsum(rng.integers(20, 60, size=n // 20 + 2))
    px = np.cumsum(rng.integers(20, 60, size=n // 20 + 2))
    parcel = (np.searchsorted(py, np.arange(n))[:, None] * (len(px) + 1) + np.searchsorted(px, np.arange(n))[None, :])
    woodlot = rng.random(parcel.max() + 1) < 0.12
    lc[woodlot[parcel]] = 6
    lc[_smooth_noise(rng, n, 400) > 0.78] = 6
    # urban classes
    lc[u > 0.3] = 2
    lc[u > 0.72] = 1
    industrial = (u > 0.3) & (u < 0.65) & (_smooth_noise(rng, n, 50) > 0.75)
    lc[industrial] = 3
    urban = u > 0.3
    # arterial roads every ~1.5 km (2 px wide) and a ring road, inside the urban area
    step = 50
    yi, xi = np.arange(n)[:, None], np.arange(n)[None, :]
    grid = ((yi % step) < 2) | ((xi % step) < 2)
    ring = np.abs(np.hypot(x - 0.5, y - 0.47) - 0.22) < 1.5 / n
    lc[(grid & urban) | ring] = 4
    # parks: ellipses with log-normal radii (median 8 px = 240 m), about one per 1.5 km^2 of urban area
    n_parks = int(urban.sum() * (CELL / 1000.0) ** 2 / 1.5)
    urban_idx = np.flatnonzero(urban.ravel())
    for idx in rng.choice(urban_idx, size=min(n_parks, urban_idx.size), replace=False):
        cy, cx = divmod(int(idx), n)
        ry, rx = np.clip(rng.lognormal(np.log(8.0), 0.7, size=2), 3, 70)
        y0, y1 = max(0, int(cy - ry)), min(n, int(cy + ry) + 1)
        x0, x1 = max(0, int(cx - rx)), min(n, int(cx + rx) + 1)
        yy = (np.arange(y0, y1)[:, None] - cy) / ry
        xx = (np.arange(x0, x1)[None, :] - cx) / rx
        lc[y0:y1, x0:x1][yy**2 + xx**2 <= 1] = 5
    # river: a meander across the map, 6 px (180 m) wide, and three lakes near it
    phase = rng.uniform(0, 2 * np.pi)
    centre = n * (0.55 + 0.08 * np.sin(2 * np.pi * x / 0.6 + phase) + 0.025 * np.sin(2 * np.pi * x / 0.13))
    lc[np.abs(yi - centre) < 3] = 7
    for _ in range(3):
        cx = rng.uniform(0.1, 0.9)
        cy = 0.55 + 0.08 * np.sin(2 * np.pi * cx / 0.6 + phase) + rng.choice([-1, 1]) * rng.uniform(0.04, 0.1)
        r = rng.uniform(0.008, 0.02)
        lc[((x - cx) / 1.6) ** 2 + (y - cy) ** 2 < r * r] = 7
    return lc
