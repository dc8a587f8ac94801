"""hcweb: validate and build one website per healthcare provider from shared content."""

__version__ = "0.1.0"
