"""The course's data sets: Breast Cancer Wisconsin (sklearn) and Fashion-MNIST (verified files).

See ``datasets/README.md`` for sources, licences, hashes, the lookup order and fixes.
"""
from .breast_cancer import BreastCancerSplit, load_breast_cancer_split
from .fashion_mnist import (
    FashionMnistSplit, candidate_dirs, download_fashion_mnist, find_dir, load_fashion_mnist,
    one_hot, prepare_fashion_mnist,
)
from .idx import DatasetError, DatasetNotFoundError

__all__ = [
    "BreastCancerSplit", "load_breast_cancer_split",
    "FashionMnistSplit", "candidate_dirs", "download_fashion_mnist", "find_dir",
    "load_fashion_mnist", "one_hot", "prepare_fashion_mnist",
    "DatasetError", "DatasetNotFoundError",
]
