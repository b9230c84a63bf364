"""Resolvers of background-job records visible to a tenant."""
