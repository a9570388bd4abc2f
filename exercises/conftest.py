"""Loads nnkit's pytest plugin where the kit is not installed (``pip install -e .`` registers it)."""
import importlib


def pytest_configure(config):
    plugin = importlib.import_module("autograder.pytest_plugin")
    if not config.pluginmanager.is_registered(plugin):
        config.pluginmanager.register(plugin, "nnkit")
