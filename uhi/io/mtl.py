"""Landsat metadata (MTL) files: ODL ``.txt``, ``.json`` and ``.xml``.

:func:`read_mtl` parses any of the three into the same nested dictionary, shaped like the
USGS JSON: ``{root_group: {group: {KEY: value}}}`` (e.g. ``LANDSAT_METADATA_FILE`` for
Collection 2, ``L1_METADATA_FILE`` for the pre-collection format). Values are typed the
same way whatever the format: text that reads as an integer becomes ``int``, as a decimal
number ``float``, anything else stays ``str`` (dates and times included), so the three files
USGS ships with a Collection 2 scene give equal dictionaries.

:func:`scene_metadata` turns that dictionary into a :class:`SceneMetadata` with the values
the loader needs, reconciling the key names of the two formats, and raises
:class:`~uhi.errors.MetadataError` naming the file and key when one is missing or not a
number. Key names follow the USGS Landsat 8-9 OLI/TIRS Collection 2 Level-1 and Level-2
Data Format Control Books (LSDS-1822, LSDS-1328) and, for the pre-collection format, the
Landsat 8 Data Users Handbook v1 (2015), section "Metadata File".
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import MetadataError

__all__ = ["SceneMetadata", "parse_mtl_text", "read_mtl", "scene_metadata"]

_INT = re.compile(r"[+-]?\d+\Z")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?\Z")
_ODL_LINE = re.compile(r"\s*([A-Za-z0-9_]+)\s*=\s*(.*?)\s*\Z")

#: Processing levels uhi reads, and their level number.
LEVEL_OF = {"L1TP": 1, "L1GT": 1, "L1GS": 1, "L1T": 1, "L1GST": 1, "L1G": 1, "L2SP": 2, "L2SR": 2}
SPACECRAFTS = ("LANDSAT_8", "LANDSAT_9")


def _coerce(text: str):
    """Type a metadata value: int, float or str (same rule for txt, json and xml)."""
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def parse_mtl_text(text: str, source: str = "<string>") -> dict:
    r"""Parse ODL (``GROUP = ... END_GROUP``) MTL text into a nested dictionary.

    Examples
    --------
    >>> parse_mtl_text('GROUP = L1_METADATA_FILE\n  GROUP = IMAGE_ATTRIBUTES\n    SUN_ELEVATION = 64.74360932\n'
    ...                '    STATION_ID = "LGN"\n  END_GROUP = IMAGE_ATTRIBUTES\nEND_GROUP = L1_METADATA_FILE\nEND\n')
    {'L1_METADATA_FILE': {'IMAGE_ATTRIBUTES': {'SUN_ELEVATION': 64.74360932, 'STATION_ID': 'LGN'}}}
    """
    root: dict = {}
    stack = [root]
    names: list[str] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line.strip() == "END":
            break
        match = _ODL_LINE.match(line)
        if match is None:
            raise MetadataError(f"{source}, line {lineno}: expected 'KEY = value', got {line.strip()[:80]!r}")
        key, raw = match.groups()
        if key == "GROUP":
            group: dict = {}
            stack[-1][raw] = group
            stack.append(group)
            names.append(raw)
        elif key == "END_GROUP":
            if not names or names[-1] != raw:
                expected = names[-1] if names else "no open group"
                raise MetadataError(f"{source}, line {lineno}: END_GROUP = {raw} does not close {expected}")
            stack.pop()
            names.pop()
        elif len(raw) >= 2 and raw[0] == raw[-1] == '"':
            stack[-1][key] = _coerce(raw[1:-1])
        else:
            stack[-1][key] = _coerce(raw)
    if names:
        raise MetadataError(f"{source}: group {names[-1]} is never closed (file truncated?)")
    if not root:
        raise MetadataError(f"{source}: no 'GROUP = ...' found; not a Landsat MTL file")
    return root


def _coerce_tree(obj):
    if isinstance(obj, dict):
        return {k: _coerce_tree(v) for k, v in obj.items()}
    if isinstance(obj, str):
        return _coerce(obj.strip())
    if isinstance(obj, (int, float)) and not isinstance(obj, bool):
        return obj
    if obj is None:
        return ""
    return str(obj)


def _xml_to_dict(element: ET.Element) -> dict:
    out: dict = {}
    for child in element:
        tag = child.tag.split("}", 1)[-1]  # drop an XML namespace if any
        if len(child):
            out[tag] = _xml_to_dict(child)
        else:
            out[tag] = _coerce((child.text or "").strip())
    return out


def read_mtl(path: str | os.PathLike) -> dict:
    """Read a Landsat MTL file (``.txt`` ODL, ``.json`` or ``.xml``) into a nested dict.

    Parameters
    ----------
    path
        The metadata file. The format is taken from the suffix (``.json``, ``.xml``,
        anything else is read as ODL text).

    Returns
    -------
    dict
        ``{root_group: {group: {KEY: value}}}`` with ``int``/``float``/``str`` values.

    Raises
    ------
    MetadataError
        The file is missing, unreadable or not a Landsat MTL.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise MetadataError(f"cannot read metadata file {path}: {exc.strerror or exc}") from None
    return _parse(text, path.suffix.lower(), str(path))


