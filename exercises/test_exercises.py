"""The public checks of every module of this folder (run by nnkit's pytest plugin, in this process)."""


def test_public(nnkit_check):
    nnkit_check.run()
