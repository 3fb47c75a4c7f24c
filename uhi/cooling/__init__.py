"""InVEST Urban Cooling Model (Sharp et al., natcap/invest) with FFT convolutions.

Public API: :func:`biophysical_table`, :func:`parameters_from_landcover`, :func:`parameters_from_scene`,
:func:`urban_cooling`, :func:`energy_savings`, the scenario configuration
:func:`literature_cooling` / :func:`load_cooling_config` / :func:`cooling_channels` (and its pieces :func:`potential_coefficients`, :func:`mixing_kernel`,
:func:`effect_range`), :func:`wbgt`, :func:`productivity_loss`;
:func:`invest_args` gives the same configuration as natcap.invest arguments.
"""

from uhi.cooling.biophysical import biophysical_table, parameters_from_landcover, parameters_from_scene
from uhi.cooling.invest import invest_args
from uhi.cooling.literature import (
    COOLING_MODELS,
    CoolingConfig,
    cooling_channels,
    effect_range,
    literature_cooling,
    load_cooling_config,
    mixing_kernel,
    potential_coefficients,
)
from uhi.cooling.model import urban_cooling
from uhi.cooling.valuation import energy_savings, productivity_loss, wbgt

__all__ = [
    "COOLING_MODELS",
    "CoolingConfig",
    "biophysical_table",
    "cooling_channels",
    "effect_range",
    "energy_savings",
    "invest_args",
    "literature_cooling",
    "load_cooling_config",
    "mixing_kernel",
    "parameters_from_landcover",
    "parameters_from_scene",
    "potential_coefficients",
    "productivity_loss",
    "urban_cooling",
    "wbgt",
]
