"""Expected values from the mathematics, computed in the trusted grader only (never shipped to
the process that runs student code). Independent of reference/ on purpose.

The instructor's side only: the student repository (``python -m autograder student-repo``) has
no copy of this file. Checks ask for these values through ``expectation.expected(NAME, **args)``,
which calls the function NAME here, or in the student copy reads the value recorded from it. The
functions called that way take and return plain arrays (tuples or dicts of them)."""
import numpy as np


def sigmoid(z):
    """1 / (1 + exp(−z)) without overflow."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def softmax(z):
    """Row-wise softmax of z (m, k)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def single_layer_gradients(x, err):
    """Backpropagation of z = x·w + b for the error err = dL/dz (m, 1) of the mean loss:
    {"w": xᵀ·err / m (n, 1), "b": Σ err / m (a number)}."""
    m = len(x)
    return {"w": x.T @ err / m, "b": np.sum(err) / m}


def two_layer_gradients(x, err, a1, w2, scalar_b2=False):
    """Backpropagation of the two-layer network for err = dL/dz2 (m, k) of the mean loss, with
    the hidden activations a1 = sigmoid(x·w1 + b1) (m, units): the error reaching the hidden layer
    is e1 = err·w2ᵀ ⊙ a1 ⊙ (1 − a1); {"w2": a1ᵀ·err / m (units, k), "b2": Σ_rows err / m (k,)
    (one number when ``scalar_b2``), "w1": xᵀ·e1 / m (n, units), "b1": Σ_rows e1 / m (units,)}."""
    m = len(x)
    hidden = (err @ w2.T) * a1 * (1 - a1)
    return {"w2": a1.T @ err / m, "b2": err.sum() / m if scalar_b2 else err.sum(axis=0) / m,
            "w1": x.T @ hidden / m, "b1": hidden.sum(axis=0) / m}


def softmax_network_sgd(x, y, weights, batches, learning_rate):
    """The multi-class network (sigmoid hidden layer, softmax output, mean cross-entropy) trained
    by plain SGD over ``batches`` (lists of row indexes) from ``weights`` {w1, b1, w2, b2}: each
    batch's probabilities a before its step, and the weights after each step; err = a − y.
    Returns (list of a per batch, list of weights after each batch)."""
    probabilities, history = [], []
    for rows in batches:
        z2, a1 = two_layer_forward(x[rows], weights["w1"], weights["b1"], weights["w2"], weights["b2"])
        a = softmax(z2)
        grads = two_layer_gradients(x[rows], a - y[rows], a1, weights["w2"])
        weights = {name: weights[name] - learning_rate * grads[name] for name in weights}
        probabilities.append(a)
        history.append(weights)
    return probabilities, history


def two_layer_forward(x, w1, b1, w2, b2):
    """(z2, a1) of x·w1 + b1 → sigmoid → ·w2 + b2."""
    a1 = sigmoid(x @ w1 + b1)
    return a1 @ w2 + b2, a1


def single_layer_forward(x, w, b):
    """z = x·w + b."""
    return x @ w + b


def softmax_two_layer(x, w1, b1, w2, b2):
    """Class probabilities of the two-layer softmax network."""
    return softmax(two_layer_forward(x, w1, b1, w2, b2)[0])


