r"""Surface urban heat island intensity (SUHII) and urban masks (GEE course module 'Defining urban and rural references').

.. math::

    \mathrm{SUHII} = \overline{T}_{urban} - \overline{T}_{rural}

The rural reference is either given or derived as a ring around the urban pixels, from a
Euclidean distance transform in metres (``scipy.ndimage.distance_transform_edt`` with the pixel
size as sampling), minus the urban pixels, minus ``exclude`` (water, built-up, high ground) and
minus NaN LST. Two ring definitions from the GEE book chapter "Defining urban and rural
references" [gee-urban-rural]:

* ``reference="buffer"`` -- a fixed-width buffer of ``buffer_m`` metres around the urban area
  (widths of 2-30 km in the literature: Clinton & Gong 2013; Venter et al. 2021; Yao et al. 2019;
  the chapter's example uses 2 km, our default);
* ``reference="equal-area"`` -- the buffer width among 30, 60, ..., 3000 m whose ring area is
  closest to the urban area (Peng et al. 2012, Environ. Sci. Technol. 46(2):696-703, doi:10.1021/es2030438;
  Chakraborty et al. 2021).
  The ring area is the geometric one (pixels at distance ``0 < d <= width``, before removing
  ``exclude`` and NaN), so the choice does not depend on data gaps.

Urban masks from spectral indices: :func:`urban_mask_from_indices` marks built-up pixels where
``NDBI > 0`` (Zha, Gao & Ni 2003, Int. J. Remote Sens. 24(3):583-594, doi:10.1080/01431160304987)
and ``NDVI < 0.5`` (not fully vegetated; Sobrino et al. 2004), optionally also Zha et al.'s
``BU = NDBI - NDVI > 0``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr
from scipy import ndimage

from .._backend import apply_pointwise, check_same_grid, pixel_size_m, set_cf
from ..constants import NDVI_VEGETATION
from ..errors import InputValueError
from ._common import as_bool_mask, lst_kelvin, require_2d

__all__ = ["suhii", "SuhiiResult", "urban_mask_from_indices", "urban_mask_from_population", "URBAN_CENTRE_DENSITY", "rural_reference", "EQUAL_AREA_WIDTHS_M", "DEFAULT_BUFFER_M"]

#: Fixed ring width of the GEE book chapter's example [m] (GEE course module 'Defining urban and rural references' (a), [gee-urban-rural]).
DEFAULT_BUFFER_M = 2000.0
#: Candidate widths of the area-normalised ring: 30..3000 m in 30 m steps (GEE course module 'Defining urban and rural references' (b), [gee-urban-rural]).
EQUAL_AREA_WIDTHS_M = tuple(float(w) for w in range(30, 3001, 30))


@dataclass(frozen=True)
class SuhiiResult:
    """Surface UHI intensity and what it was computed from.

    Attributes
    ----------
    suhii : float
        Mean urban LST minus mean rural LST [K].
    urban_mean, rural_mean : float
        Mean LST over the urban / rural pixels [K].
    urban_count, rural_count : int
        Number of valid (finite-LST) pixels in each mask.
    reference : str
        ``"given"``, ``"buffer"`` or ``"equal-area"``.
    buffer_m : float or None
        Ring width used [m] (None for a given rural mask).
    urban_mask, rural_mask : xarray.DataArray
        The boolean masks actually averaged (NaN-LST pixels removed).
    """

    suhii: float
    urban_mean: float
    rural_mean: float
    urban_count: int
    rural_count: int
    reference: str
    buffer_m: float | None
    urban_mask: xr.DataArray = field(repr=False)
    rural_mask: xr.DataArray = field(repr=False)
    units: str = "K"

    def to_dict(self) -> dict:
        """The scalar fields (no masks), e.g. for a report table."""
        return {
            "suhii": self.suhii,
            "urban_mean": self.urban_mean,
            "rural_mean": self.rural_mean,
            "urban_count": self.urban_count,
            "rural_count": self.rural_count,
            "reference": self.reference,
            "buffer_m": self.buffer_m,
            "units": self.units,
        }


def _urban_rule(ndbi, ndvi, ndbi_min, ndvi_max, bu_min):
    ndbi = np.asarray(ndbi, dtype=np.float32)
    ndvi = np.asarray(ndvi, dtype=np.float32)
    with np.errstate(invalid="ignore"):
        out = ndbi > ndbi_min
        if ndvi_max is not None:
            out &= ndvi < ndvi_max
        if bu_min is not None:
            out &= (ndbi - ndvi) > bu_min
    return out


def urban_mask_from_indices(
    ndbi: xr.DataArray,
    ndvi: xr.DataArray,
    *,
    ndbi_min: float = 0.0,
    ndvi_max: float | None = NDVI_VEGETATION,
    bu_min: float | None = None,
) -> xr.DataArray:
    """Built-up mask from NDBI and NDVI: ``NDBI > ndbi_min`` and ``NDVI < ndvi_max`` [and ``NDBI - NDVI > bu_min``].

    Parameters
    ----------
    ndbi, ndvi : xarray.DataArray
        Normalised difference built-up and vegetation indices [1] on one grid.
    ndbi_min : float, default 0
        NDBI threshold; Zha, Gao & Ni (2003) recode NDBI > 0 as built-up (or bare) land.
    ndvi_max : float or None, default 0.5
        Pixels with NDVI at or above this are vegetation, never urban: 0.5 is the full-vegetation
        threshold of the NDVI-threshold emissivity method (Sobrino et al. 2004,
        :data:`uhi.constants.NDVI_VEGETATION`). None disables the rule.
    bu_min : float or None, default None
        Optional threshold of Zha et al.'s built-up index ``BU = NDBI - NDVI`` (their rule is
        BU > 0). Off by default: with Landsat 8 surface reflectance, built-up pixels often have
        NDVI > NDBI (on the Sofia 2019 stack BU > 0 keeps 0.3 % of the pixels, NDBI > 0 keeps 16 %).

    Returns
    -------
    xarray.DataArray
        Boolean mask named ``urban_mask`` (NaN inputs give False), the rule in ``attrs["rule"]``.
    """
    require_2d(ndbi, "ndbi")
    require_2d(ndvi, "ndvi")
    check_same_grid(ndbi, ndvi, names=("ndbi", "ndvi"))
    kwargs = {
        "ndbi_min": float(ndbi_min),
        "ndvi_max": None if ndvi_max is None else float(ndvi_max),
        "bu_min": None if bu_min is None else float(bu_min),
    }
    rule = f"NDBI > {ndbi_min}" + ("" if ndvi_max is None else f" and NDVI < {ndvi_max}")
    rule += "" if bu_min is None else f" and NDBI - NDVI > {bu_min}"
    out = apply_pointwise(_urban_rule, ndbi, ndvi, dtype=bool, kwargs=kwargs)
    return set_cf(
        out,
        name="urban_mask",
        units="1",
        long_name="built-up (urban) mask",
        rule=rule,
        source="Zha, Gao & Ni 2003, Int. J. Remote Sens. 24:583, doi:10.1080/01431160304987; "
        "NDVI 0.5 full-vegetation threshold: Sobrino et al. 2004, RSE 90:434",
    )


def rural_reference(
    urban: np.ndarray,
    pixel_m: float,
    *,
    reference: str = "buffer",
    buffer_m: float = DEFAULT_BUFFER_M,
    exclude: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Rural ring mask around ``urban`` (array layer) and the width used [m].

    ``distance_transform_edt`` gives every non-urban pixel its distance [m] to the nearest urban
    pixel centre; the ring is ``0 < d <= width``. ``exclude`` pixels are removed afterwards.
    """
    urban = np.asarray(urban, dtype=bool)
    if not urban.any():
        raise InputValueError("urban mask is empty: no urban pixel to build a rural ring around")
    dist = ndimage.distance_transform_edt(~urban, sampling=(pixel_m, pixel_m))
    if reference == "buffer":
        width = float(buffer_m)
        if not np.isfinite(width) or width < pixel_m:
            raise InputValueError(f"buffer_m={buffer_m} must be at least one pixel ({pixel_m} m)")
    elif reference == "equal-area":
        urban_area = urban.sum()
        widths = np.array(EQUAL_AREA_WIDTHS_M)
        widths = widths[widths >= pixel_m * (1 - 1e-9)]  # narrower rings hold no pixel centre
        if widths.size == 0:
            widths = np.array([pixel_m])
        ring_d = np.sort(dist[~urban].ravel())
        ring_areas = np.searchsorted(ring_d, widths * (1 + 1e-9), side="right")
        width = float(widths[int(np.argmin(np.abs(ring_areas - urban_area)))])
    else:
        raise InputValueError(f"reference must be 'buffer' or 'equal-area', got {reference!r}")
    rural = (~urban) & (dist <= width * (1 + 1e-9))
    if exclude is not None:
        rural &= ~np.asarray(exclude, dtype=bool)
    return rural, width


