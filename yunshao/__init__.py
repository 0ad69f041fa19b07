"""yunshao (云哨): finds the misuse of public power in government data, scores it and explains why."""

__version__ = "0.1.0"
