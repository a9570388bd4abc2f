"""Default limits of grading: wall-clock time of a trial, and what an isolated child may use."""
from dataclasses import dataclass

DEFAULT_MEMORY = 4 * 1024 ** 3
DEFAULT_TIMEOUT = 60.0
DEFAULT_DISK = 1024 ** 3


@dataclass
class Limits:
    """Per-exercise limits of an isolated child."""

    timeout: float = DEFAULT_TIMEOUT          # wall-clock seconds
    cpu: float = None                          # CPU seconds (default: 2 × timeout)
    memory: int = DEFAULT_MEMORY               # bytes of address space
    disk: int = DEFAULT_DISK                   # bytes the child may keep on disk
