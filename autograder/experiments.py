"""The course's experiments on the student's own code: train a network of the course with the
course's settings, record its learning curves, draw them (``nnkit train EXPERIMENT``, and the last
cells of each nbgrader chapter).

An experiment is data (:data:`EXPERIMENTS`): the student's class (or Keras model builder) to use,
its arguments, the data set and the course's number of epochs. The class and its arguments are the
convergence check's (``checks/training.py``: one source of truth), the epochs the course's budget
(the checks train fewer to stay quick). :func:`run` trains it *in this process* (the student's
own machine, as with the pytest front end) and returns a :class:`History`: per epoch the training
and validation loss (the ``losses`` / ``val_losses`` the course's classes record) and accuracy
(measured after every epoch with the class's own ``score``), and the final validation accuracy.
:func:`plot` draws the curves as the course does: losses and val_losses per epoch, and accuracy.
"""
import os
import sys
import traceback
import types
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .checks.training import BREAST_CANCER_RUNS, FASHION_KWARGS

#: the seed of np.random (and of Keras) before a run, as in the course and the checks' runs
SEED = 42


@dataclass(frozen=True)
class Experiment:
    """One of the course's experiments.

    ``target`` is the dotted name of the class (or, for Keras, the model builder) in the student's
    modules; ``check`` the id of the grading check that runs the same network (its threshold is the
    accuracy the experiment must reach); ``dataset`` ``"breast_cancer"`` or ``"fashion_mnist"``.
    """
    name: str
    title: str
    target: str
    kwargs: dict
    dataset: str
    epochs: int
    check: str
    keras: bool = False

    @property
    def model(self):
        """How the network is built, e.g. ``SingleLayer(l2=0.01)``."""
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.kwargs.items())
        return f"{self.target.split('.')[-1]}({arguments})"

    @property
    def module(self):
        """The course module holding :attr:`target`."""
        return self.target.split(".")[0]


def _breast_cancer(name, title, epochs):
    _, target, kwargs, _, _ = next(run for run in BREAST_CANCER_RUNS if run[0] == name)
    return Experiment(name, title, target, dict(kwargs), "breast_cancer", epochs,
                      f"convergence.breast_cancer.{name}")


#: The course's experiments, in course order. Epochs are the course's budgets (lecture notes,
#: chapter "multi-layer networks"): 10000 batch epochs for the single layer, 20000 for the
#: two-layer network started from ones (every hidden unit stays identical, so it learns slowly),
#: 500 for the random start and for mini-batches of 32, 40 epochs on Fashion-MNIST.
EXPERIMENTS = {experiment.name: experiment for experiment in (
    _breast_cancer("single_layer", "A single layer on breast cancer", 10000),
    _breast_cancer("dual_layer", "Two layers on breast cancer (weights start at one)", 20000),
    _breast_cancer("random_init", "Two layers on breast cancer (random start)", 500),
    _breast_cancer("minibatch", "Mini-batches on breast cancer", 500),
    Experiment("multiclass", "The multi-class network on Fashion-MNIST", "multiclass.MultiClassNetwork",
               dict(FASHION_KWARGS), "fashion_mnist", 40, "convergence.fashion_mnist.multiclass"),
    Experiment("keras_model", "The Keras model on Fashion-MNIST", "keras_model.build_keras_model",
               {}, "fashion_mnist", 40, "keras_model.fashion_mnist", keras=True),
)}


@dataclass
class History:
    """What a run recorded: per epoch (plain float arrays of length ``epochs``, NaN where the
    student's fit loop recorded nothing) the training and validation loss and accuracy, and the
    final validation accuracy (``val_accuracy``)."""
    name: str
    title: str
    model: str
    epochs: int
    losses: np.ndarray = field(repr=False)
    val_losses: np.ndarray = field(repr=False)
    accuracies: np.ndarray = field(repr=False)
    val_accuracies: np.ndarray = field(repr=False)
    val_accuracy: float = float("nan")

    def as_dict(self):
        """The history as plain lists and numbers (JSON-ready)."""
        return {"name": self.name, "title": self.title, "model": self.model, "epochs": self.epochs,
                "losses": self.losses.tolist(), "val_losses": self.val_losses.tolist(),
                "accuracies": self.accuracies.tolist(), "val_accuracies": self.val_accuracies.tolist(),
                "val_accuracy": self.val_accuracy}


