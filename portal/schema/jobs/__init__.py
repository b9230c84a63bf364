"""Graph types of background jobs: the items shared jobs set aside."""
