"""Thin resolvers: clean the graph's input, call the domain, shape the result."""
