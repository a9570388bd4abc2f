'''Round 3b: valid implementations around the cases round 3b added (keys in changing order, exact
zeros in w, dropout's new array, float32 and integer x). Same format as round2_course.py.'''

ENTRIES = [
    {"id": "optimizers.momentum.setdefault", "module": "optimizers", "exercise": "Momentum.update",
     "find": ("            v = self.velocities.get(key, np.zeros_like(params[key], dtype=float))\n"
              "            v = self.momentum * v - self.learning_rate * grad\n"
              "            self.velocities[key] = v\n"),
     "replace": ("            self.velocities.setdefault(key, np.zeros(np.shape(params[key])))\n"
                 "            self.velocities[key] = self.momentum * self.velocities[key] - self.learning_rate * grad\n"
                 "            v = self.velocities[key]\n"),
     "why": "the velocity created with setdefault and updated in the dict"},
    {"id": "optimizers.adam.loops_over_params", "module": "optimizers", "exercise": "Adam.update",
     "find": ("        for key, grad in grads.items():\n"
              "            t = self.steps.get(key, 0) + 1\n"),
     "replace": ("        for key in params:\n"
                 "            grad = grads[key]\n"
                 "            self.steps[key] = t = self.steps.get(key, 0) + 1\n"),
     "why": "loops over params' keys (the same as grads'), counting t per key as it goes"},
    {"id": "regularization.penalty_grad.abs_derivative_where", "module": "regularization",
     "exercise": "penalty_grad",
     "find": "    return (l1 * np.sign(w) + l2 * w) / m",
     "replace": ("    d_abs = np.zeros_like(w, dtype=float)\n    d_abs[w > 0] = 1\n    d_abs[w < 0] = -1\n"
                 "    return l1 / m * d_abs + l2 / m * w"),
     "why": "the derivative of |w| built by masks (0 at w = 0), each term divided by m"},
    {"id": "regularization.dropout.rate_zero_times_one", "module": "regularization", "exercise": "dropout",
     "find": "        return np.array(z, dtype=float, copy=True)\n", "replace": "        return z * 1.0\n",
     "why": "z * 1.0 for rate = 0: a new array"},
    {"id": "gradients.numerical_gradient.astype_when_not_float", "module": "gradients",
     "exercise": "numerical_gradient",
     "find": ("    if not np.issubdtype(np.asarray(x).dtype, np.floating):\n"
              "        x = np.array(x, dtype=float)  # an integer array would truncate x ± h to x\n"
              "    grad = np.zeros(np.shape(x), dtype=float)\n"),
     "replace": ("    grad = np.zeros_like(x, dtype=np.float64)\n"
                 "    if x.dtype.kind in 'iub':\n"
                 "        x = x.astype(np.float64)\n"),
     "why": "np.zeros_like with dtype=float64, an integer x converted with astype after it"},
]