def suhii(
    lst: xr.DataArray,
    urban_mask: xr.DataArray | np.ndarray,
    rural_mask: xr.DataArray | np.ndarray | None = None,
    *,
    reference: str = "buffer",
    buffer_m: float = DEFAULT_BUFFER_M,
    exclude: xr.DataArray | np.ndarray | None = None,
) -> SuhiiResult:
    """Surface urban heat island intensity: mean urban LST minus mean rural LST [K].

    Parameters
    ----------
    lst : xarray.DataArray
        Land surface temperature [K] (``units`` ``degC`` is converted) on a projected CRS.
    urban_mask : xarray.DataArray or numpy.ndarray
        True (or non-zero) on urban pixels, e.g. from :func:`urban_mask_from_indices` or a
        land-cover map's built-up classes.
    rural_mask : optional
        The rural reference; when given, ``reference``, ``buffer_m`` and ``exclude`` are unused
        except that urban pixels are always removed from it.
    reference : {"buffer", "equal-area"}
        How to derive the rural ring when ``rural_mask`` is None (module docstring, GEE course module 'Defining urban and rural references').
    buffer_m : float, default 2000
        Ring width of ``reference="buffer"`` [m].
    exclude : optional
        Pixels never used as rural reference: water (e.g. MNDWI > 0), built-up pixels outside the
        urban mask, high ground.

    Returns
    -------
    SuhiiResult
        The intensity [K], the urban / rural means and counts and the masks used.

    Raises
    ------
    uhi.errors.CRSError
        A derived ring needs metres; geographic CRSs are refused.
    uhi.errors.InputValueError
        Empty urban mask, or no valid rural pixel.

    Examples
    --------
    >>> import numpy as np, xarray as xr, rioxarray
    >>> t = np.full((5, 5), 300.0, dtype="float32"); t[2, 2] = 304.0
    >>> lst = xr.DataArray(t, dims=("y", "x"), coords={"y": 100.0 - 30 * np.arange(5), "x": 30.0 * np.arange(5)},
    ...                    attrs={"units": "K"}).rio.write_crs("EPSG:32634")
    >>> urban = np.zeros((5, 5), bool); urban[2, 2] = True
    >>> round(suhii(lst, urban, buffer_m=30).suhii, 3)  # 304 - mean of the 4 edge neighbours (300)
    4.0
    """
    lst = lst_kelvin(lst)
    values = np.asarray(lst.values, dtype=np.float64)
    finite = np.isfinite(values)
    urban = as_bool_mask(urban_mask, lst, "urban_mask")
    width = None
    if rural_mask is not None:
        rural = as_bool_mask(rural_mask, lst, "rural_mask") & ~urban
        ref = "given"
    else:
        pixel = pixel_size_m(lst, "suhii (rural buffer)")
        excl = None if exclude is None else as_bool_mask(exclude, lst, "exclude")
        rural, width = rural_reference(urban, pixel, reference=reference, buffer_m=buffer_m, exclude=excl)
        ref = reference
    urban_used = urban & finite
    rural_used = rural & finite
    if not urban_used.any():
        raise InputValueError("urban_mask has no pixel with a finite LST")
    if not rural_used.any():
        raise InputValueError(
            f"the rural reference ({ref}, width {width} m) has no pixel with a finite LST; widen buffer_m or relax exclude"
        )
    u_mean = float(values[urban_used].mean())
    r_mean = float(values[rural_used].mean())

    def _mask(a, name, long_name):
        da = xr.DataArray(a, coords=lst.coords, dims=lst.dims, name=name, attrs={"long_name": long_name, "units": "1"})
        return da.rio.write_crs(lst.rio.crs) if lst.rio.crs is not None else da

    return SuhiiResult(
        suhii=u_mean - r_mean,
        urban_mean=u_mean,
        rural_mean=r_mean,
        urban_count=int(urban_used.sum()),
        rural_count=int(rural_used.sum()),
        reference=ref,
        buffer_m=width,
        urban_mask=_mask(urban_used, "urban_mask", "urban pixels used for SUHII"),
        rural_mask=_mask(rural_used, "rural_mask", f"rural reference pixels used for SUHII ({ref})"),
    )


