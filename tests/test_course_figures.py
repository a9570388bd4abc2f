"""The reference reproduces the course's figures (validation accuracy, as tests with tolerances)."""
import numpy as np
import pytest

from autograder.data import load_breast_cancer_split
from autograder.loader import load_submission
from autograder.course_folder import reference_dir

REFERENCE = load_submission(reference_dir())
COURSE_ACCURACY = 0.978  # 89/91 on the course's validation split


@pytest.mark.parametrize("cls, kwargs, epochs", [
    ("single_layer.SingleLayer", {"l2": 0.01}, 10000),
    ("dual_layer.DualLayer", {"l2": 0.01}, 20000),
    ("dual_layer.RandomInitNetwork", {"l2": 0.01}, 500),
    ("minibatch.MinibatchNetwork", {"l2": 0.01, "batch_size": 32}, 500),
    ("minibatch.MinibatchNetwork", {"l2": 0.01, "batch_size": 128}, 500),
])
def test_breast_cancer_validation_accuracy(cls, kwargs, epochs):
    data = load_breast_cancer_split()
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (364, 91, 114)
    net = REFERENCE.attribute(cls)(**kwargs)
    net.fit(np.array(data.x_train), np.array(data.y_train), epochs=epochs,
            x_val=np.array(data.x_val), y_val=np.array(data.y_val))
    # one sample of 91 is 0.011: the tolerance allows no other result than the course's
    assert net.score(data.x_val, data.y_val) == pytest.approx(COURSE_ACCURACY, abs=0.005)
    assert len(net.val_losses) == epochs and np.all(np.isfinite(net.losses))


@pytest.mark.slow
def test_fashion_mnist_multiclass_network_40_epochs():
    """Course settings: units=100, batch_size=256, lr 0.1, N(0,1) init, 40 epochs. Measured
    0.8147 (2026-11-25); the course's Keras model reaches 0.863 with batch 32. Tolerance ±0.01
    covers BLAS summation-order differences between machines."""
    from autograder.data import prepare_fashion_mnist
    try:
        data = prepare_fashion_mnist(download=False)
    except Exception as exc:  # pragma: no cover - CI installs the data
        pytest.skip(f"Fashion-MNIST not available: {exc}")
    net = REFERENCE.attribute("multiclass.MultiClassNetwork")(units=100, batch_size=256)
    net.fit(np.array(data.x_train), np.array(data.y_train), epochs=40,
            x_val=np.array(data.x_val), y_val=np.array(data.y_val))
    assert net.score(data.x_val, data.y_val) == pytest.approx(0.81, abs=0.01)