def numerical_gradient(f, x, h=1e-6):
    """Central differences of scalar f at float64 array x (x is restored)."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + h
        up = f(x)
        flat[i] = keep - h
        down = f(x)
        flat[i] = keep
        g[i] = (up - down) / (2 * h)
    return grad


def linear_functional_gradients(x, err, params, forward):
    """Numerical gradients of L(θ) = Σ err ⊙ z(θ) / m, which is exactly what backprop(x, err)
    returns when err = dL/dz per sample. ``forward(x, **params)`` returns z."""
    m = len(x)
    grads = {}
    for name in params:
        def loss(value, name=name):
            trial = dict(params, **{name: value})
            return float(np.sum(err * forward(x, **trial)) / m)
        grads[name] = numerical_gradient(loss, np.asarray(params[name], dtype=float))
    return grads


def single_layer_numerical_gradients(x, err, w, b):
    """{w, b}: numerical gradients of Σ err ⊙ (x·w + b) / m."""
    return linear_functional_gradients(x, err, {"w": w, "b": b}, single_layer_forward)


def two_layer_numerical_gradients(x, err, w1, b1, w2, b2):
    """{w1, b1, w2, b2}: numerical gradients of Σ err ⊙ z2(θ) / m."""
    def forward(x, w1, b1, w2, b2):
        return two_layer_forward(x, w1, b1, w2, b2)[0]
    return linear_functional_gradients(x, err, {"w1": w1, "b1": b1, "w2": w2, "b2": b2}, forward)


def cross_entropy_numerical_gradients(x, y, w1, b1, w2, b2):
    """{w1, b1, w2, b2}: numerical gradients of the mean cross-entropy of the softmax network."""
    params = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    grads = {}
    for name in params:
        def loss(value, name=name):
            return mean_cross_entropy(x, y, **dict(params, **{name: value}))
        grads[name] = numerical_gradient(loss, np.asarray(params[name], dtype=float))
    return grads


def glorot_uniform_limit(fan_in, fan_out):
    """Keras's glorot_uniform draws from U(−limit, limit), limit = sqrt(6 / (fan_in + fan_out))."""
    return np.sqrt(6 / (int(fan_in) + int(fan_out)))


def penalty_grad(w, l1, l2, m):
    """Gradient of (l1·Σ|w| + l2/2·Σw²) / m."""
    return (float(l1) * np.sign(w) + float(l2) * w) / int(m)


def central_difference(coeffs, x, h):
    """{central, forward, exact}: the central and the one-sided difference of the polynomial with
    coefficients ``coeffs`` at x with step h, and its exact derivative."""
    x, h = float(x), float(h)
    return {"central": (np.polyval(coeffs, x + h) - np.polyval(coeffs, x - h)) / (2 * h),
            "forward": (np.polyval(coeffs, x + h) - np.polyval(coeffs, x)) / h,
            "exact": np.polyval(np.polyder(coeffs), x)}


def mean_cross_entropy(x, y, w1, b1, w2, b2):
    """Mean categorical cross-entropy of the two-layer softmax network."""
    z2, _ = two_layer_forward(x, w1, b1, w2, b2)
    z2 = z2 - z2.max(axis=1, keepdims=True)
    log_a = z2 - np.log(np.exp(z2).sum(axis=1, keepdims=True))
    return float(-np.sum(y * log_a) / len(x))


def mean_binary_cross_entropy(z, y):
    """Mean binary cross-entropy −(y·log a + (1 − y)·log(1 − a)) of the outputs z (m, 1), a = σ(z)
    clipped to [1e-10, 1 − 1e-10] as the course's loss is; y (m,) or (m, 1) of 0/1."""
    a = np.clip(sigmoid(np.asarray(z, dtype=float).reshape(-1)), 1e-10, 1 - 1e-10)
    y = np.asarray(y, dtype=float).reshape(-1)
    return float(-np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)))


def momentum_steps(w, grads, learning_rate, momentum):
    v = np.zeros_like(w)
    out = [w.copy()]
    for g in grads:
        v = momentum * v - learning_rate * g
        w = w + v
        out.append(w.copy())
    return np.stack(out)


def rmsprop_steps(w, grads, learning_rate, rho, epsilon):
    s = np.zeros_like(w)
    out = [w.copy()]
    for g in grads:
        s = rho * s + (1 - rho) * g * g
        w = w - learning_rate * g / np.sqrt(s + epsilon)
        out.append(w.copy())
    return np.stack(out)


