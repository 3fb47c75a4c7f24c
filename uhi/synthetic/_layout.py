"""The drawn city: land cover, vegetation cover, true LST and residents at any map position.

A :class:`Layout` holds the few scalars drawn from the seed (city radius, road
directions, river course, lake, noise keys). Its methods take the projected map
coordinates of pixel centres -- ``x`` as a (1, w) row and ``y`` as an (h, 1)
column -- plus the global pixel indices, and return per-pixel arrays. All
randomness is hashed from coordinates (:mod:`._noise`), so any tile of any frame
gives the same values at the same place.

The city model (all distances in metres):

* urban radius ``R = 900 m · (population / 10⁴)^0.4``: urban land area grows about as
  population^0.8 (Bettencourt 2013, Science 340:1438, area exponent 2/3..5/6), so the
  radius as population^0.4; 900 m makes a 10 000-resident town about 2.5 km² of fabric;
* normalised distance ``u = d / (R (1 + 0.35 n))`` with ``n`` in [-1, 1] smooth noise (irregular edge);
  classes by ``u``: dense core < 0.22 < mid-rise < 0.5 < low-rise suburbs < 1.0 < rural;
  industrial patches in 0.35 < u < 1.15, parks (and river banks) inside u < 1;
  5-8 radial roads, a ring road at 0.7 R and a 250 m street grid in the core;
* a meandering river through the centre or a lake ~0.8 R away (``City.water``);
* rural land: forest, grassland, cropland and some bare soil from smooth noise.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from ..cities import City
from ._noise import fbm, value_noise, white_noise

__all__ = [
    "CLASS_NAMES",
    "LST_CLASS_K",
    "RESIDENT_WEIGHT",
    "RURAL_CLASSES",
    "URBAN_CLASSES",
    "VEGETATION_COVER",
    "Layout",
]

CORE, MIDRISE, SUBURBAN, INDUSTRIAL, ROADS, PARK, FOREST, CROPLAND, GRASSLAND, WATER, BARE = range(1, 12)
CLASS_NAMES = {
    1: "dense urban core", 2: "mid-rise residential", 3: "low-rise suburban", 4: "industrial / commercial",
    5: "roads and paved squares", 6: "urban park / green", 7: "forest", 8: "cropland", 9: "grassland",
    10: "water", 11: "bare soil",
}
URBAN_CLASSES = (CORE, MIDRISE, SUBURBAN, INDUSTRIAL, ROADS)
RURAL_CLASSES = (FOREST, CROPLAND, GRASSLAND)

#: Mean green-vegetation cover per class (index = lucode). Urban classes follow
#: 1 - imperviousness of the Urban Atlas 2018 classes (data/landcover.csv); data/landcover.csv's
#: kc column is 0.15 + 0.85 x this cover (FAO-56 Kc_min to full cover).
VEGETATION_COVER = np.array([0, 0.10, 0.30, 0.55, 0.15, 0.05, 0.90, 1.00, 0.85, 0.80, 0.0, 0.05], dtype=np.float32)

#: Mean true LST per class on a clear summer morning overpass (~10:00 solar time) at 45 deg N [K].
#: Assumed, to give urban (classes 1-5) minus rural (7-9) surface excesses of 4-8 K, the range
#: of daytime summer SUHI intensities of European cities (Peng et al. 2012, ES&T 46:696,
#: Europe-wide summer-day mean ~1.5-2.5 K for large cities, up to 5-8 K class-wise contrasts in
#: Landsat studies; Sofia shared stack: impervious - vegetated ~5-10 K).
LST_CLASS_K = np.array([0, 312.0, 310.5, 308.5, 313.0, 312.5, 303.5, 299.5, 305.5, 306.0, 296.0, 310.0],
                       dtype=np.float32)
#: Cooling of LST with extra vegetation cover inside a class [K per unit cover] (assumed;
#: the LST-NDVI slope of Landsat summer scenes is typically -5 to -15 K per unit NDVI).
LST_PER_COVER_K = 8.0
#: Extra warming towards the centre, + this x (1 - u) for u < 1 [K] (assumed urban gradient).
LST_CENTRE_K = 1.5
#: Latitude adjustment, - this x (lat - 45) [K per degree] (assumed).
LST_PER_DEGREE_K = 0.4

#: Relative residents per pixel by class (index = lucode): residential fabric only.
#: Mid-rise blocks are the densest; the core mixes offices and shops; suburbs are houses.
RESIDENT_WEIGHT = np.array([0, 0.7, 1.0, 0.35, 0.02, 0, 0, 0, 0, 0, 0, 0], dtype=np.float32)

_U_CORE, _U_MID, _U_SUBURB = 0.25, 0.55, 1.0
_SHAPE_NOISE = 0.35
#: classes 1-4 occur only where u < 1.15, i.e. within 1.15 (1 + 0.35) R of the centre.
URBAN_EXTENT_FACTOR = 1.15 * (1 + _SHAPE_NOISE)


def _key(*parts) -> int:
    return zlib.crc32("/".join(str(p) for p in parts).encode())


@dataclass(frozen=True)
class Layout:
    """Scalars of one drawn city (see module docstring)."""

    city: City
    seed: int
    centre_x: float
    centre_y: float
    radius_m: float
    pixel_size: float
    road_angles: tuple
    river: tuple  # (axis angle, offset, amp1, wavelength1, phase1, amp2, wavelength2, phase2, width)
    lake: tuple  # (x, y, radius)
    cloud_threshold: float

    @classmethod
    def draw(cls, city: City, seed: int, centre_x: float, centre_y: float, pixel_size: float,
             frame: tuple | None = None, clouds: float = 0.0) -> Layout:
        """Draw the city's scalars from ``seed``; ``frame`` = (x0, y0, x1, y1) for the cloud quantile."""
        rng = np.random.default_rng([int(seed), _key(city.slug)])
        radius = 1100.0 * (city.population / 1e4) ** 0.4
        n_roads = int(rng.integers(5, 9))
        start = rng.uniform(0, 2 * math.pi)
        angles = tuple(float(start + 2 * math.pi * k / n_roads + rng.uniform(-0.25, 0.25)) for k in range(n_roads))
        width = max(city.water_width_m, 1.2 * pixel_size)
        amp1 = max(3.0 * width, 0.08 * radius, 300.0)
        river = (float(rng.uniform(0, math.pi)), float(rng.uniform(-0.25, 0.25) * radius),
                 float(amp1), float(rng.uniform(5, 9) * amp1), float(rng.uniform(0, 2 * math.pi)),
                 float(0.4 * amp1), float(rng.uniform(1.5, 3.0) * amp1), float(rng.uniform(0, 2 * math.pi)),
                 float(width))
        beta = rng.uniform(0, 2 * math.pi)
        lake_dist = 0.8 * radius + 0.5 * width
        lake = (float(centre_x + lake_dist * math.cos(beta)), float(centre_y + lake_dist * math.sin(beta)),
                float(max(city.water_width_m, 2 * pixel_size) / 2))
        layout = cls(city, int(seed), float(centre_x), float(centre_y), float(radius), float(pixel_size),
                     angles, river, lake, math.inf)
        if clouds > 0:
            if frame is None:
                raise ValueError("frame is needed to place clouds")
            x0, y0, x1, y1 = frame
            xs = np.linspace(x0, x1, 256)[None, :]
            ys = np.linspace(y1, y0, 256)[:, None]
            sample = layout._cloud_noise(xs, ys)
            threshold = float(np.quantile(sample, 1.0 - clouds)) if clouds < 1 else -math.inf
            layout = cls(city, int(seed), float(centre_x), float(centre_y), float(radius), float(pixel_size),
                         angles, river, lake, threshold)
        return layout

    # --- fields ---------------------------------------------------------------
    def _k(self, name: str) -> int:
        return _key(self.city.slug, self.seed, name)

    def _cloud_noise(self, x, y):
        return fbm(x, y, 2500.0, self._k("cloud"), 4)

    def urbanity(self, x, y) -> np.ndarray:
        """Normalised distance ``u`` from the centre (0 centre, 1 urban edge), float32."""
        dx = (x - self.centre_x).astype(np.float32)
        dy = (y - self.centre_y).astype(np.float32)
        dist = np.sqrt(dx * dx + dy * dy)
        shape = np.clip(np.float32(2.2) * fbm(x, y, self.radius_m, self._k("shape"), 3), -1, 1)
        return dist / (np.float32(self.radius_m) * (1 + np.float32(_SHAPE_NOISE) * shape))

    def _roads(self, x, y, u) -> np.ndarray:
        dx = (x - self.centre_x).astype(np.float32)
        dy = (y - self.centre_y).astype(np.float32)
        half = np.float32(max(22.0, 0.55 * self.pixel_size))
        road = np.zeros(np.broadcast_shapes(dx.shape, dy.shape), dtype=bool)
        for angle in self.road_angles:
            c, s = np.float32(math.cos(angle)), np.float32(math.sin(angle))
            along = dx * c + dy * s
            across = np.abs(dy * c - dx * s)
            road |= (along > 0) & (across < half)
        dist = np.sqrt(dx * dx + dy * dy)
        road |= np.abs(dist - np.float32(0.7 * self.radius_m)) < half
        road &= u < 1.6
        grid = np.float32(max(250.0, 4 * self.pixel_size))
        street = np.float32(max(30.0, self.pixel_size))
        in_core = u < _U_CORE
        road |= in_core & ((np.mod(dx, grid) < street) | (np.mod(dy, grid) < street))
        return road

    def _water(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """(water mask, river-bank mask) float32 geometry."""
        if self.city.water == "lake":
            lx, ly, radius = self.lake
            dx = (x - lx).astype(np.float32)
            dy = (y - ly).astype(np.float32)
            edge = 1 + 0.2 * value_noise(x, y, max(radius, 2 * self.pixel_size), self._k("lake"))
            rel = np.sqrt(dx * dx + dy * dy) / (np.float32(radius) * edge)
            return rel < 1, (rel >= 1) & (rel < 1 + 150.0 / radius)
        theta, offset, a1, l1, p1, a2, l2, p2, width = self.river
        dx = (x - self.centre_x).astype(np.float64)
        dy = (y - self.centre_y).astype(np.float64)
        along = dx * math.cos(theta) + dy * math.sin(theta)
        across = dy * math.cos(theta) - dx * math.sin(theta) - offset
        meander = a1 * np.sin(2 * math.pi * along / l1 + p1) + a2 * np.sin(2 * math.pi * along / l2 + p2)
        gap = np.abs(across - meander).astype(np.float32)
        return gap < width / 2, gap < width / 2 + 80.0

    def land_cover(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Land-cover codes (uint8, data/landcover.csv legend) and urbanity ``u``."""
        u = self.urbanity(x, y)
        lc = np.full(u.shape, CROPLAND, dtype=np.uint8)
        rural = fbm(x, y, 2500.0, self._k("rural"), 4)
        lc[rural > 0.18] = FOREST
        lc[(rural > -0.02) & (rural <= 0.18)] = GRASSLAND
        bare = fbm(x, y, 700.0, self._k("bare"), 3)
        lc[(bare > 0.42) & (lc == CROPLAND)] = BARE
        lc[u < _U_SUBURB] = SUBURBAN
        lc[u < _U_MID] = MIDRISE
        lc[u < _U_CORE] = CORE
        industry = fbm(x, y, max(0.25 * self.radius_m, 600.0), self._k("industry"), 3)
        lc[(u > 0.35) & (u < 1.15) & (industry > 0.3)] = INDUSTRIAL
        park = fbm(x, y, max(0.12 * self.radius_m, 400.0), self._k("park"), 3)
        lc[(u < _U_SUBURB) & (park > 0.33)] = PARK
        water, bank = self._water(x, y)
        lc[bank & (u < _U_SUBURB)] = PARK
        lc[self._roads(x, y, u)] = ROADS
        lc[water] = WATER
        return lc, u

    def pixel_index(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Map-anchored integer pixel indices (row (h, 1), col (1, w)): the key of per-pixel noise,
        the same for a pixel whatever frame or tile contains it."""
        ps = self.pixel_size
        return np.floor(np.asarray(y) / ps).astype(np.int64), np.floor(np.asarray(x) / ps).astype(np.int64)

    def pixel_noise(self, x, y, name: str) -> np.ndarray:
        """Per-pixel noise in [-1, 1] keyed by map position and ``name``."""
        rows, cols = self.pixel_index(x, y)
        return white_noise(rows, cols, self._k(name))

    def vegetation_cover(self, lc, x, y) -> np.ndarray:
        """Green-vegetation cover per pixel in [0, 1]: class mean + smooth and pixel noise."""
        smooth = fbm(x, y, 600.0, self._k("cover"), 3)
        pixel = self.pixel_noise(x, y, "cover-px")
        cover = VEGETATION_COVER[lc] + np.float32(0.25) * smooth + np.float32(0.04) * pixel
        cover = np.clip(cover, 0, 1)
        cover[lc == WATER] = 0
        return cover

    def true_lst(self, lc, u, cover, x, y) -> np.ndarray:
        """True land-surface temperature [K], float32 (see the LST_* constants)."""
        base = LST_CLASS_K[lc] - np.float32(LST_PER_DEGREE_K * (self.city.lat - 45.0))
        greener = cover - VEGETATION_COVER[lc]
        centre = np.float32(LST_CENTRE_K) * np.clip(1 - u, 0, 1)
        smooth = np.float32(1.2) * fbm(x, y, 4000.0, self._k("lst"), 3)
        pixel = np.float32(0.3) * self.pixel_noise(x, y, "lst-px")
        lst = base - np.float32(LST_PER_COVER_K) * greener + centre + smooth + pixel
        water = lc == WATER
        lst[water] = (base + smooth + pixel)[water]
        return lst.astype(np.float32)

    def clouds(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """(cloud, dilated-cloud ring) masks; all False when no clouds were asked for."""
        shape = (np.size(y), np.size(x))
        if not math.isfinite(self.cloud_threshold) and self.cloud_threshold > 0:
            return np.zeros(shape, bool), np.zeros(shape, bool)
        noise = self._cloud_noise(x, y)
        cloud = noise > self.cloud_threshold
        return cloud, (noise > self.cloud_threshold - 0.04) & ~cloud

    def resident_weight(self, lc) -> np.ndarray:
        """Relative residents per pixel (RESIDENT_WEIGHT by class)."""
        return RESIDENT_WEIGHT[lc]

    @property
    def urban_extent_m(self) -> float:
        """Radius beyond which no built-up class (1-4) occurs [m]."""
        return URBAN_EXTENT_FACTOR * self.radius_m
