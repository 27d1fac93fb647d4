"""Response cache: whole ``/v1`` responses, keyed by the request and the data generation.

A pure ASGI middleware, added innermost (inside ETag, gzip and CORS), that stores
answers and serves them; and in front of the whole application ``fast`` answers
repeated hits with the bytes the middleware chain gave them (no routing, no
middleware, no thread hop), so a hit costs a key, a lookup and two ``send`` calls;
under ``dle serve`` one write, the header lines encoded when the answer was recorded
(``wire``, ``api/server/edge.py``).

**Never stale.** Every request first learns the data *generation*, ``data_version``
and ``loaded_at`` of the one ``data_release`` row (see ``probe``: on SQLite the row is
read again only when ``PRAGMA data_version`` says another connection committed; on
PostgreSQL a request waits for a read that starts after it arrived, shared by the
requests waiting with it; on both, a read that started after the request arrived,
which the server edge says, answers for it too). Entries are keyed by that
generation, so a hit is a response computed from exactly the data the database holds
at the moment of the check. The loader rewrites ``data_release`` in the same
transaction as the data it describes and
only when the data changes (``seed.loader``), and ``loaded_at`` differs at every such
load, so even a load that returns to an earlier data version starts a new generation.
A response is stored only when the generation read after the application answered
equals the one read before: no load committed while it was computed, so it holds
the data of that generation alone. When the generation cannot be read (the database
is unreachable, locked by a writer, not seeded), the request bypasses the cache
entirely and the application answers (usually 503): nothing cached is served
without a check.

**What is stored**: answers to GET under ``/v1/`` with status 200, without
``Set-Cookie``, ``Cache-Control: no-store`` or ``private``, at most
``cache_max_entry_bytes`` long, or, for a streamed body (a CSV or NDJSON download,
fixed per data version but costly to compute), at most ``cache_max_download_bytes``:
its chunks are kept while it is sent and joined into one body, sent in one piece
(with ``Content-Length``) on a hit; a longer download is passed through. HEAD is
answered from a GET's entry (headers only) when the HTTP layer has not already turned
it into a GET. On the first hit that accepts gzip, the entry also keeps its gzip
variant (``variants``), so a hit is not compressed again.

**Key**: scheme, ``Host`` and path (responses carry absolute URLs in ``Link``),
query parameters (decoded like the application decodes them, sorted by name with the
order of repeated values kept, since that order can matter), and the ``Accept``
header (the representation may depend on it). ``Accept-Encoding`` picks the stored
identity body or its gzip variant; ``Origin`` is handled by the middleware outside
this one.

**ETag**: a stored response gets the ETag that ``api.http.conditional`` would
compute from its body (the same function), so hits are not hashed again.

**Memory**: at most ``cache_max_entries`` entries and ``cache_max_bytes`` bytes
(bodies, gzip variants, headers and keys, plus a fixed overhead per entry), least recently used
evicted first; entries of an older generation are dropped as soon as a newer one is
seen. ``cache_max_entries=0`` turns the cache off.

Modules: ``store`` (the bounded store), ``probe`` (reading the generation), ``wire``
(what the fast path asks of the server edge: the arrival, a write in one piece),
``variants`` (the gzip variant of an entry), ``middleware`` (the ASGI middleware,
the request key, ``install_response_cache``), ``fast`` (hits answered in front of
everything, ``install_fast_hits``).
"""
