"""Schema extensions that refuse hostile operations before they run.

One module per limit: :mod:`.cost` (estimated cost), :mod:`.nul_strings` (NUL characters in
strings) and :mod:`.suggestions` ("Did you mean …" hidden in production). Depth, tokens and
aliases use strawberry's own limiters (see :func:`portal.schema.build_schema`).
"""