def _parse(text: str, suffix: str, source: str) -> dict:
    if suffix == ".json":
        try:
            tree = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MetadataError(f"{source} is not valid JSON: {exc}") from None
        if not isinstance(tree, dict) or not tree or not all(isinstance(v, dict) for v in tree.values()):
            raise MetadataError(f"{source}: expected a JSON object of metadata groups (LANDSAT_METADATA_FILE)")
        return _coerce_tree(tree)
    if suffix == ".xml":
        try:
            root = ET.fromstring(text)
        except ET.ParseError as exc:
            raise MetadataError(f"{source} is not valid XML: {exc}") from None
        return {root.tag.split("}", 1)[-1]: _xml_to_dict(root)}
    return parse_mtl_text(text, source)


# --------------------------------------------------------------------------- scene metadata

def _walk(tree: dict, prefix: str = ""):
    """Yield (group path, key, value) for every leaf, in file order."""
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _walk(value, f"{prefix}{key}/")
        else:
            yield prefix.rstrip("/"), key, value


@dataclass
class SceneMetadata:
    """What the loader needs from an MTL, reconciled across formats.

    ``band_files`` maps product band codes (``"B4"``, ``"ST_B10"``, ``"ST_EMIS"``,
    ``"QA_PIXEL"``, ``"BQA"``...) to file names given by the MTL. Calibration dictionaries are
    keyed by band number; ``None`` values mean "not in the MTL".
    """

    source: str
    scene_id: str
    spacecraft: str
    sensor: str
    collection: str
    processing_level: str
    level: int
    acquisition_time: str
    sun_elevation: float
    sun_azimuth: float
    earth_sun_distance: float | None
    wrs_path: int
    wrs_row: int
    utm_zone: int | None
    map_projection: str
    datum: str
    corner_ul: tuple[float, float] | None
    corner_lr: tuple[float, float] | None
    cell_size: float | None
    band_files: dict[str, str]
    radiance_mult: dict[int, float] = field(default_factory=dict)
    radiance_add: dict[int, float] = field(default_factory=dict)
    reflectance_mult: dict[int, float] = field(default_factory=dict)
    reflectance_add: dict[int, float] = field(default_factory=dict)
    k1: dict[int, float] = field(default_factory=dict)
    k2: dict[int, float] = field(default_factory=dict)
    city: str | None = None
    water_vapour: float | None = None

    def attrs(self) -> dict:
        """Dataset attributes as listed in docs/ARCHITECTURE.md ("Scene dataset")."""
        out = {
            "scene_id": self.scene_id,
            "spacecraft": self.spacecraft,
            "sensor": self.sensor,
            "collection": self.collection,
            "processing_level": self.processing_level,
            "level": self.level,
            "acquisition_time": self.acquisition_time,
            "sun_elevation": self.sun_elevation,
            "sun_azimuth": self.sun_azimuth,
        }
        if self.earth_sun_distance is not None:
            out["earth_sun_distance"] = self.earth_sun_distance
        out.update(wrs_path=self.wrs_path, wrs_row=self.wrs_row)
        if self.utm_zone is not None:
            out["utm_zone"] = self.utm_zone
        for band in (10, 11):
            for name, table in (("k1_constant", self.k1), ("k2_constant", self.k2),
                                ("radiance_mult", self.radiance_mult), ("radiance_add", self.radiance_add)):
                if band in table:
                    out[f"{name}_band_{band}"] = table[band]
        out["source"] = self.source
        if self.city is not None:
            out["city"] = self.city
        if self.water_vapour is not None:
            out["water_vapour"] = self.water_vapour
        return out


