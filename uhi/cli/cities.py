"""``uhi cities``: list the pilot-city registry."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ._common import handle_errors


@handle_errors
def cities() -> None:
    """List the pilot cities (Danube "Be Ready" partners and knowledge partners) with their sources."""
    from ..cities import list_cities

    table = Table(title="uhi pilot cities")
    for column in ("name", "country", "lat", "lon", "EPSG", "population", "summer scene"):
        table.add_column(column)
    for city in list_cities():
        table.add_row(city.name, city.country, f"{city.lat:.4f}", f"{city.lon:.4f}", str(city.epsg),
                      f"{city.population:,}", str(city.scene_date))
    Console().print(table)
