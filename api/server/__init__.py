"""The server edge of ``dle serve``: uvicorn's options and its HTTP protocol with limits."""
