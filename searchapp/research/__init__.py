"""Research tools over the whole result set: export, citations and stable paragraph anchors,
term timelines, side-by-side comparison. Each module does one job; web/research_views.py
and cli.py are thin skins over them."""
