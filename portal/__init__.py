"""Channel inventory partner portal."""

__version__ = "0.1.0"
