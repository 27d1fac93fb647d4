"""Deep Learning Evolution API: read-only data on the history and scaling of deep learning."""

__version__ = "0.1.0"
