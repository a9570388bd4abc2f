"""The check library: every graded check of the kit, defined once."""
from . import convergence, expectation, generators, keras, layers, optimizers, tools
from . import keras_agreement

#: every check, in teaching order
ALL_CHECKS = (layers.CHECKS + generators.CHECKS + tools.CHECKS[:4] + optimizers.CHECKS
              + tools.CHECKS[4:] + convergence.CHECKS + keras.CHECKS
              + keras_agreement.CHECKS)

expectation.name_trials(ALL_CHECKS)


def exercises(checks=ALL_CHECKS):
    """Exercise names in order of first appearance."""
    return list(dict.fromkeys(check.exercise for check in checks))


def module_of(exercise):
    """The course module that holds an exercise's solution (for single-module submissions)."""
    return EXERCISE_MODULES[exercise]


EXERCISE_MODULES = {
    "SingleLayer.forpass": "single_layer", "SingleLayer.backprop": "single_layer",
    "DualLayer.forpass": "dual_layer", "DualLayer.backprop": "dual_layer", "DualLayer.init_weights": "dual_layer",
    "RandomInitNetwork.init_weights": "dual_layer", "XavierInitNetwork.init_weights": "dual_layer",
    "MinibatchNetwork.gen_batch": "minibatch",
    "MultiClassNetwork.softmax": "multiclass", "MultiClassNetwork.init_weights": "multiclass",
    "MultiClassNetwork.forpass": "multiclass", "MultiClassNetwork.backprop": "multiclass",
    "MultiClassNetwork.training": "multiclass",
    "penalty_grad": "regularization", "dropout": "regularization", "EarlyStopping": "regularization",
    "Momentum.update": "optimizers", "RMSProp.update": "optimizers", "Adam.update": "optimizers",
    "numerical_diff": "gradients", "numerical_gradient": "gradients",
    "Training on breast cancer": "dual_layer", "Training on Fashion-MNIST": "multiclass",
    "build_keras_model": "keras_model",
    "MultiClassNetwork vs Keras": "multiclass", "Keras chapter on Fashion-MNIST": "keras_model",
}
