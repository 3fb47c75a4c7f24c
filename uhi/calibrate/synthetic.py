"""A synthetic city with known cooling-model parameters and noisy stations: the recovery test of the calibration.

The land-cover pattern and its parameter table are illustrative values of an invented city (a dense core,
rings of mid- and low-rise housing, cropland around, parks, a river and a forest), chosen only to give the
model a real spatial contrast; they are not measurements of any place.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import xarray as xr

from ..constants import UCM_DEFAULTS

__all__ = ["SyntheticCase", "synthetic_case"]

# class: (shade, albedo, kc, green_area, building_intensity) -- illustrative, see module docstring
_TABLE = {
    "core": (0.0, 0.10, 0.15, 0.0, 1.0),
    "midrise": (0.1, 0.14, 0.35, 0.0, 0.7),
    "lowrise": (0.25, 0.17, 0.6, 0.0, 0.35),
    "park": (0.7, 0.18, 1.0, 1.0, 0.0),
    "forest": (0.9, 0.15, 1.0, 1.0, 0.0),
    "cropland": (0.3, 0.22, 1.0, 0.0, 0.0),
    "water": (0.0, 0.08, 1.05, 0.0, 0.0),
}
_RURAL = ("cropland", "forest")


@dataclass
class SyntheticCase:
    """Known truth and noisy observations.

    ``params`` (model inputs), ``landcover`` (class names as codes 0..6, ``attrs['classes']``), ``truth``
    (:func:`uhi.cooling.urban_cooling` output with ``true``), ``stations`` (GeoDataFrame: ``t_air`` observed
    [degC], ``t_true``, ``class`` urban/rural), ``true`` (the parameters used).
    """

    params: xr.Dataset
    landcover: xr.DataArray
    truth: xr.Dataset
    stations: gpd.GeoDataFrame
    true: dict


def _layout(ny: int, nx: int, rng) -> np.ndarray:
    """Rings of built classes round the centre, parks inside, forest patches in the cropland, a river across."""
    names = list(_TABLE)
    yy, xx = np.mgrid[0:ny, 0:nx]
    cy, cx = ny / 2, nx / 2
    r = np.hypot((yy - cy) / ny, (xx - cx) / nx) + rng.normal(0, 0.015, (ny, nx))
    lc = np.full((ny, nx), names.index("cropland"))
    blobs = rng.random((ny // 8 + 1, nx // 8 + 1)) < 0.5  # forest patches of 8x8 pixels in the countryside
    lc[np.kron(blobs, np.ones((8, 8), bool))[:ny, :nx]] = names.index("forest")
    lc[r < 0.36] = names.index("lowrise")
    lc[r < 0.24] = names.index("midrise")
    lc[r < 0.13] = names.index("core")
    for _ in range(10):  # parks of 4x4..8x8 pixels inside the built-up area
        s = int(rng.integers(4, 9))
        ang, rad = rng.uniform(0, 2 * np.pi), rng.uniform(0.05, 0.3)
        py, px = int(cy + rad * ny * np.sin(ang)), int(cx + rad * nx * np.cos(ang))
        lc[max(py - s // 2, 0):py + (s + 1) // 2, max(px - s // 2, 0):px + (s + 1) // 2] = names.index("park")
    lc[np.abs(yy - (0.62 * ny + 0.15 * (xx - cx))) < 1.0] = names.index("water")
    return lc


def synthetic_case(
    *,
    shape=(128, 128),
    cell: float = 100.0,
    n_stations: int = 30,
    noise: float = 0.3,
    signal: bool = True,
    cc_method: str = "factors",
    t_ref: float = 24.0,
    uhi_max: float = 4.0,
    cooling_distance: float = 400.0,
    mixing_radius: float = UCM_DEFAULTS["mixing_radius"],
    weights=UCM_DEFAULTS["weights"],
    seed: int = 0,
    crs: str = "EPSG:32634",
) -> SyntheticCase:
    """Synthetic city, model truth and ``n_stations`` stations with Gaussian noise of sd ``noise`` [K].

    Stations are spread evenly over the six land classes (a designed network samples the urban-rural
    gradient rather than the area, which is mostly countryside), at random pixels of each class (seeded).

    With ``signal=False`` the observations are pure noise around the mean of the true field (no spatial
    information): calibration must then show no skill above the baselines.
    """
    import rioxarray  # noqa: F401 - registers .rio

    from uhi.cooling import urban_cooling

    rng = np.random.default_rng(seed)
    ny, nx = shape
    lc = _layout(ny, nx, rng)
    x = (np.arange(nx) + 0.5) * cell + 500_000.0
    y = 4_700_000.0 - (np.arange(ny) + 0.5) * cell
    names = list(_TABLE)
    table = np.array([_TABLE[n] for n in names], dtype=np.float32)

    def da(values):
        return xr.DataArray(values, coords={"y": y, "x": x}, dims=("y", "x")).rio.write_crs(crs)

    keys = ("shade", "albedo", "kc", "green_area", "building_intensity")
    params = xr.Dataset({k: da(table[lc, i]) for i, k in enumerate(keys)}).rio.write_crs(crs)
    truth = urban_cooling(params, ref_et=6.0, t_ref=t_ref, uhi_max=uhi_max, cooling_distance=cooling_distance,
                          mixing_radius=mixing_radius, cc_method=cc_method, weights=weights)
    t = np.asarray(truth["t_air"].values, dtype=np.float64)
    # a designed network: stations spread evenly over the land classes (core ... forest), not over the area
    land = [k for k in range(len(names)) if names[k] != "water"]
    per = [n_stations // len(land) + (1 if i < n_stations % len(land) else 0) for i in range(len(land))]
    pick = np.concatenate([rng.choice(np.flatnonzero(lc.ravel() == k), m, replace=False) for k, m in zip(land, per)])
    rr, cc = np.unravel_index(pick, lc.shape)
    t_true = t[rr, cc]
    base = np.full(n_stations, float(t_true.mean())) if not signal else t_true
    obs = base + rng.normal(0.0, noise, n_stations)
    cls = np.where(np.isin(np.array(names)[lc[rr, cc]], _RURAL), "rural", "urban")
    stations = gpd.GeoDataFrame(
        {"station": [f"s{i:02d}" for i in range(n_stations)], "t_air": obs, "t_true": t_true, "class": cls},
        geometry=gpd.points_from_xy(x[cc], y[rr]), crs=crs,
    ).set_index("station")
    landcover = da(lc.astype(np.int16)).assign_attrs(classes=names)
    true = {"t_ref": t_ref, "uhi_max": uhi_max, "cooling_distance": cooling_distance, "mixing_radius": mixing_radius,
            "weights": tuple(weights), "cc_method": cc_method, "noise": noise, "signal": signal}
    return SyntheticCase(params, landcover, truth, stations, true)
