"""Station tables: read air-temperature records (CSV, GeoPackage, Parquet) and select them in time.

A station table has one row per record: a station id, its position (``lon``/``lat`` in degrees, ``x``/``y``
with a CRS, or a point geometry), a time stamp with a time zone, and the air temperature [degC]; optionally
an elevation [m] and a class (``urban``/``rural``, an LCZ, ...). Locations and records are kept apart in a
:class:`Stations` object; the selections return one value per station as a GeoDataFrame, the input of
:func:`uhi.observations.sample_raster` and :mod:`uhi.calibrate`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from uhi.constants import AIR_TEMPERATURE_RECORD_DEGC
from uhi.errors import CRSError, InputValueError
from uhi.io.tables import load_table

__all__ = ["NIGHT_HOURS", "Stations", "daily_window_means", "hot_days", "read_stations", "select_overpass", "select_window",
           "urban_rural_contrast"]

#: Column names recognised without being named (case-insensitive), first match wins.
COLUMN_ALIASES = {
    "station": ("station", "station_id", "id", "name", "site"),
    "time": ("time", "timestamp", "datetime", "datetime_utc", "date_time", "date"),
    "t_air": ("t_air", "air_temperature", "airt_c", "t_air_c", "tair", "temperature", "temp", "ta", "tmean_c"),
    "lon": ("lon", "longitude", "lng"),
    "lat": ("lat", "latitude"),
    "x": ("x", "easting"),
    "y": ("y", "northing"),
    "elevation": ("elevation", "elev", "elev_m", "altitude", "height_m"),
    "class": ("class", "station_class", "lcz", "type"),
}

#: Plausible near-surface air temperature [degC]: the recorded extremes (uhi.constants, WMO archive);
#: values outside suggest kelvin or a fill code.
T_AIR_RANGE_C = AIR_TEMPERATURE_RECORD_DEGC

#: Night window [local hours] of the canopy-layer UHI: 22:00-02:59, the hours after the evening transition
#: when the urban-rural air-temperature difference is largest, a few hours after sunset (Oke 1982, Q. J. R.
#: Meteorol. Soc. 108:1, doi:10.1002/qj.49710845502).
NIGHT_HOURS = (22, 23, 0, 1, 2)

_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d\d(?::?\d\d)?)$")


@dataclass(frozen=True)
class Stations:
    """Station locations and their air-temperature records.

    Attributes
    ----------
    locations : geopandas.GeoDataFrame
        One row per station, indexed by ``station`` (str): point ``geometry`` in ``crs``, optional
        ``elevation`` [m] and ``class``.
    records : pandas.DataFrame
        ``station``, ``time`` (tz-aware, UTC; NaT when the table has no time column) and ``t_air`` [degC].
    source : str
        The file (or ``"<GeoDataFrame>"``) the table came from.
    """

    locations: gpd.GeoDataFrame
    records: pd.DataFrame
    source: str = "<table>"

    @property
    def crs(self):
        return self.locations.crs

    @property
    def ids(self) -> list[str]:
        return self.locations.index.tolist()

    def to_crs(self, crs) -> Stations:
        return Stations(self.locations.to_crs(crs), self.records, self.source)

    def subset(self, ids) -> Stations:
        """The stations ``ids`` only (unknown ids raise :class:`InputValueError`)."""
        ids = [str(i) for i in ids]
        unknown = sorted(set(ids) - set(self.ids))
        if unknown:
            raise InputValueError(f"station(s) {unknown} are not in {self.source}; it has {self.ids}")
        return Stations(self.locations.loc[ids], self.records[self.records["station"].isin(ids)], self.source)

    def wide(self, timezone: str | None = None) -> pd.DataFrame:
        """Records as a time x station table [degC]; index in ``timezone`` (default UTC)."""
        w = self.records.pivot_table(index="time", columns="station", values="t_air", aggfunc="mean")
        return w.tz_convert(timezone) if timezone else w


def _find(columns, key: str, given: str | None, where: str, *, required: bool) -> str | None:
    if given is not None:
        if given not in columns:
            raise InputValueError(f"{where}: column {given!r} (given for {key}) is not in the table; it has {list(columns)}")
        return given
    lower = {str(c).lower(): c for c in columns}
    for alias in COLUMN_ALIASES[key]:
        if alias in lower:
            return lower[alias]
    if required:
        raise InputValueError(
            f"{where}: no {key} column; expected one of {list(COLUMN_ALIASES[key])} (or name it with {key}_column=)"
        )
    return None


def _parse_times(col: pd.Series, name: str, where: str, timezone: str | None) -> pd.Series:
    """Tz-aware UTC times; every unparseable or zone-less stamp is an error naming its row."""
    if pd.api.types.is_datetime64_any_dtype(col):
        t = col
        aware = getattr(t.dt, "tz", None) is not None
        text = None
    else:
        text = col.astype("string").str.strip()
        has_zone = text.str.contains(_TZ_SUFFIX, na=False)
        aware = bool(has_zone.all())
        if has_zone.any() and not aware:
            row = int(np.flatnonzero(~has_zone.to_numpy())[0])
            if pd.isna(pd.to_datetime(text.iloc[row:row + 1], errors="coerce", format="ISO8601").iloc[0]):
                raise InputValueError(f"{where}: column {name!r} row {row} has an unparseable time {col.iloc[row]!r}; expected ISO 8601")
            raise InputValueError(f"{where}: column {name!r} mixes stamps with and without a time zone (row {row}: {col.iloc[row]!r})")
        t = pd.to_datetime(text, utc=aware, errors="coerce", format="ISO8601")
    bad = t.isna() & col.notna()
    if text is not None:
        bad |= t.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputValueError(f"{where}: column {name!r} row {row} has an unparseable time {col.iloc[row]!r}; expected ISO 8601")
    if not aware:
        if timezone is None:
            raise InputValueError(
                f"{where}: times in column {name!r} have no time zone (row 0: {col.iloc[0]!r}); "
                "write them with an offset (2019-07-01T12:00:00Z) or pass timezone='Europe/Berlin'"
            )
        try:
            t = t.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
        except Exception as exc:  # noqa: BLE001 - pytz/zoneinfo raise several types for a bad zone name
            raise InputValueError(f"{where}: time zone {timezone!r} is not known: {exc}") from None
        bad = t.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputValueError(f"{where}: column {name!r} row {row} ({col.iloc[row]!r}) does not exist or is ambiguous in {timezone}")
    return t.dt.tz_convert("UTC")


def _numeric(df: pd.DataFrame, name: str, where: str) -> pd.Series:
    if pd.api.types.is_numeric_dtype(df[name]) and not pd.api.types.is_bool_dtype(df[name]):
        return df[name].astype(np.float64)
    values = pd.to_numeric(df[name], errors="coerce")
    bad = values.isna() & df[name].notna() & (df[name].astype("string").str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputValueError(f"{where}: column {name!r} row {row} is not a number: {df[name].iloc[row]!r}")
    return values.astype(np.float64)


def read_stations(
    path_or_frame,
    *,
    station_column: str | None = None,
    time_column: str | None = None,
    t_air_column: str | None = None,
    x_column: str | None = None,
    y_column: str | None = None,
    crs=None,
    timezone: str | None = None,
    elevation_column: str | None = None,
    class_column: str | None = None,
    layer: str | None = None,
) -> Stations:
    """Read a station table of air temperatures.

    Parameters
    ----------
    path_or_frame : str, Path, pandas.DataFrame or geopandas.GeoDataFrame
        CSV (optionally ``.gz``), GeoPackage/GeoJSON/shapefile, or (Geo)Parquet; one row per record.
    station_column, time_column, t_air_column, x_column, y_column, elevation_column, class_column : str, optional
        Column names; by default found among :data:`COLUMN_ALIASES` (case-insensitive). Positions come from a
        point geometry, else ``lon``/``lat`` [degrees, EPSG:4326], else ``x``/``y`` in ``crs``.
    crs : optional
        CRS of ``x``/``y`` columns (required with them; a geometry's own CRS is used otherwise).
    timezone : str, optional
        IANA zone of time stamps written without an offset (``"Europe/Berlin"``); stamps with an offset or
        ``Z`` need none. Stored times are UTC.
    layer : str, optional
        Layer of a multi-layer GeoPackage.

    Returns
    -------
    Stations

    Raises
    ------
    InputValueError
        Missing column, unparseable or zone-less time, non-numeric or implausible temperature (outside
        :data:`T_AIR_RANGE_C`), coordinates out of range, one station id at two positions, a repeated
        (station, time) record -- each message names the column and the row.
    CRSError
        ``x``/``y`` without ``crs``, or a geometry without a CRS.
    """
    if isinstance(path_or_frame, (pd.DataFrame, gpd.GeoDataFrame)):
        df, where = path_or_frame.copy(), "station table"
    else:
        path = Path(path_or_frame)
        where = f"station table {str(path)!r}"
        if not path.is_file():
            raise InputValueError(f"{where} does not exist")
        df = load_table(path, layer=layer, what="station table")
    df = df.reset_index(drop=True)
    if len(df) == 0:
        raise InputValueError(f"{where} has no rows")
    sid = _find(df.columns, "station", station_column, where, required=True)
    tcol = _find(df.columns, "time", time_column, where, required=False)
    vcol = _find(df.columns, "t_air", t_air_column, where, required=True)
    ecol = _find(df.columns, "elevation", elevation_column, where, required=False)
    ccol = _find(df.columns, "class", class_column, where, required=False)

    ids = df[sid]
    if ids.isna().any():
        row = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise InputValueError(f"{where}: column {sid!r} row {row} has no station id")
    ids = ids.astype(str).str.strip()

    geom_col = df.geometry.name if isinstance(df, gpd.GeoDataFrame) and df.geometry.name in df.columns else None
    if geom_col is not None:
        if df.crs is None:
            raise CRSError(f"{where}: the point geometry has no CRS; set one (e.g. EPSG:4326)")
        if not (df.geometry.geom_type == "Point").all():
            row = int(np.flatnonzero((df.geometry.geom_type != "Point").to_numpy())[0])
            raise InputValueError(f"{where}: geometry row {row} is a {df.geometry.geom_type.iloc[row]}, expected a Point")
        xs, ys, table_crs = df.geometry.x.to_numpy(), df.geometry.y.to_numpy(), df.crs
    else:
        lon = _find(df.columns, "lon", None, where, required=False) if x_column is None else None
        lat = _find(df.columns, "lat", None, where, required=False) if y_column is None else None
        if lon is not None and lat is not None:
            xs, ys, table_crs = _numeric(df, lon, where).to_numpy(), _numeric(df, lat, where).to_numpy(), "EPSG:4326"
            for name, v, lim in ((lon, xs, 180.0), (lat, ys, 90.0)):
                bad = ~np.isfinite(v) | (np.abs(v) > lim)
                if bad.any():
                    row = int(np.flatnonzero(bad)[0])
                    raise InputValueError(f"{where}: column {name!r} row {row} is {df[name].iloc[row]!r}; expected degrees within ±{lim:g}")
            if crs is not None:
                table_crs = crs
        else:
            xc = _find(df.columns, "x", x_column, where, required=False)
            yc = _find(df.columns, "y", y_column, where, required=False)
            if xc is None or yc is None:
                raise InputValueError(f"{where}: no station position; give lon/lat columns, x/y columns with crs=, or point geometries")
            if crs is None:
                raise CRSError(f"{where}: columns {xc!r}/{yc!r} are projected coordinates but no CRS was given; pass crs='EPSG:326xx'")
            xs, ys, table_crs = _numeric(df, xc, where).to_numpy(), _numeric(df, yc, where).to_numpy(), crs
            bad = ~np.isfinite(xs) | ~np.isfinite(ys)
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise InputValueError(f"{where}: row {row} has no {xc!r}/{yc!r} coordinate")

    t_air = _numeric(df, vcol, where)
    lo, hi = T_AIR_RANGE_C
    bad = t_air.notna() & ~t_air.between(lo, hi)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputValueError(f"{where}: column {vcol!r} row {row} is {t_air.iloc[row]!r}; expected air temperature in degC within [{lo:g}, {hi:g}] (kelvin?)")

    # one position per station id
    pos = pd.DataFrame({"station": ids, "x": xs, "y": ys})
    first = pos.drop_duplicates("station").set_index("station")
    x0, y0 = pos["station"].map(first["x"]).to_numpy(), pos["station"].map(first["y"]).to_numpy()
    moved = ~(np.isclose(xs, x0, rtol=0, atol=1e-9) & np.isclose(ys, y0, rtol=0, atol=1e-9))
    if moved.any():
        row = int(np.flatnonzero(moved)[0])
        name = ids.iloc[row]
        first_row = int(np.flatnonzero((ids == name).to_numpy())[0])
        raise InputValueError(f"{where}: station id {name!r} appears at two positions (rows {first_row} and {row}); ids must be unique per station")

    if tcol is not None:
        times = _parse_times(df[tcol], tcol, where, timezone)
    else:
        times = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    records = pd.DataFrame({"station": ids.to_numpy(), "time": times.to_numpy(), "t_air": t_air.to_numpy()})
    records["time"] = pd.to_datetime(records["time"], utc=True)
    dup = records.duplicated(["station", "time"], keep=False)
    if dup.any():
        rows = np.flatnonzero(dup.to_numpy())[:2].tolist()
        what = f"station {records['station'].iloc[rows[0]]!r}" + (f" at {records['time'].iloc[rows[0]]}" if tcol else "")
        raise InputValueError(f"{where}: duplicate record for {what} (rows {rows}); "
                              + ("each station may have one record per time" if tcol else "duplicate station ids"))
    records = records.dropna(subset=["t_air"]).reset_index(drop=True)

    first_rows = ~ids.duplicated()
    loc = {"station": ids[first_rows].to_numpy()}
    if ecol is not None:
        loc["elevation"] = _numeric(df, ecol, where)[first_rows].to_numpy()
    if ccol is not None:
        loc["class"] = df[ccol][first_rows].astype("string").str.strip().str.lower().to_numpy()
    geometry = gpd.points_from_xy(xs[first_rows.to_numpy()], ys[first_rows.to_numpy()])
    locations = gpd.GeoDataFrame(loc, geometry=geometry, crs=table_crs).set_index("station")
    return Stations(locations, records, where.replace("station table ", "") if where != "station table" else "<table>")


def _per_station(stations: Stations, recs: pd.DataFrame, how: str, what: str) -> gpd.GeoDataFrame:
    if how not in ("mean", "median", "max", "min"):
        raise InputValueError(f"how must be 'mean', 'median', 'max' or 'min', got {how!r}")
    if recs.empty:
        raise InputValueError(f"no record of {stations.source} falls in {what}")
    agg = recs.groupby("station")["t_air"].agg([how, "count"]).rename(columns={how: "t_air", "count": "n_records"})
    out = stations.locations.join(agg, how="inner")
    out["t_air"] = out["t_air"].astype(np.float64)
    out.attrs.update(selection=what, stations_without_records=sorted(set(stations.ids) - set(agg.index)))
    return out


def select_window(stations: Stations, start, end, *, how: str = "mean") -> gpd.GeoDataFrame:
    """One value per station: the ``how`` (mean) of its records with ``start <= time <= end``.

    ``start``/``end`` are tz-aware stamps (or ISO strings with an offset). Returns the locations with
    ``t_air`` [degC] and ``n_records``; stations without a record in the window are left out and listed in
    ``.attrs["stations_without_records"]``.
    """
    t0, t1 = _stamp(start, "start"), _stamp(end, "end")
    r = stations.records
    recs = r[(r["time"] >= t0) & (r["time"] <= t1)]
    return _per_station(stations, recs, how, f"{t0.isoformat()} .. {t1.isoformat()}")


def select_overpass(stations: Stations, time, *, window: str | pd.Timedelta = "30min", how: str = "mean") -> gpd.GeoDataFrame:
    """Records within ``± window`` of a satellite overpass ``time`` (tz-aware), one value per station.

    Hourly stations with the default 30 min window give the record of the overpass hour.
    """
    t = _stamp(time, "time")
    w = pd.Timedelta(window)
    if w < pd.Timedelta(0):
        raise InputValueError(f"window must be >= 0, got {window!r}")
    return select_window(stations, t - w, t + w, how=how)


def daily_window_means(stations: Stations, hours, *, timezone: str, days=None) -> pd.DataFrame:
    """Per day and station, the mean of the records in the local ``hours`` window [degC].

    Parameters
    ----------
    hours : sequence of int
        Local clock hours of the window, in order; a window that wraps past midnight (``(22, 23, 0, 1, 2)``,
        :data:`NIGHT_HOURS`) takes the hours after midnight from the following day.
    timezone : str
        IANA zone the hours are read in (``"Europe/Berlin"``: CEST in summer).
    days : sequence of dates, optional
        Days to keep (local calendar days); default all.

    Returns
    -------
    pandas.DataFrame
        Index: local day (naive date), columns: stations. A day lacking any hour of the window for a
        station is NaN for that station.
    """
    hours = [int(h) for h in hours]
    if not hours or any(h < 0 or h > 23 for h in hours):
        raise InputValueError(f"hours must be local clock hours 0..23, got {hours}")
    w = stations.wide(timezone)
    local = w.index.tz_localize(None)
    hour = local.hour
    day = local.normalize()
    wraps = [i for i in range(1, len(hours)) if hours[i] < hours[i - 1]]
    split = wraps[0] if wraps else len(hours)
    next_day = np.isin(hour, hours[split:])
    owner = day - pd.to_timedelta(next_day.astype(int), unit="D")
    keep = np.isin(hour, hours)
    sub = w[keep]
    grouped = sub.groupby(owner[keep])
    means = grouped.mean()
    counts = grouped.count()
    means = means.where(counts == len(hours))
    if days is not None:
        means = means.reindex(pd.DatetimeIndex(pd.to_datetime(list(days))).normalize())
    means.index.name = "day"
    return means


def _stamp(value, name: str) -> pd.Timestamp:
    try:
        t = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise InputValueError(f"{name} {value!r} is not a time stamp: {exc}") from None
    if t.tzinfo is None:
        raise InputValueError(f"{name} {value!r} has no time zone; give an offset (…Z or +02:00)")
    return t.tz_convert("UTC")


def hot_days(stations: Stations, station: str, *, threshold: float = 30.0, timezone: str, months=(6, 7, 8)) -> pd.DatetimeIndex:
    """Local days in ``months`` on which ``station``'s maximum air temperature reached ``threshold`` [degC]
    (default 30 degC: the "hot day", heißer Tag, of the Deutscher Wetterdienst's climate statistics)."""
    if station not in stations.ids:
        raise InputValueError(f"station {station!r} is not in {stations.source}; it has {stations.ids}")
    w = stations.wide(timezone)[station]
    day = w.index.tz_localize(None).normalize()
    tmax = w.groupby(day).max()
    keep = tmax.index.month.isin(list(months)) & (tmax >= threshold)
    return pd.DatetimeIndex(tmax.index[keep], name="day")


def urban_rural_contrast(stations: Stations, urban: str, rural: str, hours, *, timezone: str, days=None) -> pd.Series:
    """Per day, ``urban`` minus ``rural`` mean air temperature over the local ``hours`` window [K]
    (:func:`daily_window_means`); days where either station lacks an hour are left out."""
    for s in (urban, rural):
        if s not in stations.ids:
            raise InputValueError(f"station {s!r} is not in {stations.source}; it has {stations.ids}")
    means = daily_window_means(stations.subset([urban, rural]), hours, timezone=timezone, days=days)
    return (means[urban] - means[rural]).dropna().rename(f"{urban} - {rural}")
