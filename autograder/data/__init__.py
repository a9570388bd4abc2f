"""The course's data sets: Breast Cancer Wisconsin (sklearn) and Fashion-MNIST (verified files).

See ``datasets/README.md`` for sources, licences, hashes, the lookup order and fixes.
"""
from .breast_cancer import BreastCancerSplit, load_breast_cancer_split
from .fashion_mnist import (
    FashionMnistSplit, candidate_dirs, download_fashion_mnist, find_dir, load_fashion_mnist,
    one_hot, prepare_fashion_mnist, split_cache_dir, stratified_head,
)
from .idx import DatasetError, DatasetNotFoundError

__all__ = [
    "BreastCancerSplit", "load_breast_cancer_split",
    "FashionMnistSplit", "candidate_dirs", "download_fashion_mnist", "find_dir",
    "load_fashion_mnist", "one_hot", "prepare_fashion_mnist", "split_cache_dir", "stratified_head",
    "DatasetError", "DatasetNotFoundError", "child_read_paths",
]


def child_read_paths(dataset):
    """The folders a grading child must be able to read to load ``dataset``, as a tuple of
    absolute :class:`pathlib.Path` (for an allow-list of the child's file system).

    ``"fashion_mnist"``: the split's cache entry (:func:`split_cache_dir`), which this call
    prepares first, in the calling (grader's) process: the child then only memory-maps it. When
    the cache cannot be written, the folder of the four verified ``.gz`` files instead (the child
    then decodes them itself). Raises :class:`DatasetError` when the data is missing or corrupt.
    ``"breast_cancer"``: none, its arrays travel in the job's input cases.
    """
    if dataset == "breast_cancer":
        return ()
    if dataset != "fashion_mnist":
        raise ValueError(f"unknown data set {dataset!r} (fashion_mnist, breast_cancer)")
    prepare_fashion_mnist(download=False)
    folder = split_cache_dir()
    if folder.is_dir():
        return (folder.resolve(),)
    return (find_dir(download=False).resolve(),)
