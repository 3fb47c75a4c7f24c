"""From a Landsat scene to a city's heat analysis: :func:`analyse_city` (LST method chosen per scene)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from uhi.analysis.layers import analyse_layers
from uhi.analysis.result import CityAnalysis
from uhi.errors import InputValueError
from uhi.synthetic import truth_layers


def _scene_title(ds: xr.Dataset) -> tuple[str, str]:
    city = ds.attrs.get("city") or ds.attrs.get("scene_id") or "scene"
    date = str(ds.attrs.get("acquisition_time", ""))[:10]
    return str(city), date


def analyse_city(
    scene,
    *,
    population=None,
    districts=None,
    landcover=None,
    lst_method: str = "auto",
    water_vapour: float | None = None,
    mask_clouds: bool | str = "auto",
    hotspot_distance_m: float | None = None,
    district_column: str | None = None,
    district_stats: bool = True,
    vulnerability=None,
    chunks=None,
) -> CityAnalysis:
    """Analyse one scene of a city.

    Parameters
    ----------
    scene : path or xarray.Dataset
        Scene folder / archive / MTL (read with :func:`uhi.io.load_landsat`) or an already loaded scene.
    population : path or xarray.DataArray, optional
        Residents per pixel (any CRS and resolution; totals preserved by :func:`uhi.io.load_population`).
        Default: ``truth/population.tif`` of a synthetic scene folder; without population no risk is computed.
    districts : path or GeoDataFrame, optional
        Polygons for the per-district table (reprojected to the scene CRS). Default: ``truth/districts.gpkg``.
    landcover : path or xarray.DataArray, optional
        Classified land cover (codes of ``data/landcover.csv``) for the urban mask; default
        ``truth/land_cover.tif``; without it the urban mask comes from NDBI/NDVI
        (:func:`uhi.metrics.urban_mask_from_indices`).
    lst_method : str
        Method of :func:`uhi.lst.land_surface_temperature`, or ``"auto"`` (:func:`choose_lst_method`).
    water_vapour : float, optional
        Total column water vapour [g cm-2] for the single-channel / split-window methods.
    mask_clouds : bool or "auto"
        Cloud masking from the QA band (:func:`uhi.io.load_landsat`); ``"auto"`` masks when the scene
        has a QA band.
    vulnerability : path, DataFrame or xarray.DataArray, optional
        Residents' attributes per district (CSV or vector file; joined on ``district_column``,
        :func:`uhi.risk.vulnerability_from_table`) or a vulnerability raster in [0, 1]. Default: uniform,
        flagged in the outputs.
    hotspot_distance_m : float, optional
        Distance band of the Gi* hot-spot statistic [m] (default 500 m, :func:`uhi.metrics.hotspots`, which
        runs on ~100 m cells with Benjamini-Hochberg FDR control).
    district_column : str, optional
        Column naming each district (default: chosen by :func:`uhi.zonal.prepare_zones`).
    district_stats : bool
        Compute the per-district table (False: the districts are read but not summarised, as the
        scenarios do their own district accounting).

    Returns
    -------
    CityAnalysis
    """
    from uhi import indices as spectral
    from uhi.io import load_landsat
    from uhi.lst import land_surface_temperature

    scene_path = None
    if isinstance(scene, xr.Dataset):
        ds = scene
    else:
        scene_path = Path(scene)
        ds = load_landsat(scene_path, mask_clouds=mask_clouds, chunks=chunks)
    kwargs = {} if water_vapour is None else {"water_vapour": water_vapour}
    if lst_method == "auto":
        lst_method = choose_lst_method(ds, water_vapour)
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lst = land_surface_temperature(ds, method=lst_method, **kwargs)
    lst_notes = []
    for w in caught:
        if issubclass(w.category, UserWarning) and not issubclass(w.category, DeprecationWarning):
            lst_notes.append(str(w.message))
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    _check_clear(lst, ds, scene_path)
    wanted = ("ndvi", "ndbi", "mndwi")
    present = [n for n in wanted if all(b in ds for b in spectral.INDEX_BANDS[n])]
    notes = lst_notes + [f"{n.upper()} not computed: the scene lacks band(s) "
             f"{', '.join(b for b in spectral.INDEX_BANDS[n] if b not in ds)}" for n in wanted if n not in present]
    idx = spectral.spectral_indices(ds, names=present) if present else xr.Dataset()
    city, date = _scene_title(ds)
    truth = truth_layers(scene_path)  # ancillary layers of a synthetic scene folder (None for a real scene)
    return analyse_layers(
        lst, ndvi=idx.get("ndvi"), ndbi=idx.get("ndbi"), mndwi=idx.get("mndwi"), notes=notes,
        population=population if population is not None else truth["population"],
        districts=districts if districts is not None else truth["districts"],
        landcover=landcover if landcover is not None else truth["landcover"],
        hotspot_distance_m=hotspot_distance_m, district_column=district_column, district_stats=district_stats,
        city=city, date=date, scene=ds, vulnerability=vulnerability,
    )


#: Smallest share of the frame with a valid LST that :func:`analyse_city` analyses (1 %): below it, SUHII,
#: hot spots and risk would describe a few scattered gaps between clouds. A choice of this library.
MIN_CLEAR_SHARE = 0.01


def _check_clear(lst: xr.DataArray, ds: xr.Dataset, scene_path) -> None:
    """Stop before any output when (almost) no pixel has a valid LST, saying why and what gets past it."""
    share = float(np.isfinite(lst.values).mean()) if lst.size else 0.0
    if share >= MIN_CLEAR_SHARE:
        return
    where = str(scene_path.name if scene_path is not None else ds.attrs.get("scene_id", "the scene"))
    masked = str(ds.attrs.get("cloud_mask", "")).startswith(("QA_PIXEL", "BQA"))
    hint = ("the QA band flags the rest as cloud, shadow, snow or fill; rerun with --no-mask-clouds "
            "(mask_clouds=False) to analyse the unmasked scene" if masked else
            "the rest is fill (no data) in the thermal band; choose a scene or crop with data")
    raise InputValueError(f"{where}: only {share:.2%} of the pixels have a valid LST (at least "
                          f"{MIN_CLEAR_SHARE:.0%} needed); {hint}")


def choose_lst_method(ds: xr.Dataset, water_vapour: float | None = None) -> str:
    """The most accurate LST method the scene supports.

    ``"l2"`` for a Level-2 scene (the USGS single-channel product with MODTRAN-based atmospheric
    correction); with known water vapour (argument or ``ds.attrs["water_vapour"]``) ``"split-window"``
    when both thermal bands are present, else ``"single-channel"`` (Jiménez-Muñoz et al. 2014; Du et al. 2015; both within 1 K
    on the synthetic scenes, tests/test_lst_synthetic.py); otherwise ``"simple"``, which has no atmospheric
    correction (a few kelvin low in humid air).
    """
    if "surface_temperature" in ds:
        return "l2"
    if water_vapour is not None or ds.attrs.get("water_vapour") is not None:
        has_b11 = "brightness_temperature_b11" in ds or "radiance_b11" in ds
        return "split-window" if has_b11 else "single-channel"
    return "simple"
