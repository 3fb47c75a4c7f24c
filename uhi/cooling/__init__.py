"""InVEST Urban Cooling Model (Sharp et al., natcap/invest) with FFT convolutions.

Public API: :func:`biophysical_table`, :func:`parameters_from_landcover`, :func:`parameters_from_scene`,
:func:`urban_cooling`, :func:`energy_savings`, :func:`wbgt`, :func:`productivity_loss`.
"""

from uhi.cooling.biophysical import biophysical_table, parameters_from_landcover, parameters_from_scene
from uhi.cooling.model import urban_cooling
from uhi.cooling.valuation import energy_savings, productivity_loss, wbgt

__all__ = ["biophysical_table", "parameters_from_landcover", "parameters_from_scene", "urban_cooling",
           "energy_savings", "wbgt", "productivity_loss"]
