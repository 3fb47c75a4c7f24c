"""Physical constants and published coefficients, each with its source.

Source keys in brackets, like [cran-lst], are entries of :mod:`uhi.references` (authors, year, journal,
DOI or URL). Values marked [C] were read in code or secondary text citing the paper and checked
against at least two independent implementations, not in the paper itself.
"""

from __future__ import annotations

from .units import ZERO_CELSIUS_K  # noqa: F401  (0 degC in K, re-exported; defined in uhi.units)

# --- Planck radiation -------------------------------------------------------
#: Second radiation constant c2 = h·c/k_B [µm K], from CODATA 2018 exact SI values
#: h = 6.62607015e-34 J s, c = 2.99792458e8 m/s, k_B = 1.380649e-23 J/K (exact SI values; ρ = h·c/k_B as computed in [cran-lst]).
RHO_UM_K = 14387.7688

#: Effective band centres of TIRS [µm] (as used with the correction of Avdan & Jovanovska 2016, doi:10.1155/2016/1480307; [C] open-source implementations).
TIRS_WAVELENGTH_UM = {10: 10.895, 11: 12.005}

#: Fallback thermal calibration constants (values of the scenes' MTL files, USGS Landsat 8 Data Users Handbook, LSDS-1574 [usgs-l8-handbook]; L8 and L9 [usgs-l1-product]).
#: Always prefer the scene's own MTL values; these are for tests and synthetic scenes.
THERMAL_CONSTANTS = {
    "LANDSAT_8": {
        10: {"radiance_mult": 3.3420e-04, "radiance_add": 0.10000, "k1": 774.8853, "k2": 1321.0789},
        11: {"radiance_mult": 3.3420e-04, "radiance_add": 0.10000, "k1": 480.8883, "k2": 1201.1442},
    },
    "LANDSAT_9": {
        # K2 for L9 B10 is 1329.2405 (not 1329.0284, a copy error in a public GEE script; L9 MTL [usgs-l1-product]).
        10: {"radiance_mult": 3.8000e-04, "radiance_add": 0.1, "k1": 799.0284, "k2": 1329.2405},
        11: {"radiance_mult": 3.4900e-04, "radiance_add": 0.1, "k1": 475.6581, "k2": 1198.3494},
    },
}

# --- Collection 2 Level-2 scaling (USGS LSDS-1619 [usgs-c2l2-guide]; GEE catalogue [gee-landsat-c2l2]) -------
SR_SCALE, SR_OFFSET = 2.75e-05, -0.2  # surface reflectance, valid DN 1..65455
ST_SCALE, ST_OFFSET = 0.00341802, 149.0  # ST_B10 [K]
ST_AUX_SCALE = {  # (scale, offset, units)
    "ST_EMIS": (0.0001, 0.0, "1"),
    "ST_EMSD": (0.0001, 0.0, "1"),
    "ST_ATRAN": (0.0001, 0.0, "1"),
    "ST_DRAD": (0.001, 0.0, "W m-2 sr-1 um-1"),
    "ST_URAD": (0.001, 0.0, "W m-2 sr-1 um-1"),
    "ST_TRAD": (0.001, 0.0, "W m-2 sr-1 um-1"),
    "ST_QA": (0.01, 0.0, "K"),
    "ST_CDIST": (0.01, 0.0, "km"),
}

# --- NDVI-threshold emissivity (Sobrino et al. 2004, RSE 90:434, doi:10.1016/j.rse.2004.02.003; Sobrino et al. 2008; [C] [cran-lst]) ---
NDVI_SOIL = 0.2
NDVI_VEGETATION = 0.5
CAVITY_F = 0.55  # geometric factor of the cavity term dε (pylandtemp utils.cavity_effect [pylandtemp], [C])
# The broadband TM6 values of Sobrino et al. 2004 (0.979 − 0.035·ρ_red; 0.986 + 0.004·P_v; 0.99) are not
# used: every method, "simple" included, takes the TIRS band-specific values below (about 1 K closer on
# TIRS scenes; tests/test_lst_synthetic.py).
#: TIRS band-specific soil / vegetation emissivities (Yu, Guo & Wu 2014, Remote Sens. 6:9829; [C] [cran-lst][pylandtemp]).
TIRS_EMISSIVITY = {
    10: {"soil": 0.9668, "vegetation": 0.9863, "bare_soil": (0.973, -0.047)},
    11: {"soil": 0.9747, "vegetation": 0.9896, "bare_soil": (0.984, -0.026)},
}
#: Emissivity of water, TIRS10/TIRS11 (Du et al. 2015 land-cover table, [C] [i-landsat8-swlst]).
WATER_EMISSIVITY = {10: 0.992, 11: 0.998}

