"""seniormode: accessible self-service kiosks described as YAML flows."""

__version__ = "0.1.0"
