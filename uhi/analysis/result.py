"""The result of a city's heat analysis: :class:`CityAnalysis` (layers, summary, writer)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import numpy as np
import xarray as xr

from uhi.analysis.districts import HOT_HAZARD_CLASSES
from uhi.risk import HIGH_RISK_CLASSES
from uhi.units import ZERO_CELSIUS_K


@dataclasses.dataclass


class CityAnalysis:
    """Everything :func:`analyse_city` computed, on the scene grid (LST in kelvin)."""

    scene: xr.Dataset
    lst: xr.DataArray
    indices: xr.Dataset
    population: xr.DataArray | None
    districts: gpd.GeoDataFrame | None
    landcover: xr.DataArray | None
    urban_mask: xr.DataArray
    suhii: object
    hotspots: xr.Dataset
    risk: xr.Dataset | None
    district_table: gpd.GeoDataFrame | None
    city: str
    date: str
    notes: list = dataclasses.field(default_factory=list)
    district_column: str | None = None  # the column of ``districts`` naming each district

    @property
    def synthetic(self) -> bool:
        """True when the scene is a synthetic (made-up) city (:func:`uhi.synthetic.is_synthetic`)."""
        from uhi.synthetic import is_synthetic

        return is_synthetic(self.scene.attrs) if self.scene is not None else False

    @property
    def title(self) -> str:
        """``"<city>, <YYYY-MM-DD>"`` for map titles (``"SYNTHETIC city - ..."`` for a synthetic scene)."""
        text = f"{self.city}, {self.date}" if self.date else self.city
        return f"SYNTHETIC city - {text}" if self.synthetic else text

    def rasters(self) -> dict[str, xr.DataArray]:
        """The raster outputs by file stem: LST (degC), indices, hot spots, risk components and classes."""
        from uhi.lst import to_celsius

        out = {"lst_celsius": to_celsius(self.lst)}
        for name in ("ndvi", "ndbi"):
            if name in self.indices:
                out[name] = self.indices[name]
        if self.hotspots is not None:
            out["gi_zscore"] = self.hotspots["gi_zscore"]
            out["hotspot_bin"] = self.hotspots["gi_bin"]
        if self.risk is not None:
            for name in ("hazard", "hazard_class", "exposure", "vulnerability", "risk", "risk_class", "risk_class_relative"):
                if name in self.risk:
                    out[name] = self.risk[name]
        if self.synthetic:
            from uhi.synthetic import SYNTHETIC_NOTE

            out = {k: v.assign_attrs(synthetic=SYNTHETIC_NOTE) for k, v in out.items()}  # written as GeoTIFF tags
        return out

    def write(self, out_dir, *, overwrite: bool = False, progress=None) -> list[Path]:
        """Write every raster (COG), the district table (GeoPackage + CSV) and a summary JSON into ``out_dir``.

        The files are written as a unit (:func:`uhi.io.write.output_folder`): an error leaves none of them.
        """
        import json

        from uhi.io.write import (
            atomic_path,
            output_folder,
            refuse_existing,
            safe_output_path,
            write_rasters,
            written_paths,
        )

        rasters = self.rasters()
        names = [f"{stem}.tif" for stem in rasters] + ["summary.json"]
        if self.district_table is not None:
            names += ["districts.gpkg", "districts.csv"]
        out_dir = refuse_existing(out_dir, overwrite=overwrite, names=names)
        written = []
        with output_folder(out_dir, overwrite=overwrite) as folder:
            if progress:
                progress(f"writing {len(rasters)} rasters")
            # one call: lazy (chunked) layers are computed in one pass for all files, not once per file
            written += write_rasters({safe_output_path(folder, f"{stem}.tif"): da for stem, da in rasters.items()},
                                     overwrite=overwrite)
            if self.district_table is not None:
                from uhi.zonal import write_zonal

                for ext in ("gpkg", "csv"):
                    path = safe_output_path(folder, f"districts.{ext}")
                    write_zonal(self.district_table, path, overwrite=overwrite)
                    written.append(path)
            path = safe_output_path(folder, "summary.json")
            with atomic_path(path, overwrite=overwrite) as tmp:
                Path(tmp).write_text(json.dumps(self.summary(), indent=2, default=float))
            written.append(path)
        return written_paths(written, folder, out_dir)

    def summary(self) -> dict:
        """Headline numbers: LST range (degC), SUHII (K), hot-spot share, people at high risk."""
        lst_c = self.lst.values - ZERO_CELSIUS_K
        from uhi.synthetic import SYNTHETIC_NOTE

        out = {
            "city": self.city,
            "synthetic": self.synthetic,
            "synthetic_note": SYNTHETIC_NOTE if self.synthetic else "",
            "date": self.date,
            "lst_method": self.lst.attrs.get("method"),
            "lst_min_degC": float(np.nanmin(lst_c)),
            "lst_mean_degC": float(np.nanmean(lst_c)),
            "lst_max_degC": float(np.nanmax(lst_c)),
            "suhii_K": None if self.suhii is None else float(self.suhii.suhii),
            "hot_spot_share": None if self.hotspots is None else float(self.hotspots.attrs["hot_share"]),
            "hotspot_flagged_share": None if self.hotspots is None else float(self.hotspots.attrs["flagged_share"]),
            "hotspot_method": None if self.hotspots is None else (
                f"Gi* on {self.hotspots.attrs['cell_m']:.0f} m cells, {self.hotspots.attrs['distance_m']:.0f} m band, "
                f"correction {self.hotspots.attrs['correction']} at {self.hotspots.attrs['alpha']}"),
            "cloud_mask": self.scene.attrs.get("cloud_mask"),
            "indices": sorted(str(k) for k in self.indices.data_vars),
            "notes": list(self.notes),
        }
        if self.population is not None:
            pop = np.nan_to_num(self.population.values)
            out["residents"] = float(pop.sum())
            if self.risk is not None and "risk_class" in self.risk:
                high = np.isin(self.risk["risk_class"].values, HIGH_RISK_CLASSES)
                out["residents_high_risk"] = float(pop[high].sum())
                hot = np.isin(self.risk["hazard_class"].values, HOT_HAZARD_CLASSES)
                out["residents_very_strong_heat"] = float(pop[hot].sum())
        if self.risk is not None:
            hc = self.risk["hazard_class"].values
            valid = hc > 0
            out["hazard_class_shares"] = {label: float(np.mean(hc[valid] == k)) if valid.any() else None
                                          for k, label in enumerate(self.risk["hazard_class"].attrs["flag_meanings"].split(), 1)}
            out["hazard_scale"] = self.risk.attrs.get("hazard_scale")
            if "risk" in self.risk:
                out["vulnerability"] = ("uniform default (no vulnerability table given)"
                                        if self.risk.attrs.get("vulnerability_default") else
                                        f"{self.risk.attrs.get('vulnerability_layers')} "
                                        f"({self.risk.attrs.get('vulnerability_scale')})")
                out["risk_rank_correlation"] = {
                    k: (None if not np.isfinite(self.risk.attrs.get(f"spearman_risk_{k}", np.nan))
                        else float(self.risk.attrs[f"spearman_risk_{k}"]))
                    for k in ("hazard", "exposure", "vulnerability", "population")}
        return out