class StudentCodeError(RuntimeError):
    """The student's code raised (or is not written yet): :attr:`message` says where, in one line."""


class UnknownExperiment(KeyError):
    def __str__(self):
        return str(self.args[0])


def experiment(name):
    """The :class:`Experiment` called ``name`` (:class:`UnknownExperiment` naming the choices)."""
    try:
        return EXPERIMENTS[name]
    except KeyError:
        raise UnknownExperiment(f"no experiment {name!r}; the course's experiments: "
                                + ", ".join(EXPERIMENTS)) from None


# --------------------------------------------------------------------------- data

@dataclass(frozen=True)
class Data:
    """A data set as an experiment uses it: x (m, n) float arrays, y as the class's fit and score
    take them (breast cancer: labels (m,); Fashion-MNIST: one-hot (m, 10))."""
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def load_data(name):
    """The data set of experiment ``name``: the course's split (``autograder.data``)."""
    from . import data
    if experiment(name).dataset == "breast_cancer":
        split = data.load_breast_cancer_split()
    else:
        split = data.prepare_fashion_mnist()
    return Data(split.x_train, split.y_train, split.x_val, split.y_val)


# --------------------------------------------------------------------------- the student's code

def resolve(source, dotted):
    """The object called ``dotted`` (``"single_layer.SingleLayer"``) in the student's code.

    ``source`` is a submission path (a folder like exercises/, a folder holding exercises/, or one
    module file), or a module or package already imported (a notebook's ``nnkit_notebook``)."""
    module_name, _, attribute = dotted.partition(".")
    if isinstance(source, types.ModuleType):
        if source.__name__.rsplit(".", 1)[-1] == module_name or not hasattr(source, "__path__"):
            module = source
        else:
            import importlib
            module = importlib.import_module(f"{source.__name__}.{module_name}")
        obj = module
        for part in attribute.split("."):
            obj = getattr(obj, part)
        return obj
    from .loader import load_submission, submission_path
    return load_submission(submission_path(source)).attribute(dotted)


def _where(exc):
    """The innermost frame of the traceback outside this kit and outside the Python libraries
    (the student's code): (qualified name, file name, line) or None."""
    kit = Path(__file__).resolve().parent
    found = None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        path = Path(frame.f_code.co_filename)
        if kit in path.parents or "site-packages" in path.parts or "dist-packages" in path.parts:
            continue
        if not path.is_file():
            continue
        name = getattr(frame.f_code, "co_qualname", frame.f_code.co_name)
        found = (name, path.name, line)
    return found


def describe_failure(exc):
    """One line saying what the student's code did: not implemented yet, or raised what, where."""
    where = _where(exc)
    place = f" ({where[1]}, line {where[2]})" if where else ""
    if isinstance(exc, NotImplementedError):
        what = where[0] if where else "a function"
        detail = str(exc)
        said = not detail or "not implemented" in detail.lower() or (where and where[0] in detail)
        return f"{what} is not implemented yet{place}" + ("" if said else f" ({detail})") + ": write it, then train again"
    inside = f" in {where[0]}{place}" if where else ""
    text = " ".join(str(exc).split())
    return f"your code raised {type(exc).__name__}{inside}: {text[:300]}"


# --------------------------------------------------------------------------- running

