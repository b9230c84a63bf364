"""arq worker processes (``portal worker``)."""
