"""Station tables: reading (CSV, GeoPackage, Parquet), time selection, raster sampling, and the bad-input contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from uhi.errors import CRSError, InputValueError
from uhi.observations import (
    NIGHT_HOURS,
    daily_window_means,
    read_stations,
    sample_raster,
    select_overpass,
    select_window,
    station_pixels,
)


def _table(**over):
    df = pd.DataFrame({
        "station": ["a", "a", "b", "b"],
        "lon": [23.30, 23.30, 23.40, 23.40],
        "lat": [42.70, 42.70, 42.65, 42.65],
        "time": ["2019-08-12T09:00:00Z", "2019-08-12T10:00:00Z", "2019-08-12T09:00:00Z", "2019-08-12T10:00:00Z"],
        "t_air": [30.0, 31.0, 28.0, 29.5],
        "class": ["Urban", "Urban", "rural", "rural"],
    })
    for k, v in over.items():
        df[k] = v
    return df


def test_read_formats_give_the_same_stations(tmp_path):
    import geopandas as gpd

    df = _table(elev_m=[550.0, 550.0, 590.0, 590.0])
    df.to_csv(tmp_path / "s.csv", index=False)
    gdf = gpd.GeoDataFrame(df.drop(columns=["lon", "lat"]), geometry=gpd.points_from_xy(df.lon, df.lat), crs="EPSG:4326")
    gdf.to_file(tmp_path / "s.gpkg")
    gdf.to_parquet(tmp_path / "s.parquet")
    df.to_parquet(tmp_path / "plain.parquet")
    got = [read_stations(tmp_path / n) for n in ("s.csv", "s.gpkg", "s.parquet", "plain.parquet")]
    for st in got:
        assert st.ids == ["a", "b"]
        assert st.locations.crs.to_epsg() == 4326
        assert st.records["time"].dt.tz is not None and str(st.records["time"].dt.tz) == "UTC"
        assert st.records["t_air"].tolist() == [30.0, 31.0, 28.0, 29.5]
        assert st.locations.loc["a", "class"] == "urban"  # classes are lower-cased
        assert st.locations["elevation"].tolist() == [550.0, 590.0]
        assert st.locations.geometry.x.tolist() == pytest.approx([23.30, 23.40])


def test_projected_xy_needs_crs_and_naive_times_need_a_zone():
    df = _table().drop(columns=["lon", "lat"]).assign(x=[1.0, 1.0, 2.0, 2.0], y=[5.0, 5.0, 6.0, 6.0])
    with pytest.raises(CRSError, match="'x'/'y'.*no CRS"):
        read_stations(df)
    st = read_stations(df, crs="EPSG:32634")
    assert st.crs.to_epsg() == 32634
    naive = _table(time=["2019-08-12 11:00", "2019-08-12 12:00", "2019-08-12 11:00", "2019-08-12 12:00"])
    with pytest.raises(InputValueError, match="no time zone.*timezone="):
        read_stations(naive)
    st = read_stations(naive, timezone="Europe/Sofia")  # EEST = UTC+3 in August
    assert st.records["time"].iloc[0] == pd.Timestamp("2019-08-12T08:00Z")


@pytest.mark.parametrize("over, match", [
    ({"time": ["2019-08-12T09:00:00Z", "yesterday", "2019-08-12T09:00:00Z", "2019-08-12T10:00:00Z"]}, r"column 'time' row 1"),
    ({"time": ["2019-08-12T09:00:00Z", "2019-08-12 10:00", "2019-08-12T09:00:00Z", "2019-08-12T10:00:00Z"]}, r"mixes stamps.*row 1"),
    ({"t_air": [30.0, "hot", 28.0, 29.0]}, r"column 't_air' row 1 is not a number"),
    ({"t_air": [303.15, 304.0, 301.0, 302.0]}, r"column 't_air' row 0 .*kelvin"),
    ({"lat": [42.7, 42.7, 142.65, 142.65]}, r"column 'lat' row 2"),
    ({"lon": [23.3, 23.31, 23.4, 23.4]}, r"station id 'a' appears at two positions \(rows 0 and 1\)"),
    ({"time": ["2019-08-12T09:00:00Z"] * 2 + ["2019-08-12T09:00:00Z", "2019-08-12T10:00:00Z"]}, r"duplicate record for station 'a'.*rows \[0, 1\]"),
])
def test_bad_input_names_column_and_row(over, match):
    with pytest.raises(InputValueError, match=match):
        read_stations(_table(**over))


def test_missing_columns_and_files(tmp_path):
    with pytest.raises(InputValueError, match="no station column"):
        read_stations(_table().drop(columns=["station"]))
    with pytest.raises(InputValueError, match="no t_air column"):
        read_stations(_table().drop(columns=["t_air"]))
    with pytest.raises(InputValueError, match="does not exist"):
        read_stations(tmp_path / "nope.csv")
    (tmp_path / "bad.gpkg").write_text("not a geopackage")
    with pytest.raises(InputValueError, match="cannot be read"):
        read_stations(tmp_path / "bad.gpkg")
    # a location-only table (no time column): repeated ids are duplicate stations
    loc = pd.DataFrame({"id": ["a", "a"], "lon": [1.0, 1.0], "lat": [2.0, 2.0], "temperature": [20.0, 21.0]})
    with pytest.raises(InputValueError, match="duplicate station ids"):
        read_stations(loc)


def test_overpass_and_window_selection():
    st = read_stations(_table())
    o = select_overpass(st, "2019-08-12T09:10:00Z")  # +-30 min -> the 09:00 records
    assert o["t_air"].to_dict() == {"a": 30.0, "b": 28.0} and o["n_records"].tolist() == [1, 1]
    w = select_window(st, "2019-08-12T08:00Z", "2019-08-12T11:00Z")
    assert w["t_air"].to_dict() == {"a": 30.5, "b": 28.75}  # means of the two hours
    with pytest.raises(InputValueError, match="no time zone"):
        select_overpass(st, "2019-08-12 09:00")
    with pytest.raises(InputValueError, match="no record"):
        select_overpass(st, "2020-01-01T00:00Z")


def test_daily_window_wraps_midnight():
    # 48 hourly values = hour of the day in local time: the 22..02 window of day 1 averages 22,23 (day 1) and 0,1,2
    # (day 2) -> (22 + 23 + 0 + 1 + 2) / 5 = 9.6
    t = pd.date_range("2019-07-01", periods=48, freq="h", tz="Europe/Berlin")
    df = pd.DataFrame({"station": "s", "lon": 13.4, "lat": 52.5, "time": t.tz_convert("UTC").strftime("%Y-%m-%dT%H:%MZ"),
                       "t_air": t.hour.astype(float)})
    st = read_stations(df)
    night = daily_window_means(st, NIGHT_HOURS, timezone="Europe/Berlin")
    assert night.loc["2019-07-01", "s"] == pytest.approx(9.6)
    assert np.isnan(night.loc["2019-07-02", "s"])  # its after-midnight hours are missing
    day = daily_window_means(st, (10, 11), timezone="Europe/Berlin")
    assert day["s"].tolist() == [10.5, 10.5]


def _raster():
    import rioxarray  # noqa: F401

    x = 500_000 + 15 + 30 * np.arange(10)
    y = 4_700_000 - 15 - 30 * np.arange(8)
    v = np.arange(80, dtype=np.float32).reshape(8, 10)
    v[0, 0] = np.nan
    return xr.DataArray(v, coords={"y": y, "x": x}, dims=("y", "x"), name="lst", attrs={"units": "degC"}).rio.write_crs("EPSG:32634")


def test_sample_pixel_and_buffer():
    import geopandas as gpd

    da = _raster()
    pts = gpd.GeoDataFrame({"station": ["p", "q"]}, geometry=gpd.points_from_xy([500_000 + 45, 500_000 + 5], [4_700_000 - 75, 4_700_000 - 5]),
                           crs="EPSG:32634").set_index("station")
    s = sample_raster(da, pts)
    assert s.to_dict() == {"p": 21.0, "q": pytest.approx(np.nan, nan_ok=True)}  # row 2, col 1 -> 2*10+1; q on NaN
    b = sample_raster(da, pts, buffer_m=30)  # disc of radius 1 pixel: the pixel and its 4 neighbours
    assert b["p"] == pytest.approx((21 + 11 + 31 + 20 + 22) / 5)
    assert b["q"] == pytest.approx((1 + 10) / 2)  # corner: NaN and outside pixels left out
    assert s.attrs["units"] == "degC"
    far = pts.set_geometry(gpd.points_from_xy([400_000, 500_010], [4_700_000 - 5, 4_700_000 - 5]), crs="EPSG:32634")
    with pytest.raises(InputValueError, match=r"station\(s\) \['p'\] lie outside the raster"):
        station_pixels(da, far)
    with pytest.raises(CRSError):
        sample_raster(xr.DataArray(da.values, coords={"y": da.y.values, "x": da.x.values}, dims=("y", "x")), pts)


@pytest.mark.shared
def test_berlin_hourly_table_reads(shared_data):
    st = read_stations(pd.read_csv(shared_data / "stations" / "berlin_uco_hourly_2019.csv.gz"))
    # data README: 23 stations, 201,457 rows in 2019, UTC stamps
    assert len(st.ids) == 23 and len(st.records) == 201_457
    assert st.records["time"].min() == pd.Timestamp("2019-01-01T00:00Z")


# Landsat overpass hour over Berlin. The sun-synchronous orbit passes a latitude at the same local mean solar time
# on every path: the shared Liverpool scene (LC08 204/023, centre 53.1 N 3.52 W, MTL SCENE_CENTER_TIME 11:10:50 UTC)
# gives 11:10:50 - 3.52/15 h = 10:56:46 LMST, i.e. 10:56:46 - 13.4/15 h = 10:03 UTC over Berlin (13.4 E, 52.5 N):
# the record stamped 10:00 UTC, 12:00 CEST.
BERLIN_OVERPASS_LOCAL_HOURS = (12,)


@pytest.fixture(scope="module")
def berlin(shared_data):
    frames = [pd.read_csv(shared_data / "stations" / f"berlin_uco_hourly_{y}.csv.gz") for y in (2019, 2020)]
    return read_stations(pd.concat(frames, ignore_index=True))


@pytest.mark.shared
@pytest.mark.slow
def test_berlin_night_contrast_exceeds_overpass_contrast_on_hot_days(berlin):
    from uhi.observations import hot_days, urban_rural_contrast

    # Data README: 39 JJA days 2019-2020 with Tegel (airporttxl) Tmax >= 30 degC
    hot = hot_days(berlin, "airporttxl", threshold=30.0, timezone="Europe/Berlin")
    assert len(hot) == 39
    night = urban_rural_contrast(berlin, "bamberger", "airporttxl", NIGHT_HOURS, timezone="Europe/Berlin", days=hot)
    morning = urban_rural_contrast(berlin, "bamberger", "airporttxl", (10, 11), timezone="Europe/Berlin", days=hot)
    overpass = urban_rural_contrast(berlin, "bamberger", "airporttxl", BERLIN_OVERPASS_LOCAL_HOURS, timezone="Europe/Berlin", days=hot)
    # the data README's own check (berlin_uhi_check.py): 10-11 CEST -2.47 K, 22-02 CEST +1.44 K on these days
    assert morning.mean() == pytest.approx(-2.47, abs=0.01)
    assert night.mean() == pytest.approx(1.44, abs=0.01)
    # what the data show: the canopy-layer UHI of this street-canyon site is nocturnal; at the overpass hour the
    # site is cooler than Tegel, so the night contrast exceeds the overpass-hour contrast on every year's mean
    assert night.mean() > 0 > overpass.mean()
    assert (night > overpass).mean() > 0.9


@pytest.mark.shared
@pytest.mark.slow
def test_berlin_derived_uhi_max_is_larger_at_night(berlin):
    from uhi.calibrate import derive_reference
    from uhi.observations import hot_days

    hot = hot_days(berlin, "airporttxl", threshold=30.0, timezone="Europe/Berlin")
    derived = {}
    for name, hours in (("overpass", BERLIN_OVERPASS_LOCAL_HOURS), ("night", NIGHT_HOURS)):
        means = daily_window_means(berlin, hours, timezone="Europe/Berlin", days=hot)
        derived[name] = np.mean([derive_reference(row.dropna().to_numpy())[1] for _, row in means.iterrows()])
        derived[name + " coolest"] = means.mean().idxmin()
    # measured: max - min over the 23 stations, mean of the 39 hot days: 4.8 K at the overpass hour, 5.5 K at night;
    # the coolest station at the overpass hour is the central street canyon (not a heat-island pattern)
    assert derived["night"] > derived["overpass"]
    assert derived["overpass coolest"] == "bamberger"


def test_points_without_crs_are_refused():
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"station": ["a"], "t_air": [20.0], "time": ["2019-08-12T09:00:00Z"]},
                           geometry=gpd.points_from_xy([500_000.0], [4_700_000.0]))
    with pytest.raises(CRSError, match="no CRS"):
        read_stations(gdf)
    with pytest.raises(CRSError, match="no CRS"):
        sample_raster(_raster(), gdf)


_TOKENS = hst.sampled_from(["a", "b", "", "1", "-1", "23.3", "42.7", "200", "nan", "2019-08-12T09:00:00Z", "2019-08-12 09:00",
                           "2019-13-40T00:00Z", "x,y", '"q"', "1e400", "Z", "+02:00"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=hst.lists(hst.lists(_TOKENS, min_size=5, max_size=5), min_size=1, max_size=6))
def test_station_csv_parser_gives_stations_or_a_uhi_error(tmp_path, rows):
    from uhi.errors import UhiError
    from uhi.observations import Stations

    path = tmp_path / "s.csv"
    path.write_text("station,lon,lat,time,t_air\n" + "\n".join(",".join(r) for r in rows) + "\n")
    try:
        st_ = read_stations(path)
    except UhiError:
        return
    assert isinstance(st_, Stations) and str(st_.records["time"].dt.tz) == "UTC"
    assert st_.records["t_air"].between(-89.2, 56.7).all()
