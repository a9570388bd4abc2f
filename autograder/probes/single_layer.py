"""Probes of single_layer.py: SingleLayer's forward and backward passes."""
from . import networks

SINGLE_LAYER = "single_layer.SingleLayer"


def forpass(sub, case):
    """SingleLayer.forpass(x) with the case's w and b."""
    return networks.forpass(sub, SINGLE_LAYER, case)


def backprop(sub, case):
    """SingleLayer.backprop(x, err) with the case's w and b."""
    return networks.backprop(sub, SINGLE_LAYER, case)