# --- Single-channel, Jiménez-Muñoz et al. 2014, IEEE GRSL 11(10):1840, doi:10.1109/LGRS.2014.2312032 ---
#: ψ_k = a·w² + b·w + c, w in g cm⁻² (GAPRI fit), TIRS band 10 (Jiménez-Muñoz et al. 2014, doi:10.1109/LGRS.2014.2312032; [C] [r-water]).
SC_PSI_COEFFICIENTS = (
    (0.04019, 0.02916, 1.01523),  # ψ1 = 1/τ
    (-0.38333, -1.50294, 0.20324),  # ψ2 = −L↓ − L↑/τ
    (0.00918, 1.36072, -0.27514),  # ψ3 = L↓
)
#: b_γ of the Planck linearisation for TIRS B10 [K] ([C] [r-water]; CRAN LST uses c2/λ = 1320.6 K).
SC_B_GAMMA = 1324.0

# --- Split-window, Jiménez-Muñoz et al. 2014, doi:10.1109/LGRS.2014.2312032 ([C] [r-water]) ---
#: c0..c6; c1 = 1.378 (pylandtemp's 1.387 is a transcription error; two independent codes give 1.378).
SW_JM2014 = (-0.268, 1.378, 0.183, 54.30, -2.238, -129.20, 16.40)

# --- Split-window, Du et al. 2015, Remote Sens. 7(1):647, doi:10.3390/rs70100647 ([C] [i-landsat8-swlst]) ---
#: (cwv_min, cwv_max): (b0..b7, rmse)
SW_DU2015 = {
    (0.0, 2.5): ((-2.78009, 1.01408, 0.15833, -0.34991, 4.04487, 3.55414, -8.88394, 0.09152), 0.34),
    (2.0, 3.5): ((11.00824, 0.95995, 0.17243, -0.28852, 7.11492, 0.42684, -6.62025, -0.06381), 0.60),
    (3.0, 4.5): ((9.62610, 0.96202, 0.13834, -0.17262, 7.87883, 5.17910, -13.26611, -0.07603), 0.71),
    (4.0, 5.5): ((0.61258, 0.99124, 0.10051, -0.09664, 7.85758, 6.86626, -15.00742, -0.01185), 0.86),
    (5.0, 6.3): ((-0.34808, 0.98123, 0.05599, -0.03518, 11.96444, 9.06710, -14.74085, -0.20471), 0.93),
    (0.0, 6.3): ((-0.41165, 1.00522, 0.14543, -0.27297, 4.06655, -6.92512, -18.27461, 0.24468), 0.87),
}

# --- Physical ranges of user parameters (guards against typos such as uhi_max = 1e9) ---
#: Largest urban heat island magnitude accepted [K]. Oke (1973) found canopy-layer heat islands of up
#: to ~12 K in cities of millions (T. R. Oke, "City size and the urban heat island", Atmospheric
#: Environment 7(8):769-779, doi:10.1016/0004-6981(73)90140-6); 15 K leaves a margin above that.
UHI_MAX_LIMIT_K = 15.0
#: Range of near-surface air temperature ever recorded [degC]: -89.2 (Vostok, 1983) to 56.7 (Death
#: Valley, 1913), WMO Archive of Weather and Climate Extremes (Cerveny et al. 2007, Bull. Amer.
#: Meteor. Soc. 88(6):853-860, doi:10.1175/BAMS-88-6-853).
AIR_TEMPERATURE_RECORD_DEGC = (-89.2, 56.7)

# --- InVEST Urban Cooling Model defaults -------------------------------------
#: Defaults of the InVEST Urban Cooling Model [invest-ucm] used by every caller (cooling model, scenarios,
#: optimiser, calibration): cooling distance of large green areas [m] (user guide recommendation),
#: air-mixing radius [m] (user guide: 500-600 m), cooling-capacity weights (shade, albedo, ET index) of the
#: "factors" method. ``t_ref`` [degC], ``uhi_max`` [K] and ``ref_et`` [mm/day] are scenario assumptions to
#: override per city: a summer-afternoon rural temperature, a UHI magnitude within the 0.5-3.0 (+) K range
#: of [iungman2023], and an FAO-56 summer Mediterranean/continental reference evapotranspiration.
UCM_DEFAULTS = {
    "cooling_distance": 450.0,
    "mixing_radius": 600.0,
    "weights": (0.6, 0.2, 0.2),
    "cc_method": "factors",
    "t_ref": 21.0,
    "uhi_max": 3.5,
    "ref_et": 6.0,
}
