"""Probes of dual_layer.py: DualLayer's forward and backward passes and the three weight
initialisations (DualLayer, RandomInitNetwork, XavierInitNetwork)."""
from . import networks

DUAL_LAYER = "dual_layer.DualLayer"


def forpass(sub, case):
    """DualLayer.forpass(x) with the case's weights."""
    return networks.forpass(sub, DUAL_LAYER, case)


def backprop(sub, case):
    """DualLayer.backprop(x, err) with the case's weights and a1."""
    return networks.backprop(sub, DUAL_LAYER, case)


def init_weights(sub, case):
    """DualLayer.init_weights(n_features)."""
    return networks.init_weights(sub, DUAL_LAYER, case)


def random_init_weights(sub, case):
    """RandomInitNetwork.init_weights(n_features)."""
    return networks.init_weights(sub, "dual_layer.RandomInitNetwork", case)


def xavier_init_weights(sub, case):
    """XavierInitNetwork.init_weights(n_features)."""
    return networks.init_weights(sub, "dual_layer.XavierInitNetwork", case)
