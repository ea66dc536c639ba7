"""Measuring eventwire on gold data (`eventwire eval ...`, see docs/EVALUATION.md).

One module per kind of gold data, each with a reader that checks the file and collects the rows it
cannot use (common.Problem), and a scorer: acled (ACLED exports, `extract` on the notes), classify (the
classifier alone), geoparse (LGL/GeoVirus XML), entities (re3d), event_location (the place of a given
event verb), reference (hand-coded references, docs/REFERENCE_FORMAT.md). cli holds the typer sub-app,
render the rich tables; robustness runs whole news collections through `extract`.
"""