class _Lookup:
    """Key lookup over an MTL tree with group preferences and errors that name file and key."""

    def __init__(self, tree: dict, source: str):
        self.source = source
        self.entries: dict[str, list[tuple[str, object]]] = {}
        for group, key, value in _walk(tree):
            self.entries.setdefault(key, []).append((group, value))

    def has(self, key: str) -> bool:
        return key in self.entries

    def get(self, key: str, default=None, *, prefer: tuple[str, ...] = ()):
        found = self.entries.get(key)
        if not found:
            return default
        for wanted in prefer:
            for group, value in found:
                if group.endswith(wanted):
                    return value
        return found[0][1]

    def first(self, *keys: str, prefer: tuple[str, ...] = ()):
        for key in keys:
            if key in self.entries:
                return key, self.get(key, prefer=prefer)
        raise MetadataError(f"{self.source}: needed key {' or '.join(keys)} is missing from the metadata")

    def require(self, *keys: str, prefer: tuple[str, ...] = ()):
        return self.first(*keys, prefer=prefer)[1]

    def number(self, *keys: str, prefer: tuple[str, ...] = (), required: bool = True) -> float | None:
        if not required and not any(k in self.entries for k in keys):
            return None
        key, value = self.first(*keys, prefer=prefer)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise MetadataError(f"{self.source}: key {key} = {value!r} is not a number")
        return float(value)

    def integer(self, *keys: str, required: bool = True) -> int | None:
        value = self.number(*keys, required=required)
        return None if value is None else int(value)

    def group_numbers(self, pattern: str, prefer: tuple[str, ...] = ()) -> dict[int, float]:
        """``{band: value}`` for keys like ``RADIANCE_MULT_BAND_10`` (pattern with one ``(\\d+)``)."""
        rx = re.compile(pattern + r"\Z")
        out = {}
        for key in self.entries:
            match = rx.match(key)
            if match:
                out[int(match.group(1))] = self.number(key, prefer=prefer)
        return out


