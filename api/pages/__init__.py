"""Server-rendered pages: the home page ``/`` (the story, the trend charts and their figures),
the embed page of each chart ``/embed/{chart}``, the JSON index ``/v1``, and their static
files (one stylesheet, the embed page's script, the vendored Vega builds).

Pages are Jinja2 templates rendered on the server; they work without JavaScript and load
nothing from another origin (each has a Content-Security-Policy that says so).
"""
