"""The demo ecosystem: fictional Brussels partner feeds served on 127.0.0.1.

`demo.loader` reads the partner content files (demo/content/*.yaml), `demo.render` turns
them into RSS 2.0 / RSS 1.0 / Atom / iCalendar / JSON-LD pages, `demo.server.DemoServer`
serves them, and `demo.registry` writes the matching partner registry (partners/*.yaml).
Nothing is defined here: an editable install made before this file existed treats `demo`
as a namespace package, and every submodule must still import.
"""
