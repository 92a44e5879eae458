"""What other parts use of the synthetic region generator (SYNTETISKA DATA — inga verkliga personer): the
dataset format (docs/data-format.md), writing a dataset of Parquet files, and loading a demo-sized slice into
the platform database."""

from nara.synth.dataformat import (
    BY_STEM,
    ENGINE_OPTIONAL,
    ENGINE_REQUIRED,
    FILES,
    FORMAT_VERSION,
    Column,
    FileFormat,
)
from nara.synth.generator import FILE_STEMS, GENERATOR_VERSION, SCHEMAS, generate, write_dataset
from nara.synth.load import load_demo

__all__ = [
    "BY_STEM",
    "ENGINE_OPTIONAL",
    "ENGINE_REQUIRED",
    "FILES",
    "FILE_STEMS",
    "FORMAT_VERSION",
    "GENERATOR_VERSION",
    "SCHEMAS",
    "Column",
    "FileFormat",
    "generate",
    "load_demo",
    "write_dataset",
]
