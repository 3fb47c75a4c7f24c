"""Pilot-city registry (``data/cities.toml``) and nominal Landsat geometry helpers.

The registry holds the nine pilot cities of the Danube "Be Ready" partners and the
knowledge partners' cities (Vienna, Bratislava, Ljubljana): centre, UTM zone,
population, a summer scene date and the Landsat WRS-2 path/row, each figure with
its source (see the ``[<slug>.sources]`` tables of the TOML file).

>>> from uhi.cities import get_city
>>> city = get_city("nis")
>>> city.name, city.epsg, (city.wrs_path, city.wrs_row)
('Niš', 32634, (185, 30))
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ._paths import data_path
from ._toml import tomllib
from .errors import InputValueError, MetadataError

__all__ = ["City", "get_city", "landsat_overpass_dates", "list_cities", "track_geometry", "utm_epsg", "wrs2_path_row"]


@dataclass(frozen=True)
class City:
    """One registry entry.

    Attributes
    ----------
    name : str
        Name with its diacritics (``"Niš"``).
    slug : str
        ASCII lower-case identifier (``"nis"``).
    country : str
        ISO 3166-1 alpha-2 code.
    lat, lon : float
        City centre [degrees, WGS 84].
    epsg : int
        EPSG code of the WGS 84 / UTM zone of the centre (326zz).
    population : int
        Residents of the city (settlement or city municipality, see ``sources["population"]``).
    population_year : int
        Reference year of ``population``.
    scene_date : datetime.date
        A summer Landsat 8 acquisition date of the city's WRS-2 path (see ``sources["scene_date"]``).
    wrs_path, wrs_row : int
        Landsat WRS-2 path and row of the centre.
    water : str
        Main water body drawn by the synthetic generator: ``"river"`` or ``"lake"``.
    water_name : str
        Its name (documentation only).
    water_width_m : float
        River width, or lake diameter [m].
    sources : dict
        Source of each figure, keyed by field name.
    """

    name: str
    slug: str
    country: str
    lat: float
    lon: float
    epsg: int
    population: int
    population_year: int
    scene_date: dt.date
    wrs_path: int
    wrs_row: int
    water: str = "river"
    water_name: str = ""
    water_width_m: float = 60.0
    sources: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def utm_zone(self) -> int:
        """UTM zone number (1..60) of the centre."""
        return self.epsg % 100


def utm_epsg(lat: float, lon: float) -> int:
    """EPSG code of the WGS 84 / UTM zone containing (lat, lon).

    Zone = floor((lon + 180) / 6) + 1 (Snyder 1987, USGS Prof. Paper 1395, p. 62);
    326zz north of the equator, 327zz south. The Norway/Svalbard exceptions do not
    touch any registry city and are not applied.

    >>> utm_epsg(42.6977, 23.3219)  # Sofia: 23.3 E lies in 18..24 E, zone 34
    32634
    """
    if not (-80.0 <= lat <= 84.0) or not (-180.0 <= lon <= 180.0):
        raise InputValueError(f"lat={lat}, lon={lon} is outside the UTM domain (lat -80..84, lon -180..180)")
    zone = min(math.floor((lon + 180.0) / 6.0) + 1, 60)
    return (32600 if lat >= 0 else 32700) + zone


# --- nominal WRS-2 geometry -------------------------------------------------
# Landsat 8/9 orbit: inclination 98.2 deg, 233 paths per 16-day cycle, 248 rows per
# orbit, period 98.9 min, descending node of path 1 near 64.6 W; row 60 is the
# equator on the descending pass (USGS Landsat 8 Data Users Handbook v5, sect. 2.1
# and 3.1 "Worldwide Reference System"). The track formula below is the circular
# orbit approximation; it reproduces the path/row of the shared real scenes
# (Sofia 184/30, Liverpool 204/23, Amazon 1/62, Momotombo 17/51, Pensacola 20/39,
# Maui 63/46; tests/test_cities.py).
_INCLINATION_DEG = 98.2
ORBIT_PERIOD_MIN = 98.88  # Landsat 8/9 orbital period [min]
_SIDEREAL_DAY_MIN = 1436.07
_PATH1_NODE_LON = -64.6
_N_PATHS, _N_ROWS = 233, 248


def track_geometry(lat: float, lon: float) -> tuple[float, float]:
    """(argument of latitude ``u`` from the descending node [deg], node longitude [deg]) of the
    nominal Landsat 8/9 descending track through (lat, lon); see :func:`wrs2_path_row`."""
    inc = math.radians(_INCLINATION_DEG)
    u = math.degrees(math.asin(math.sin(math.radians(lat)) / math.sin(inc)))
    geometric = math.degrees(math.atan(abs(math.cos(inc)) * math.tan(math.radians(u))))
    earth_rotation = u * ORBIT_PERIOD_MIN / _SIDEREAL_DAY_MIN
    return u, lon - geometric - earth_rotation


def wrs2_path_row(lat: float, lon: float) -> tuple[int, int]:
    """Nominal WRS-2 (descending, daytime) path and row whose centre is nearest to (lat, lon).

    The argument of latitude from the descending node is ``u = asin(sin φ / sin i)``;
    along the track the point lies ``atan(|cos i| tan u) + u·P/T_sid`` degrees east of
    the node (orbit geometry plus Earth rotation during the ``u/360`` orbit fraction).
    Rows are 360/248 deg of orbit apart with row 60 at the node; paths are 360/233 deg
    of longitude apart, numbered westward.

    >>> wrs2_path_row(42.6977, 23.3219)  # Sofia, scenes LC08_..._184030_... (shared data)
    (184, 30)
    """
    if abs(lat) > 81.0:
        raise InputValueError(f"lat={lat} is outside the WRS-2 daytime coverage (|lat| <= 81)")
    u, node_lon = track_geometry(lat, lon)
    path = 1 + ((_PATH1_NODE_LON - node_lon) % 360.0) / (360.0 / _N_PATHS)
    path = round(path - 1) % _N_PATHS + 1
    row = round(60.0 - u / (360.0 / _N_ROWS))
    return path, row


#: A real Landsat 8 acquisition of WRS-2 path 184 (Sofia, shared data LC08_184030_20190812).
_L8_REFERENCE = (184, dt.date(2019, 8, 12))


def landsat_overpass_dates(path: int, start: dt.date, end: dt.date, spacecraft: str = "LANDSAT_8") -> list[dt.date]:
    """Nominal acquisition dates of WRS-2 ``path`` between ``start`` and ``end`` (inclusive).

    Each path repeats every 16 days; path ``p + 1`` is imaged 7 days after path ``p``
    (modulo 16), so ``(date - 2019-08-12) ≡ 7·((p - 184) mod 233) (mod 16)`` for Landsat 8,
    anchored on the real Sofia scene of 2019-08-12; Landsat 9 flies 8 days out of phase
    (USGS: "Landsat 9 ... 8-day offset with Landsat 8"). Checked against the six real
    scenes in ``../shared/data`` (tests/test_cities.py).
    """
    if not 1 <= path <= _N_PATHS:
        raise InputValueError(f"WRS-2 path {path} is outside 1..{_N_PATHS}")
    ref_path, ref_date = _L8_REFERENCE
    phase = (7 * ((path - ref_path) % _N_PATHS)) % 16
    if spacecraft == "LANDSAT_9":
        phase = (phase + 8) % 16
    elif spacecraft != "LANDSAT_8":
        raise InputValueError(f"spacecraft {spacecraft!r} is not 'LANDSAT_8' or 'LANDSAT_9'")
    first = start + dt.timedelta(days=((ref_date - start).days + phase) % 16)
    out = []
    day = first
    while day <= end:
        out.append(day)
        day += dt.timedelta(days=16)
    return out


# --- registry ---------------------------------------------------------------
def _fold(text: str) -> str:
    """Lower-case ASCII form: 'Chișinău' -> 'chisinau', 'Říčany' -> 'ricany'."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d").replace("ł", "l")


