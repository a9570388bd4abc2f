"""Probes of single_layer.py: SingleLayer's forward and backward passes."""
from .networks import network_probes

forpass, backprop = network_probes(__name__, "single_layer.SingleLayer", "forpass", "backprop")