def adam_steps(w, grads, learning_rate, beta_1, beta_2, epsilon):
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    out = [w.copy()]
    for t, g in enumerate(grads, start=1):
        m = m + (g - m) * (1 - beta_1)
        v = v + (g * g - v) * (1 - beta_2)
        alpha = learning_rate * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        w = w - alpha * m / (np.sqrt(v) + epsilon)
        out.append(w.copy())
    return np.stack(out)


def early_stopping_flags(losses, patience, ties_improve=False):
    """(stop flags, best epoch after each update) for 'stop after `patience` epochs without a
    strict improvement' (with ``ties_improve``, the classic mistake: an equal loss counts too)."""
    patience = int(patience)
    best, best_epoch, wait = np.inf, -1, 0
    flags, bests = [], []
    for epoch, loss in enumerate(losses):
        if loss < best or (ties_improve and loss == best):
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
        flags.append(wait >= patience)
        bests.append(best_epoch)
    return np.array(flags), np.array(bests)


def coupled_function(x, A):
    """f(x) = Σ A·sin(x)·x² + (Σx)²: the function numerical_gradient is checked on (every entry
    couples to the others through (Σx)²)."""
    return float(np.sum(A * np.sin(x) * x ** 2) + np.sum(x) ** 2)


def coupled_function_gradients(x, A, h):
    """{analytic, central, forward}: the gradient of :func:`coupled_function` at x,
    A(2x·sin x + x²·cos x) + 2Σx, and its central and one-sided differences with step h, one
    entry perturbed at a time."""
    x, A, h = np.array(x, dtype=float), np.asarray(A, dtype=float), float(h)
    f = lambda value: coupled_function(value, A)  # noqa: E731
    central = numerical_gradient(f, x, h)
    forward = np.zeros_like(x)
    flat, g, base = x.reshape(-1), forward.reshape(-1), f(x)
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + h
        g[i] = (f(x) - base) / h
        flat[i] = keep
    return {"analytic": A * (2 * x * np.sin(x) + x ** 2 * np.cos(x)) + 2 * np.sum(x),
            "central": central, "forward": forward}


# --------------------------------------------------------------------------- candidate mistakes
# Not what the checks compare with: the trajectories of the optimizers' usual wrong formulas, so
# that a rejected submission is told which mistake its numbers match (checks/optimizers.py,
# checks/keras_agreement.py). Each returns {mistake: trajectory} for the same inputs as
# rmsprop_steps / adam_steps / momentum_steps.

def _optimizer_run(w, grads, state, step):
    """Apply ``step(w, g, state, t) -> w`` for t = 1, 2, …; the trajectory, w first."""
    out = [w.copy()]
    for t, g in enumerate(grads, start=1):
        w = step(w, g, state, t)
        out.append(w.copy())
    return np.stack(out)


def _running(state, key, value, decay, average=True):
    """state[key] ← decay·state[key] + (1 − decay)·value (or + value when not ``average``)."""
    state[key] = decay * state.get(key, 0.0) + ((1 - decay) * value if average else value)
    return state[key]


def rmsprop_mistakes(w, grads, learning_rate, rho, epsilon):
    """RMSprop written the usual wrong ways: ε outside the root, (1 − ρ) missing, ρ and 1 − ρ
    swapped, g averaged instead of g², no square root, the running average never kept."""
    lr, rho, eps = float(learning_rate), float(rho), float(epsilon)
    variants = {
        "epsilon_outside_root": lambda w, g, s, t: w - lr * g / (np.sqrt(_running(s, "s", g * g, rho)) + eps),
        "no_one_minus_rho": lambda w, g, s, t: w - lr * g / np.sqrt(_running(s, "s", g * g, rho, False) + eps),
        "rho_swapped": lambda w, g, s, t: w - lr * g / np.sqrt(_running(s, "s", g * g, 1 - rho) + eps),
        "gradient_not_squared": lambda w, g, s, t: w - lr * g / np.sqrt(_running(s, "s", g, rho) + eps),
        "no_square_root": lambda w, g, s, t: w - lr * g / (_running(s, "s", g * g, rho) + eps),
        "state_not_kept": lambda w, g, s, t: w - lr * g / np.sqrt((1 - rho) * g * g + eps),
    }
    with np.errstate(invalid="ignore"):  # g averaged: square roots of negative numbers, as the mistake gives
        return {name: _optimizer_run(np.asarray(w, dtype=float), grads, {}, step) for name, step in variants.items()}


