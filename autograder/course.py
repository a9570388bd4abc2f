"""The course manifest: the one place that says what the course is.

Modules in course order (a module after the modules it imports), the exercises each module holds (an exercise is a solution region of
the reference, or a training run that puts several exercises together), the chapters that teach
them (one nbgrader assignment each), and which exercises every multi-exercise check needs.
Every other list in the kit (checks, probes, hidden checks, exercise stubs, nbgrader chapters,
README tables) is derived from this file or tested against it.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Module:
    """A course module (``reference/<name>.py``, ``exercises/<name>.py``) and its exercises."""

    name: str
    title: str
    exercises: tuple


@dataclass(frozen=True)
class Chapter:
    """A chapter of the course (an nbgrader assignment): the exercises it teaches."""

    name: str
    title: str
    exercises: tuple
    intro: str


#: Course modules in course order, each with its exercises in teaching order. An exercise
#: named ``Class.method`` (or ``function``) is that solution region; the exercises named in
#: words ("Training on ...", "... vs Keras") have no code of their own: they run others together.
#:
#: The course order is the order of the modules' imports: a module comes after every module it
#: imports (``dual_layer`` imports ``penalty_grad``, taught with it in chapter 2, from
#: ``regularization``), so that a module's own points never wait on a later module: every
#: exercise a check NEEDS lies in the check's own module or an earlier one, and a training
#: exercise that runs several modules belongs to the last of them
#: (``tests/test_course_manifest.py``). The chapters (:data:`CHAPTERS`) teach the exercises in
#: the order of the lectures.
COURSE_MODULES = (
    Module("single_layer", "A single layer", (
        "SingleLayer.forpass", "SingleLayer.backprop")),
    Module("regularization", "Regularisation", (
        "penalty_grad", "dropout", "EarlyStopping")),
    Module("dual_layer", "Two layers and initialisation", (
        "DualLayer.forpass", "DualLayer.backprop", "DualLayer.init_weights",
        "RandomInitNetwork.init_weights", "XavierInitNetwork.init_weights")),
    Module("minibatch", "Mini-batches", (
        "MinibatchNetwork.gen_batch", "Training on breast cancer")),
    Module("multiclass", "Multi-class classification", (
        "MultiClassNetwork.softmax", "MultiClassNetwork.init_weights", "MultiClassNetwork.forpass",
        "MultiClassNetwork.backprop", "MultiClassNetwork.training", "Training on Fashion-MNIST",
        "MultiClassNetwork vs Keras")),
    Module("optimizers", "Optimisers", (
        "Momentum.update", "RMSProp.update", "Adam.update")),
    Module("gradients", "Numerical gradients", (
        "numerical_diff", "numerical_gradient")),
    Module("keras_model", "The network in Keras", (
        "build_keras_model", "Keras chapter on Fashion-MNIST")),
)

#: which exercises must pass before a check that runs several of them together is graded
#: (check id -> exercises). Checks not listed need only their own exercise.
NEEDS = {
    "convergence.breast_cancer.single_layer": ("SingleLayer.forpass", "SingleLayer.backprop"),
    "convergence.breast_cancer.dual_layer": (
        "DualLayer.forpass", "DualLayer.backprop", "DualLayer.init_weights", "penalty_grad"),
    "convergence.breast_cancer.random_init": (
        "DualLayer.forpass", "DualLayer.backprop", "RandomInitNetwork.init_weights", "penalty_grad"),
    "convergence.breast_cancer.minibatch": (
        "DualLayer.forpass", "DualLayer.backprop", "RandomInitNetwork.init_weights", "penalty_grad",
        "MinibatchNetwork.gen_batch"),
    "multiclass.cross_entropy_gradient.step": (
        "MultiClassNetwork.softmax", "MultiClassNetwork.forpass", "MultiClassNetwork.backprop", "penalty_grad"),
    "convergence.fashion_mnist.multiclass": (
        "MultiClassNetwork.softmax", "MultiClassNetwork.init_weights", "MultiClassNetwork.forpass",
        "MultiClassNetwork.backprop", "MultiClassNetwork.training", "MinibatchNetwork.gen_batch", "penalty_grad"),
    **{f"multiclass.keras.{name}": (
        "MultiClassNetwork.softmax", "MultiClassNetwork.forpass", "MultiClassNetwork.backprop",
        "MultiClassNetwork.training", "penalty_grad") for name in ("forward", "sgd_step", "epoch")},
    "keras_model.fashion_mnist": ("build_keras_model",),
}

CHAPTERS = (
    Chapter("ch1_single_layer", "A single layer and vectorisation",
            ("SingleLayer.forpass", "SingleLayer.backprop"),
            "A single sigmoid neuron (logistic regression) trained by batch gradient descent on the "
            "breast cancer data. Written with matrix products, one step handles all m samples at "
            "once: the forward pass is z = x·w + b for the whole batch, and the gradients of the "
            "mean loss are averages over the samples."),
    Chapter("ch2_two_layers", "Two layers and initialisation",
            ("DualLayer.forpass", "DualLayer.backprop", "DualLayer.init_weights",
             "RandomInitNetwork.init_weights", "XavierInitNetwork.init_weights", "penalty_grad"),
            "A hidden layer of sigmoid units between the input and the output neuron: the forward "
            "pass keeps the hidden activations, backpropagation carries the error back through "
            "them. The training loop adds the gradient of an L1/L2 penalty (`penalty_grad`), and "
            "three ways to start the weights are compared: all ones, N(0, 1), and Xavier (Glorot)."),
    Chapter("ch3_minibatches", "Mini-batches",
            ("MinibatchNetwork.gen_batch",),
            "Instead of one step per pass over the data, many steps on small shuffled batches. The "
            "generator `gen_batch` yields the batches of one epoch; the network is the two-layer "
            "network of assignment 2, given with its solution."),
    Chapter("ch4_multiclass", "Multi-class classification: softmax and cross-entropy",
            ("MultiClassNetwork.softmax", "MultiClassNetwork.init_weights", "MultiClassNetwork.forpass",
             "MultiClassNetwork.backprop", "MultiClassNetwork.training"),
            "k output units turned into class probabilities by the softmax, trained with the "
            "cross-entropy loss on Fashion-MNIST (10 classes of clothing). The error at the output "
            "is again a − y; `gen_batch` (assignment 3) and `penalty_grad` (assignment 2) are "
            "given with their solutions."),
    Chapter("ch5_optimizers_regularization", "Optimisers and regularisation",
            ("Momentum.update", "RMSProp.update", "Adam.update", "dropout", "EarlyStopping",
             "numerical_diff", "numerical_gradient"),
            "Better steps than plain gradient descent (Momentum, RMSProp, Adam, with Keras 3's "
            "formulas), two more ways to fight overfitting (inverted dropout, early stopping), and "
            "numerical gradients by central differences, the tool that checks any backpropagation."),
    Chapter("ch6_keras", "The same network in Keras",
            ("build_keras_model",),
            "The multi-class network of assignment 4 in a few lines of Keras: a Sequential model "
            "with a sigmoid hidden layer and a softmax output, compiled with SGD and the "
            "categorical cross-entropy."),
)

#: Course module names in course order.
MODULES = tuple(module.name for module in COURSE_MODULES)
#: {exercise: module}, exercises in course order.
EXERCISE_MODULES = {exercise: module.name for module in COURSE_MODULES for exercise in module.exercises}
#: every exercise of the course, in course order
EXERCISES = tuple(EXERCISE_MODULES)


def module_of(exercise):
    """The course module that holds an exercise (``"DualLayer.backprop"`` -> ``"dual_layer"``)."""
    return EXERCISE_MODULES[exercise]


def exercises_of(module):
    """The exercises of one course module, in course order."""
    return next(m.exercises for m in COURSE_MODULES if m.name == module)


def needs(check_id):
    """The exercises a check needs to pass before it is graded (its ``depends_on``)."""
    return NEEDS.get(check_id, ())


def has_code(exercise):
    """True for an exercise that is a solution region (``Class.method`` or a function name)."""
    return " " not in exercise


def exercise_of_function(function):
    """The exercise a reference function's solution region belongs to: the function itself
    (``DualLayer.backprop``, ``penalty_grad``) or its class (``EarlyStopping.update`` ->
    ``EarlyStopping``)."""
    for name in (function, function.split(".")[0]):
        if name in EXERCISE_MODULES:
            return name
    raise ValueError(f"the solution region of {function} belongs to no exercise of the course")