#: Density threshold of a high-density ("urban centre") grid cell of the Degree of Urbanisation [inhabitants
#: km-2]: Dijkstra et al. 2021, J. Urban Econ. 125:103312, doi:10.1016/j.jue.2020.103312 (density criterion; the
#: 50,000-resident cluster size criterion is not applied), on 1 km2 cells.
URBAN_CENTRE_DENSITY = 1500.0
#: Side of the Degree of Urbanisation grid cell [m] (same source): densities are averaged over this window.
URBAN_CENTRE_CELL_M = 1000.0


def urban_mask_from_population(
    population: xr.DataArray, *, density_min: float = URBAN_CENTRE_DENSITY, window_m: float = URBAN_CENTRE_CELL_M
) -> xr.DataArray:
    """Urban mask from a population grid: mean density over a ~1 km window at least 1,500 inhabitants km-2.

    The density threshold of the Degree of Urbanisation's high-density cells (Dijkstra et al. 2021,
    doi:10.1016/j.jue.2020.103312), evaluated on a moving window of ``window_m`` (odd number of pixels
    closest to 1 km) instead of a fixed 1 km grid. Independent of spectral-index scales, so it works on
    index stacks computed from digital numbers where reflectance thresholds (NDBI > 0) do not apply.

    Parameters
    ----------
    population : xarray.DataArray
        Residents per pixel [1] on a projected grid; NaN counts as 0.
    density_min : float
        Threshold [inhabitants km-2].
    window_m : float
        Side of the averaging window [m].
    """
    require_2d(population, "population")
    pixel = pixel_size_m(population, "urban_mask_from_population")
    size = max(1, int(round(window_m / pixel)) | 1)
    per_pixel = np.nan_to_num(np.asarray(population.values, dtype=np.float64))
    density = ndimage.uniform_filter(per_pixel, size, mode="constant") / (pixel * pixel / 1e6)
    mask = xr.DataArray(density >= density_min, coords=population.coords, dims=population.dims)
    if population.rio.crs is not None:
        mask = mask.rio.write_crs(population.rio.crs)
    rule = f"population density over {size * pixel:.0f} m >= {density_min:g} km-2"
    return set_cf(mask, name="urban_mask", units="1", long_name="urban mask (population density)", rule=rule,
                  source="Degree of Urbanisation high-density cells, Dijkstra et al. 2021, J. Urban Econ. 125:103312, "
                  "doi:10.1016/j.jue.2020.103312")