_REQUIRED = ("name", "country", "lat", "lon", "epsg", "population", "population_year", "scene_date",
             "wrs_path", "wrs_row", "sources")


def _parse(slug: str, entry: dict, path: Path) -> City:
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise MetadataError(f"{path}: city {slug!r} lacks key(s) {missing}; expected {list(_REQUIRED)}")
    date = entry["scene_date"]
    if not isinstance(date, dt.date):
        raise MetadataError(f"{path}: city {slug!r} scene_date {date!r} is not a TOML date (YYYY-MM-DD)")
    return City(
        name=str(entry["name"]), slug=slug, country=str(entry["country"]),
        lat=float(entry["lat"]), lon=float(entry["lon"]), epsg=int(entry["epsg"]),
        population=int(entry["population"]), population_year=int(entry["population_year"]),
        scene_date=date, wrs_path=int(entry["wrs_path"]), wrs_row=int(entry["wrs_row"]),
        water=str(entry.get("water", "river")), water_name=str(entry.get("water_name", "")),
        water_width_m=float(entry.get("water_width_m", 60.0)), sources=dict(entry["sources"]),
    )


@lru_cache(maxsize=4)
def _load(path: str) -> tuple[City, ...]:
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise MetadataError(f"city registry {p} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise MetadataError(f"city registry {p} is not valid TOML: {exc}") from None
    return tuple(_parse(slug, entry, p) for slug, entry in raw.items())


def list_cities(path: str | Path | None = None) -> list[City]:
    """All registry cities, in file order (pilot cities first, then knowledge partners)."""
    return list(_load(str(path or data_path("cities.toml"))))


def get_city(name: str | City, path: str | Path | None = None) -> City:
    """Look a city up by name or slug, ignoring case and diacritics (``"nis"`` -> Niš).

    Raises
    ------
    InputValueError
        Unknown name; the message lists the known cities.
    """
    if isinstance(name, City):
        return name
    key = _fold(str(name))
    cities = list_cities(path)
    for city in cities:
        if key in (_fold(city.name), city.slug):
            return city
    known = ", ".join(c.name for c in cities)
    raise InputValueError(f"unknown city {name!r}; the registry knows: {known}")
