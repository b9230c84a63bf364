"""Demand: sales agreements (committed), partner forecasts and account forecasts (expected)."""
