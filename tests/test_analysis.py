"""uhi.analysis: the LST -> SUHII -> Gi* -> risk -> district chain, on a synthetic city and on real Sofia data."""

from __future__ import annotations

import numpy as np
import pytest
import rioxarray

from uhi.analysis import analyse_city, analyse_layers
from uhi.risk import HIGH_RISK_CLASSES


@pytest.fixture(scope="module")
def synthetic_scene(tmp_path_factory):
    from uhi.synthetic import make_scene

    return make_scene("Sofia", shape=(300, 300), level="L1", seed=3, out=tmp_path_factory.mktemp("scene"),
                      atmosphere=False)


@pytest.fixture(scope="module")
def city(synthetic_scene):
    return analyse_city(synthetic_scene, lst_method="simple")


def test_suhii_matches_truth(city, synthetic_scene):
    """SUHII from retrieved LST equals SUHII of the generator's true LST over the same masks (within 0.5 K,
    the 'simple' method's recovery tolerance), and lies in the generator's 4-8 K urban-excess design range
    diluted by the rural ring (so between 2 and 10 K)."""
    truth = rioxarray.open_rasterio(synthetic_scene / "truth" / "lst.tif").squeeze(drop=True).values
    urban = city.suhii.urban_mask.values
    rural = city.suhii.rural_mask.values
    truth_suhii = np.nanmean(truth[urban]) - np.nanmean(truth[rural])
    assert city.suhii.suhii == pytest.approx(truth_suhii, abs=0.5)
    assert 2.0 < city.suhii.suhii < 10.0


def test_population_and_risk(city, synthetic_scene):
    """Population read from truth/population.tif keeps its total (same grid, so exactly); residents at high
    risk are counted from the risk classes by hand here."""
    pop_file = rioxarray.open_rasterio(synthetic_scene / "truth" / "population.tif").squeeze(drop=True).values
    assert float(np.nansum(city.population.values)) == pytest.approx(float(np.nansum(pop_file)), rel=1e-6)
    summary = city.summary()
    high = np.isin(city.risk["risk_class"].values, HIGH_RISK_CLASSES)
    assert summary["residents_high_risk"] == pytest.approx(float(np.nansum(city.population.values[high])), rel=1e-6)
    assert 0 < summary["residents_high_risk"] < summary["residents"]


def test_district_table(city):
    """One row per synthetic district; residents per district sum to the residents inside all districts,
    and high-risk residents never exceed residents."""
    table = city.district_table
    assert len(table) == len(city.districts)
    assert (table["residents_high_risk"] <= table["residents"] + 1e-3).all()
    assert table["residents"].sum() <= city.summary()["residents"] * (1 + 1e-6)
    # population-weighted mean lies within the district's LST range
    assert ((table["lst_popweighted_mean"] >= table["lst_min"] - 1e-4)
            & (table["lst_popweighted_mean"] <= table["lst_max"] + 1e-4)).all()


def test_write_refuses_overwrite(city, tmp_path):
    from uhi.errors import OutputExistsError

    written = city.write(tmp_path)
    assert (tmp_path / "risk_class.tif").is_file() and (tmp_path / "districts.gpkg").is_file()
    assert all(p.parent == tmp_path for p in written)
    with pytest.raises(OutputExistsError, match="lst_celsius.tif"):
        city.write(tmp_path)


@pytest.mark.shared
def test_sofia_real_stack(shared_data):
    """Sofia 2019-08-12 real stack (../shared/data/cities/sofia): SUHII positive (1-10 K, the plausibility range of
    tests/test_metrics_sofia.py), and the municipality's population-weighted LST recomputed by hand with numpy."""
    from rasterio.features import geometry_mask

    from uhi.io.stack import SOFIA_STACK_BANDS, SOFIA_STACK_SCALES, SOFIA_STACK_UNITS, load_stack
    from uhi.io.vectors import load_vector

    folder = shared_data / "cities" / "sofia"
    stack = load_stack(folder / "LC08_184030_20190812.tif", SOFIA_STACK_BANDS, units=SOFIA_STACK_UNITS,
                       scales=SOFIA_STACK_SCALES)
    outline = load_vector(folder / "sofia_municipality.geojson", like=stack["lst"])
    outline["district"] = ["Sofia City"]
    res = analyse_layers(stack["lst"], ndvi=stack["ndvi"], ndbi=stack["ndbi"], mndwi=stack["mndwi"],
                         population=stack["population"].fillna(0), districts=outline, city="Sofia", date="2019-08-12")
    assert 1.0 < res.suhii.suhii < 10.0
    inside = ~geometry_mask(outline.geometry, out_shape=stack["lst"].shape, transform=stack.rio.transform())
    lst = stack["lst"].values
    pop = np.nan_to_num(stack["population"].values)
    ok = inside & np.isfinite(lst)
    expected = np.sum(lst[ok] * pop[ok]) / np.sum(pop[ok])
    assert res.district_table["lst_popweighted_mean"].iloc[0] == pytest.approx(expected, abs=1e-3)


def test_chunked_analysis_writes_the_eager_rasters(city, synthetic_scene, tmp_path):
    """``analyse_city(chunks=...)`` (the dask path, every raster written in one pass by
    ``uhi.io.write_rasters``) writes the same risk.tif and risk_class.tif as the eager run: same pixels
    bit for bit (same kernels on the same values; the class breaks are fixed), so any difference is a defect."""
    import rasterio

    lazy = analyse_city(synthetic_scene, lst_method="simple", chunks=128)
    assert lazy.risk["risk"].chunks is not None  # really the dask path
    city.write(tmp_path / "eager")
    lazy.write(tmp_path / "lazy")
    for name in ("risk.tif", "risk_class.tif", "hazard.tif", "exposure.tif"):
        with rasterio.open(tmp_path / "eager" / name) as a, rasterio.open(tmp_path / "lazy" / name) as b:
            va, vb = a.read(1), b.read(1)
            assert va.dtype == vb.dtype and va.tobytes() == vb.tobytes(), name
            assert a.nodata == b.nodata or (np.isnan(a.nodata) and np.isnan(b.nodata))
            assert a.transform == b.transform and a.crs == b.crs
    assert not list((tmp_path / "lazy").glob(".*partial*"))