def run(name, source, progress=None, epochs=None, data=None):
    """Train experiment ``name`` on the student's code (``source``: see :func:`resolve`) with the
    course's settings and return its :class:`History`.

    ``progress(epoch, epochs, record)`` is called after every epoch (epoch counted from 1; record
    a dict of the epoch's ``loss``, ``val_loss``, ``accuracy``, ``val_accuracy``); ``epochs``
    replaces the course's number; ``data`` a :class:`Data` already loaded (:func:`load_data`).
    Raises :class:`StudentCodeError` (one-line message, the student's exception chained) when
    the student's code raises."""
    spec = experiment(name)
    epochs = int(spec.epochs if epochs is None else epochs)
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    data = load_data(name) if data is None else data
    try:
        target = resolve(source, spec.target)
    except (ImportError, AttributeError, SyntaxError) as exc:
        raise StudentCodeError(f"cannot load {spec.target} from your code: {describe_failure(exc)}") from exc
    recorder = _Recorder(epochs, progress)
    try:
        if spec.keras:
            val_accuracy = _run_keras(target, data, epochs, recorder)
        else:
            val_accuracy = _run_numpy(target, spec.kwargs, data, epochs, recorder)
    except (ImportError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 — the student's code: any error, told in one line
        raise StudentCodeError(describe_failure(exc)) from exc
    return History(spec.name, spec.title, spec.model, epochs, *recorder.arrays(), val_accuracy=float(val_accuracy))


class _Recorder:
    """Per-epoch values as they come, handed to ``progress``."""

    KEYS = ("loss", "val_loss", "accuracy", "val_accuracy")

    def __init__(self, epochs, progress):
        self.epochs, self.progress = epochs, progress
        self.records = []

    def add(self, **record):
        record = {key: float(record.get(key, np.nan)) for key in self.KEYS}
        self.records.append(record)
        if self.progress is not None:
            self.progress(len(self.records), self.epochs, record)

    def arrays(self):
        """Four float arrays of length ``epochs`` (NaN for epochs nothing was recorded for)."""
        out = []
        for key in self.KEYS:
            values = np.full(self.epochs, np.nan)
            got = [record[key] for record in self.records[: self.epochs]]
            values[: len(got)] = got
            out.append(values)
        return out


def _copy(array):
    return np.array(array, copy=True)


def _run_numpy(cls, kwargs, data, epochs, recorder):
    """The course's fit loop of the student's class. Its fit records ``losses`` and
    ``val_losses`` and calls ``update_val_loss`` once per epoch: wrapped on this one object, that
    call also measures the epoch's accuracies with the class's own ``score``."""
    np.random.seed(SEED)
    net = cls(**kwargs)
    x_train, y_train, x_val, y_val = (_copy(a) for a in (data.x_train, data.y_train, data.x_val, data.y_val))
    original = net.update_val_loss

    def update_val_loss(x, y):
        original(x, y)
        recorder.add(loss=_last(net.losses), val_loss=_last(net.val_losses),
                     accuracy=net.score(x_train, y_train), val_accuracy=net.score(x_val, y_val))

    net.update_val_loss = update_val_loss
    net.fit(x_train, y_train, epochs=epochs, x_val=x_val, y_val=y_val)
    if not recorder.records:  # a fit loop that never calls update_val_loss: its recorded losses
        for loss, val_loss in zip(getattr(net, "losses", []), getattr(net, "val_losses", [])):
            recorder.add(loss=loss, val_loss=val_loss)
    return net.score(x_val, y_val)


def _last(values):
    return values[-1] if len(values) else np.nan


def _run_keras(build, data, epochs, recorder):
    """The course's Keras chapter (probes.keras_model.train_keras_chapter: seed, batch 32), with
    the validation data; Keras's history gives the per-epoch values."""
    import keras

    from .probes.keras_model import train_keras_chapter

    class Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            recorder.add(loss=logs.get("loss", np.nan), val_loss=logs.get("val_loss", np.nan),
                         accuracy=logs.get("accuracy", np.nan), val_accuracy=logs.get("val_accuracy", np.nan))

    model, history = train_keras_chapter(build, data.x_train, data.y_train, epochs, SEED, callbacks=[Progress()],
                                         validation_data=(data.x_val, data.y_val))
    probabilities = model.predict(np.asarray(data.x_val, dtype="float32"), verbose=0)
    return float(np.mean(np.argmax(probabilities, axis=1) == np.argmax(data.y_val, axis=1)))


# --------------------------------------------------------------------------- progress

class TextProgress:
    """``progress`` for :func:`run` writing to ``stream``: on a terminal (or a notebook, which
    shows carriage returns the same way: ``terminal=True``) one line rewritten as the epochs go
    (at most about 200 updates a run), elsewhere a plain line every tenth of the run."""

    WIDTH = 24

    def __init__(self, stream=None, terminal=None):
        self.stream = stream or sys.stdout
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.width = 0

    def __call__(self, epoch, epochs, record):
        step = max(1, epochs // (200 if self.terminal else 10))
        if epoch % step and epoch != epochs:
            return
        values = "  ".join(f"{key} {value:.4f}" for key, value in record.items() if np.isfinite(value))
        if self.terminal:
            filled = self.WIDTH * epoch // epochs
            bar = "#" * filled + "." * (self.WIDTH - filled)
            line = f"[{bar}] epoch {epoch}/{epochs}  {values}"
            self.stream.write("\r" + line.ljust(self.width))  # spaces over a longer previous line
            self.width = len(line)
            if epoch == epochs:
                self.stream.write("\n")
        else:
            self.stream.write(f"epoch {epoch}/{epochs}  {values}\n")
        self.stream.flush()


def grading():
    """True while nbgrader executes the notebook (``autograde``, ``validate``: it sets
    ``NBGRADER_EXECUTION``): the notebooks' experiment cells earn no points and are skipped then."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


# --------------------------------------------------------------------------- plotting

#: matplotlib backends that cannot show a window
NON_INTERACTIVE = {"agg", "cairo", "pdf", "pgf", "ps", "svg", "template"}


def has_display():
    """True where pyplot can show a figure: a notebook's inline backend, or a window system
    (pyplot falls back to Agg without one)."""
    import matplotlib
    import matplotlib.pyplot  # noqa: F401 — resolves the backend
    return matplotlib.get_backend().lower() not in NON_INTERACTIVE


def draw(history, figure):
    """Draw the learning curves of ``history`` on ``figure``: the training and validation loss
    per epoch (left) and the accuracy per epoch (right), the final validation accuracy in the
    title, as the course plots ``losses`` and ``val_losses``."""
    epochs = np.arange(1, history.epochs + 1)
    loss_axes, accuracy_axes = figure.subplots(1, 2)
    loss_axes.plot(epochs, history.losses, label="train_loss")
    loss_axes.plot(epochs, history.val_losses, label="val_loss")
    loss_axes.set_xlabel("epoch")
    loss_axes.set_ylabel("loss")
    loss_axes.legend()
    accuracy_axes.plot(epochs, history.accuracies, label="train_accuracy")
    accuracy_axes.plot(epochs, history.val_accuracies, label="val_accuracy")
    accuracy_axes.set_xlabel("epoch")
    accuracy_axes.set_ylabel("accuracy")
    accuracy_axes.legend()
    figure.suptitle(f"{history.title}: {history.model}, {history.epochs} epochs, "
                    f"validation accuracy {history.val_accuracy:.3f}")
    return figure


def plot(history, path=None):
    """Draw the learning curves (:func:`draw`). With ``path``, save them there (Agg, no window;
    the format from the suffix, e.g. ``.png``) and return the path; without, show them where
    there is a display (:func:`has_display`) and return the figure, or raise RuntimeError."""
    size = (11, 4)
    if path is not None:
        from matplotlib.figure import Figure
        figure = draw(history, Figure(figsize=size, layout="constrained"))
        figure.savefig(path, dpi=100)
        return Path(path)
    if not has_display():
        raise RuntimeError("no display to show the learning curves on: save them to a file instead")
    import matplotlib.pyplot as plt
    figure = draw(history, plt.figure(figsize=size, layout="constrained"))
    plt.show()
    return figure
