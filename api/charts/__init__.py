"""Charts: one Vega-Lite specification per chart, rendered on the server to SVG and PNG.

``catalogue`` names the charts and the parameters each takes; ``params`` declares the
request (the trend filters of ``api.trends.routes.trend_query`` plus the size, theme and
fit); ``data`` reads what a chart shows through the services of the JSON endpoints (the
points are the models ``/v1/models`` selects, the lines the fits of ``/v1/trends``);
``specs`` and ``figures`` build the specifications; ``render`` turns one into SVG or PNG
off the event loop; ``routes`` serves them.
"""
