"""Loads nnkit's pytest plugin where the kit is not installed as one (``pip install -e .`` installs
its ``pytest11`` entry point): registered once, whichever way it comes."""
import importlib


def pytest_configure(config):
    """Register the plugin unless its entry point (or ``-p``) already did."""
    plugin = importlib.import_module("autograder.pytest_plugin")
    if not config.pluginmanager.is_registered(plugin):
        config.pluginmanager.register(plugin, "nnkit")
