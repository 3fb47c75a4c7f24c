"""UHI metrics: SUHII, UTFVI and thermal zones, Getis-Ord Gi* hot spots, park cool islands."""
from .hotspots import gi_bin, gi_star, hotspots
__all__ = ["hotspots", "gi_star", "gi_bin"]
