"""Calibration and validation of the cooling model against observations, and a city-calibrated surface model.

::

    result = uhi.calibrate.calibrate_ucm(params, stations_at_overpass, fit=("t_ref", "uhi_max", "mixing_radius"))
    table = uhi.calibrate.cross_validate(result)          # model vs constant and shuffled baselines, LOSO
    print(result.to_toml())                               # the scenario [baseline] table

See :mod:`uhi.calibrate.ucm` (method), :mod:`uhi.calibrate.validate` (baselines) and
:mod:`uhi.calibrate.surface` (LST regressed on NDVI/FVC, MNDWI, NDBI).
"""

from uhi.calibrate.skill import METRICS, OBJECTIVES, skill
from uhi.calibrate.surface import (
    SurfaceModel,
    apply_to_catalogue,
    catalogue_overrides,
    compare_catalogue,
    fit_surface_model,
    fvc,
    vif,
)
from uhi.calibrate.synthetic import SyntheticCase, synthetic_case
from uhi.calibrate.ucm import CALIBRATABLE, CalibrationResult, calibrate_ucm, derive_reference, ucm_defaults
from uhi.calibrate.validate import cross_validate, loso_predictions, skill_table

__all__ = [
    "CALIBRATABLE",
    "METRICS",
    "OBJECTIVES",
    "CalibrationResult",
    "SurfaceModel",
    "SyntheticCase",
    "apply_to_catalogue",
    "calibrate_ucm",
    "catalogue_overrides",
    "compare_catalogue",
    "cross_validate",
    "derive_reference",
    "fit_surface_model",
    "fvc",
    "loso_predictions",
    "skill",
    "skill_table",
    "synthetic_case",
    "ucm_defaults",
    "vif",
]
