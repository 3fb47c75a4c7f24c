"""The whole metrics + risk chain on real data: Sofia, Landsat 8, 2014-08-14 and 2019-08-12 (120 m stack).

Stack bands (shared data README): NDBI, NDBaI, MNDWI, NDWI, NDVI, EVI, SAVI, population count
(GHS-POP), LST [degC]; EPSG:32634, 120 m. Read with rioxarray directly (no band names in the file).

The files carry corrected georeferencing (shared data README, 2026-12-01); they are read as they are.
Their spectral indices were computed from digital numbers, not reflectance, so no reflectance threshold
(NDBI > 0, NDVI < 0.5, MNDWI > 0) is applied to them here: the urban mask comes from population density
(Degree of Urbanisation, :func:`uhi.metrics.urban_mask_from_population`) and the city core from the
stack's own population band.
"""

from __future__ import annotations

import numpy as np
import pytest
import rioxarray  # noqa: F401
from scipy import ndimage

from uhi.metrics import hotspots, suhii, thermal_zones, urban_mask_from_population, utfvi, utfvi_classes
from uhi.risk import assess_risk

BANDS = ("ndbi", "ndbai", "mndwi", "ndwi", "ndvi", "evi", "savi", "population", "lst")
SCENES = {"2014": "LC08_184030_20140814.tif", "2019": "LC08_184030_20190812.tif"}


def _load(path):
    stack = rioxarray.open_rasterio(path)
    layers = {name: stack.isel(band=i, drop=True) for i, name in enumerate(BANDS)}
    layers["lst"] = layers["lst"].assign_attrs(units="degC")
    return layers


@pytest.fixture(scope="module", params=sorted(SCENES))
def sofia(request, shared_data):
    return request.param, _load(shared_data / "cities" / "sofia" / SCENES[request.param])


def _core(s):
    """City core: the densest 3 % of pixels of the stack's own population band smoothed over ~1 km (9 px)."""
    dens = ndimage.uniform_filter(np.nan_to_num(s["population"].values), 9)
    return dens >= np.quantile(dens, 0.97), np.unravel_index(np.argmax(dens), dens.shape)


def test_suhii_positive_few_kelvin(sofia):
    """Urban = population density >= 1500 km-2 over ~1 km (Degree of Urbanisation); rural = 2 km ring.

    Plausibility range 1-10 K: daytime summer surface UHI intensities of large cities in the global
    MODIS studies (Peng et al. 2011, doi:10.1021/es2030438; the Yale YCEO explorer, Chakraborty & Lee
    2019 [chakraborty2019]) are a few kelvin on ~1 km pixels; 100 m Landsat pixels resolve hotter cores, hence the
    wider upper bound. A negative value or > 10 K would flag a sign, unit or masking error.
    The means are recomputed here with plain numpy from the returned masks (independent of the code's sums).
    """
    year, s = sofia
    urban = urban_mask_from_population(s["population"])
    res = suhii(s["lst"], urban)
    assert 1.0 < res.suhii < 10.0, (year, res.to_dict())
    lst_k = s["lst"].values.astype(np.float64) + 273.15
    assert res.urban_mean == pytest.approx(lst_k[res.urban_mask.values].mean(), abs=1e-4)
    assert res.rural_mean == pytest.approx(lst_k[res.rural_mask.values].mean(), abs=1e-4)
    assert res.urban_count > 5000 and res.rural_count > 5000
    ea = suhii(s["lst"], urban, reference="equal-area")
    # the equal-area ring is narrow here (the scattered NDBI mask has a long edge), so it is warmer
    # than the 2 km ring and the intensity is smaller, but still positive
    assert 0.0 < ea.suhii < res.suhii


def test_utfvi_and_zones_hotter_in_town(sofia):
    """Urban pixels (population density rule) fall in the 'worst' UTFVI class (> 0.020, about 6 K above the
    scene mean) and in the 'high' thermal zone more often than other pixels. Measured worst-class shares:
    2014 18.6 % vs 6.7 %, 2019 9.7 % vs 8.2 % (in 2019 bare fields outside town are as hot as the centre)."""
    _, s = sofia
    urban = urban_mask_from_population(s["population"]).values
    cls = utfvi_classes(utfvi(s["lst"])).values
    valid = cls > 0
    assert np.mean(cls[urban & valid] == 6) > np.mean(cls[~urban & valid] == 6)
    zones = thermal_zones(s["lst"]).values
    assert np.mean(zones[urban & valid] == 5) > np.mean(zones[~urban & valid] == 5)


def test_hotspots_in_city_core(sofia):
    """Gi* with a 500 m band on 120 m pixels: >= 95 % of the city-core pixels are 99 % hot spots
    (measured 99-100 %; 34-40 % elsewhere), the densest pixel is one, urban pixels are hot spots more
    often than the rest, and the residents living in hot spots outnumber their area share."""
    _, s = sofia
    ds = hotspots(s["lst"], distance_m=500.0)
    b = ds["gi_bin"].values
    core, (i, j) = _core(s)
    assert b[i, j] == 3
    assert np.mean(b[core] == 3) >= 0.95 and np.mean(b[~core] == 3) < 0.6
    urban = urban_mask_from_population(s["population"]).values
    assert np.mean(b[urban] == 3) > 1.5 * np.mean(b[~urban] == 3)
    pop = np.nan_to_num(s["population"].values)
    assert pop[b == 3].sum() / pop.sum() > np.mean(b == 3)


def test_risk_map(sofia):
    """Risk from the absolute LST hazard (UTCI categories), GHS-POP exposure (band 8, people per 120 m cell, saturating
    at 300 km-2) and the uniform vulnerability default: the densest pixel is in the hot classes, the high / very high
    risk cells are hotter than the rest, and the summary correlations say what drives the ranking (measured over
    populated pixels, 2014 / 2019: rho(risk, hazard) 0.76 / 0.64, rho(risk, population) 0.84 / 0.80; the earlier
    NDVI/NDBI-vulnerability, min-max index had rho(risk, population) 0.99 / 0.98)."""
    year, s = sofia
    ds = assess_risk(s["lst"], s["population"])
    assert ds.attrs["vulnerability_default"] == 1
    rc, hc = ds["risk_class"].values, ds["hazard_class"].values
    assert set(np.unique(rc)) <= {0, 1, 2, 3, 4, 5} and (rc >= 4).any()
    core, (i, j) = _core(s)
    assert hc[i, j] >= 3 and rc[i, j] >= 4
    lst = s["lst"].values
    assert np.nanmean(lst[rc >= 4]) > np.nanmean(lst[(rc > 0) & (rc < 4)])
    rho_h, rho_p = ds.attrs["spearman_risk_hazard"], ds.attrs["spearman_risk_population"]
    assert 0.3 < rho_h < 1 and rho_p < 0.9  # population no longer is the whole ranking


def test_2019_vs_2014_both_run(shared_data):
    """Both summers give a positive SUHII; the difference is reported, not judged (different days)."""
    out = {}
    for year, name in SCENES.items():
        s = _load(shared_data / "cities" / "sofia" / name)
        urban = urban_mask_from_population(s["population"])
        out[year] = suhii(s["lst"], urban).suhii
    assert all(v > 0 for v in out.values())
    assert np.isfinite(out["2019"] - out["2014"])
