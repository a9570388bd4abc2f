"""Probes of dual_layer.py: DualLayer's forward and backward passes and the three weight
initialisations (DualLayer, RandomInitNetwork, XavierInitNetwork)."""
from .networks import network_probes

forpass, backprop, init_weights = network_probes(__name__, "dual_layer.DualLayer", "forpass", "backprop",
                                                 "init_weights")
(random_init_weights,) = network_probes(__name__, "dual_layer.RandomInitNetwork", "init_weights", prefix="random_")
(xavier_init_weights,) = network_probes(__name__, "dual_layer.XavierInitNetwork", "init_weights", prefix="xavier_")
