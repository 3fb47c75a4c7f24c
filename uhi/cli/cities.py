"""``uhi cities``: list the pilot-city registry with the source of every figure."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ._common import handle_errors


@handle_errors
def cities() -> None:
    """List the pilot cities (Danube "Be Ready" partners and knowledge partners) with their sources."""
    from ..cities import list_cities

    out = Console(highlight=False)
    # Text, not a markup string: "[deg, WGS 84]" is a unit, not a Rich style tag
    table = Table(title=Text("uhi pilot cities: centre [deg, WGS 84], UTM EPSG, residents (year), a summer Landsat 8 "
                             "date and WRS-2 path/row"), box=None, pad_edge=False, header_style="bold underline")
    for column in ("name", "cc", "lat", "lon", "EPSG", "residents", "year", "scene", "path/row"):
        table.add_column(column, justify="left" if column in ("name", "cc") else "right",
                         no_wrap=True)
    registry = list_cities()
    for city in registry:
        table.add_row(Text(city.name), city.country, f"{city.lat:.2f}", f"{city.lon:.2f}", str(city.epsg),
                      f"{city.population:,}", str(city.population_year), str(city.scene_date),
                      f"{city.wrs_path}/{city.wrs_row:03d}")
    out.print(table)
    out.print(Text("Sources (data/cities.toml):", style="bold"))
    for city in registry:
        for key, source in city.sources.items():
            out.print(Text(f"  {city.name} {key}: {source}"), soft_wrap=True)