def _acquisition_time(look: _Lookup) -> str:
    date = str(look.require("DATE_ACQUIRED", "ACQUISITION_DATE"))
    time = str(look.require("SCENE_CENTER_TIME", "SCENE_CENTER_SCAN_TIME")).strip().rstrip("Z")
    hms, _, frac = time.partition(".")
    frac = (frac + "000000")[:6]  # MTL gives 7 decimals; datetime keeps microseconds
    try:
        stamp = datetime.strptime(f"{date}T{hms}.{frac}", "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
    except ValueError:
        raise MetadataError(
            f"{look.source}: DATE_ACQUIRED = {date!r} / SCENE_CENTER_TIME = {time!r} are not a date (YYYY-MM-DD) "
            "and a time (HH:MM:SS.fffffffZ)"
        ) from None
    return stamp.isoformat().replace("+00:00", "Z")


# File-name keys -> product band codes (Collection 2 DFCBs LSDS-1822 / LSDS-1328; pre-collection handbook).
_FILE_KEYS = {
    "FILE_NAME_BAND_ST_B10": "ST_B10",
    "FILE_NAME_THERMAL_RADIANCE": "ST_TRAD",
    "FILE_NAME_UPWELL_RADIANCE": "ST_URAD",
    "FILE_NAME_DOWNWELL_RADIANCE": "ST_DRAD",
    "FILE_NAME_ATMOSPHERIC_TRANSMITTANCE": "ST_ATRAN",
    "FILE_NAME_EMISSIVITY": "ST_EMIS",
    "FILE_NAME_EMISSIVITY_STDEV": "ST_EMSD",
    "FILE_NAME_CLOUD_DISTANCE": "ST_CDIST",
    "FILE_NAME_QUALITY_L2_SURFACE_TEMPERATURE": "ST_QA",
    "FILE_NAME_QUALITY_L1_PIXEL": "QA_PIXEL",
    "FILE_NAME_QUALITY_L1_RADIOMETRIC_SATURATION": "QA_RADSAT",
    "FILE_NAME_BAND_QUALITY": "BQA",
}


def scene_metadata(mtl: dict, source: str | os.PathLike = "<mtl>") -> SceneMetadata:
    """Extract and check what the loader needs from a :func:`read_mtl` dictionary.

    Raises :class:`~uhi.errors.MetadataError` naming ``source`` and the key when a needed key
    is missing or not a number, and for spacecraft or processing levels uhi does not read.
    """
    source = str(source)
    look = _Lookup(mtl, source)
    spacecraft = str(look.require("SPACECRAFT_ID"))
    if spacecraft not in SPACECRAFTS:
        raise MetadataError(
            f"{source}: SPACECRAFT_ID = {spacecraft!r}; uhi reads Landsat 8 and 9 (LANDSAT_8, LANDSAT_9) only"
        )
    sensor = str(look.get("SENSOR_ID", "OLI_TIRS"))

    # The first PROCESSING_LEVEL is the product's (PRODUCT_CONTENTS); L2 MTLs repeat the L1 record later.
    if look.has("PROCESSING_LEVEL"):
        processing_level = str(look.get("PROCESSING_LEVEL", prefer=("PRODUCT_CONTENTS",)))
        collection_number = look.get("COLLECTION_NUMBER")
        if collection_number is None:
            raise MetadataError(f"{source}: needed key COLLECTION_NUMBER is missing from the metadata")
        collection = f"{int(collection_number):02d}" if isinstance(collection_number, int) else str(collection_number)
        if collection != "02":
            raise MetadataError(
                f"{source}: COLLECTION_NUMBER = {collection_number!r}; "
                "uhi reads Collection 2 and pre-collection products"
            )
    else:
        processing_level = str(look.require("DATA_TYPE", "PROCESSING_LEVEL"))
        if look.has("COLLECTION_NUMBER"):
            raise MetadataError(
                f"{source}: Collection {look.get('COLLECTION_NUMBER')} product; "
                "uhi reads Collection 2 and pre-collection products"
            )
        collection = "pre-collection"
    if processing_level not in LEVEL_OF:
        raise MetadataError(
            f"{source}: processing level {processing_level!r} is not a product uhi reads "
            f"(expected one of {', '.join(sorted(LEVEL_OF))})"
        )
    level = LEVEL_OF[processing_level]
    if collection == "pre-collection" and level != 1:
        raise MetadataError(f"{source}: pre-collection product with level {processing_level!r}; expected L1T/L1GT")

    scene_id = str(look.get("LANDSAT_PRODUCT_ID", prefer=("PRODUCT_CONTENTS",)) or look.require("LANDSAT_SCENE_ID"))

    # File names of the product itself: PRODUCT_CONTENTS (C2) or PRODUCT_METADATA (pre-collection);
    # an L2 MTL also lists the L1 product's files in LEVEL1_PROCESSING_RECORD, which are not in the bundle.
    band_files: dict[str, str] = {}
    for key, found in look.entries.items():
        match = re.match(r"FILE_NAME_BAND_(\d+)\Z", key)
        code = f"B{match.group(1)}" if match else _FILE_KEYS.get(key)
        if code is None:
            continue
        for group, name in found:
            if group.endswith(("PRODUCT_CONTENTS", "PRODUCT_METADATA")):
                band_files[code] = str(name)
                break

    utm_zone = look.integer("UTM_ZONE", required=False)
    map_projection = str(look.get("MAP_PROJECTION", ""))
    corner_ul = corner_lr = None
    if look.has("CORNER_UL_PROJECTION_X_PRODUCT"):
        corner_ul = (look.number("CORNER_UL_PROJECTION_X_PRODUCT"), look.number("CORNER_UL_PROJECTION_Y_PRODUCT"))
        corner_lr = (look.number("CORNER_LR_PROJECTION_X_PRODUCT"), look.number("CORNER_LR_PROJECTION_Y_PRODUCT"))
    cell_size = look.number("GRID_CELL_SIZE_REFLECTIVE", required=False)

    water_vapour = None
    if look.has("WATER_VAPOUR"):
        for group, value in look.entries["WATER_VAPOUR"]:
            if group.endswith("SYNTHETIC_ATMOSPHERE"):
                water_vapour = look.number("WATER_VAPOUR", prefer=("SYNTHETIC_ATMOSPHERE",))
    city = look.get("CITY_NAME", prefer=("PRODUCT_CONTENTS",))

    l1_groups = ("LEVEL1_RADIOMETRIC_RESCALING", "RADIOMETRIC_RESCALING")
    return SceneMetadata(
        source=source,
        scene_id=scene_id,
        spacecraft=spacecraft,
        sensor=sensor,
        collection=collection,
        processing_level=processing_level,
        level=level,
        acquisition_time=_acquisition_time(look),
        sun_elevation=look.number("SUN_ELEVATION"),
        sun_azimuth=look.number("SUN_AZIMUTH"),
        earth_sun_distance=look.number("EARTH_SUN_DISTANCE", required=False),
        wrs_path=look.integer("WRS_PATH"),
        wrs_row=look.integer("WRS_ROW"),
        utm_zone=utm_zone,
        map_projection=map_projection,
        datum=str(look.get("DATUM", "WGS84")),
        corner_ul=corner_ul,
        corner_lr=corner_lr,
        cell_size=cell_size,
        band_files=band_files,
        radiance_mult=look.group_numbers(r"RADIANCE_MULT_BAND_(\d+)", prefer=l1_groups),
        radiance_add=look.group_numbers(r"RADIANCE_ADD_BAND_(\d+)", prefer=l1_groups),
        reflectance_mult=look.group_numbers(r"REFLECTANCE_MULT_BAND_(\d+)", prefer=l1_groups),
        reflectance_add=look.group_numbers(r"REFLECTANCE_ADD_BAND_(\d+)", prefer=l1_groups),
        k1=look.group_numbers(r"K1_CONSTANT_BAND_(\d+)"),
        k2=look.group_numbers(r"K2_CONSTANT_BAND_(\d+)"),
        city=None if city is None else str(city),
        water_vapour=water_vapour,
    )
