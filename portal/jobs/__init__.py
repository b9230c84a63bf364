"""Background jobs: kinds, recording, dispatch, handlers, sweep and the process runtime."""
