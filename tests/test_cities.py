"""Pilot-city registry: figures, UTM zones, lookup, nominal WRS-2 geometry against real scenes."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import tarfile

import pytest
from pyproj import CRS

from uhi.cities import City, get_city, landsat_overpass_dates, list_cities, utm_epsg, wrs2_path_row
from uhi.errors import InputValueError, MetadataError

# The nine "Be Ready" pilot cities and the three knowledge partners' cities (issue 3).
EXPECTED = {
    "Sofia": "BG", "Galați": "RO", "Chișinău": "MD", "Niš": "RS", "Zenica": "BA", "Podgorica": "ME",
    "Kranj": "SI", "Říčany": "CZ", "Ratiboř": "CZ", "Vienna": "AT", "Bratislava": "SK", "Ljubljana": "SI",
}


def test_registry_has_the_twelve_cities_with_sources():
    cities = list_cities()
    assert {c.name: c.country for c in cities} == EXPECTED
    assert len({c.slug for c in cities}) == 12
    for city in cities:
        assert re.fullmatch(r"[a-z]+", city.slug), city.slug
        # every figure names its source
        for key in ("lat", "population", "scene_date", "wrs"):
            assert city.sources.get(key), f"{city.name}: no source for {key}"
        assert 1_000 < city.population < 3_000_000
        assert 1990 < city.population_year <= 2025
        # Danube-region box: 13..30 E, 41..51 N
        assert 13 < city.lon < 30 and 41 < city.lat < 51
        assert city.water in ("river", "lake") and city.water_width_m > 0


@pytest.mark.parametrize("city", list_cities(), ids=lambda c: c.slug)
def test_epsg_is_the_utm_zone_of_the_longitude(city: City):
    # zone = floor((lon + 180) / 6) + 1 (Snyder 1987, USGS PP 1395 p. 62), north -> EPSG 326zz
    zone = math.floor((city.lon + 180) / 6) + 1
    assert city.epsg == 32600 + zone == utm_epsg(city.lat, city.lon)
    # pyproj's own definition of that EPSG code is the northern UTM zone with this number
    assert CRS.from_epsg(city.epsg).name == f"WGS 84 / UTM zone {zone}N"
    assert city.utm_zone == zone


@pytest.mark.parametrize("city", list_cities(), ids=lambda c: c.slug)
def test_registry_geometry_is_consistent(city: City):
    # path/row in the TOML are the nominal ones of the centre; the date is an overpass of that path
    assert (city.wrs_path, city.wrs_row) == wrs2_path_row(city.lat, city.lon)
    dates = landsat_overpass_dates(city.wrs_path, city.scene_date - dt.timedelta(days=1),
                                   city.scene_date + dt.timedelta(days=1))
    assert dates == [city.scene_date]
    assert city.scene_date.month in (6, 7, 8)


@pytest.mark.parametrize("query, name", [
    ("nis", "Niš"), ("NIŠ", "Niš"), ("Nis ", "Niš"), ("chisinau", "Chișinău"), ("Chişinău", "Chișinău"),
    ("galati", "Galați"), ("ricany", "Říčany"), ("RATIBOR", "Ratiboř"), ("vienna", "Vienna"), ("sofia", "Sofia"),
])
def test_lookup_ignores_case_and_diacritics(query, name):
    # "Chişinău" uses the cedilla ş (U+015F), the registry the comma-below ș (U+0219): both fold to "s"
    assert get_city(query).name == name


def test_unknown_city_lists_the_known_ones():
    with pytest.raises(InputValueError) as info:
        get_city("Atlantis")
    message = str(info.value)
    assert "Atlantis" in message and "Sofia" in message and "Ratiboř" in message


def test_get_city_passes_a_city_through():
    city = get_city("Kranj")
    assert get_city(city) is city


def test_bad_registry_files(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(MetadataError, match="does not exist"):
        list_cities(missing)
    broken = tmp_path / "broken.toml"
    broken.write_text("[x]\nname = \n")
    with pytest.raises(MetadataError, match="not valid TOML"):
        list_cities(broken)
    incomplete = tmp_path / "incomplete.toml"
    incomplete.write_text('[x]\nname = "X"\n')
    with pytest.raises(MetadataError, match="lacks key"):
        list_cities(incomplete)


def test_utm_epsg_edges():
    assert utm_epsg(-33.9, 18.4) == 32734  # Cape Town: zone 34, southern hemisphere -> 327zz
    assert utm_epsg(0.0, 180.0) == 32660  # the antimeridian belongs to zone 60
    with pytest.raises(InputValueError):
        utm_epsg(89.0, 0.0)


def test_sofia_path_row_and_dates_from_real_scenes():
    # ../shared/data/cities/sofia holds LC08 184/030 scenes of 2014-08-14 and 2019-08-12
    assert wrs2_path_row(42.6977, 23.3219) == (184, 30)
    dates = landsat_overpass_dates(184, dt.date(2014, 8, 1), dt.date(2019, 8, 31))
    assert dt.date(2014, 8, 14) in dates and dt.date(2019, 8, 12) in dates
    assert all((b - a).days == 16 for a, b in itertools.pairwise(dates))
    with pytest.raises(InputValueError):
        landsat_overpass_dates(0, dt.date(2020, 1, 1), dt.date(2020, 2, 1))


def _mtl_values(text: str) -> dict:
    return {m.group(1): m.group(2).strip('"') for m in re.finditer(r"^\s*(\w+) = (.+)$", text, re.MULTILINE)}


def test_wrs2_geometry_matches_every_real_scene(shared_data):
    """Scene centre (mean of the four full-scene corners in each MTL) -> the MTL's WRS_PATH/ROW,
    and DATE_ACQUIRED is one of the nominal overpass dates of that path (L9: 8-day offset)."""
    texts = []
    for archive in sorted((shared_data / "landsat").glob("*.tar.gz")):
        with tarfile.open(archive) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("_MTL.txt"))
            texts.append(tar.extractfile(member).read().decode())
    texts += [p.read_text() for p in (shared_data / "landsat").glob("*/*_MTL.txt")]
    assert len(texts) == 5
    for text in texts:
        v = _mtl_values(text)
        lat = sum(float(v[f"CORNER_{c}_LAT_PRODUCT"]) for c in ("UL", "UR", "LL", "LR")) / 4
        lon = sum(float(v[f"CORNER_{c}_LON_PRODUCT"]) for c in ("UL", "UR", "LL", "LR")) / 4
        path, row = int(v["WRS_PATH"]), int(v["WRS_ROW"])
        assert wrs2_path_row(lat, lon) == (path, row), v["DATE_ACQUIRED"]
        day = dt.date.fromisoformat(v["DATE_ACQUIRED"])
        near = landsat_overpass_dates(path, day - dt.timedelta(days=3), day + dt.timedelta(days=3), v["SPACECRAFT_ID"])
        assert near == [day]