def adam_mistakes(w, grads, learning_rate, beta_1, beta_2, epsilon):
    """Adam written the usual wrong ways: the textbook form with ε added to the corrected sqrt(v̂)
    (Kingma & Ba's Algorithm 1), no bias correction, the step count never advanced, ε inside the
    square root."""
    lr, b1, b2, eps = float(learning_rate), float(beta_1), float(beta_2), float(epsilon)

    def textbook(w, g, s, t):
        m_hat = _running(s, "m", g, b1) / (1 - b1 ** t)
        v_hat = _running(s, "v", g * g, b2) / (1 - b2 ** t)
        return w - lr * m_hat / (np.sqrt(v_hat) + eps)

    def corrected(w, g, s, t, t_used=None, inside=False):
        m, v = _running(s, "m", g, b1), _running(s, "v", g * g, b2)
        t = t if t_used is None else t_used
        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        return w - alpha * m / (np.sqrt(v + eps) if inside else np.sqrt(v) + eps)

    variants = {
        "textbook_epsilon": textbook,
        "no_bias_correction": lambda w, g, s, t: w - lr * _running(s, "m", g, b1) / (
            np.sqrt(_running(s, "v", g * g, b2)) + eps),
        "t_never_incremented": lambda w, g, s, t: corrected(w, g, s, t, t_used=1),
        "epsilon_inside_root": lambda w, g, s, t: corrected(w, g, s, t, inside=True),
    }
    return {name: _optimizer_run(np.asarray(w, dtype=float), grads, {}, step) for name, step in variants.items()}


def momentum_mistakes(w, grads, learning_rate, momentum):
    """Momentum written the usual wrong ways: the course slides' v = −lr·g + μ·v with
    w −= lr·g − μ·v (gradient counted twice), Nesterov's look-ahead, the velocity never kept."""
    lr, mu = float(learning_rate), float(momentum)

    def velocity(s, g):
        s["v"] = mu * s.get("v", 0.0) - lr * g
        return s["v"]

    variants = {
        "gradient_twice": lambda w, g, s, t: w - (lr * g - mu * velocity(s, g)),
        "nesterov": lambda w, g, s, t: w + mu * velocity(s, g) - lr * g,
        "velocity_not_kept": lambda w, g, s, t: w - lr * g,
    }
    return {name: _optimizer_run(np.asarray(w, dtype=float), grads, {}, step) for name, step in variants.items()}


def softmax_without_keepdims(z):
    """What a row-wise softmax gives for a square z (m = k) when its row maximum or row sum drops
    keepdims: the (m,) vector broadcasts along the last axis, so entry [i, j] is shifted or divided
    by row j's value. Stacked: [max without keepdims, sum without keepdims, both]."""
    def variant(max_keepdims, sum_keepdims):
        e = np.exp(z - z.max(axis=1, keepdims=max_keepdims))
        return e / e.sum(axis=1, keepdims=sum_keepdims)
    return np.stack([variant(False, True), variant(True, False), variant(False, False)])


def early_stopping_flags_previous(losses, patience):
    """The stop flags of the classic mistake 'wait counts epochs without improvement on the
    previous epoch' (instead of on the best loss so far)."""
    wait, previous, flags = 0, np.inf, []
    for loss in losses:
        wait = 0 if loss < previous else wait + 1
        previous = loss
        flags.append(wait >= int(patience))
    return np.array(flags)
