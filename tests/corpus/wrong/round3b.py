'''Round 3b: wrong implementations of the classes of mistake the round-2 course corpus marked as
known gaps: optimizer state kept by position, shape or call instead of by key; sign(0) ≠ 0 in the
L1 gradient; dropout returning z (or a view of it); numerical gradients taking x's dtype or
truncating an integer x. Same format as round2_course.py.'''

ENTRIES = [
    # ------------------------------------------------------------------ optimizers.py
    {
        "id": "optimizers.momentum.velocities_by_shape",
        "module": "optimizers",
        "find": ("            v = self.velocities.get(key, np.zeros_like(params[key], dtype=float))\n"
                 "            v = self.momentum * v - self.learning_rate * grad\n"
                 "            self.velocities[key] = v\n"),
        "replace": ("            v = self.velocities.get(np.shape(grad), np.zeros_like(params[key], dtype=float))\n"
                    "            v = self.momentum * v - self.learning_rate * grad\n"
                    "            self.velocities[np.shape(grad)] = v\n"),
        "target_check": "optimizers.Momentum.trajectory",
        "why": "keeps one velocity per shape (w and b never have the same shape… until they do): two "
               "parameters of the same shape share a velocity",
        "hint": "by key",
    },
    {
        "id": "optimizers.rmsprop.mean_squares_by_position",
        "module": "optimizers",
        "find": ("        for key, grad in grads.items():\n"
                 "            s = self.mean_squares.get(key, np.zeros_like(params[key], dtype=float))\n"
                 "            s = self.rho * s + (1 - self.rho) * grad ** 2\n"
                 "            self.mean_squares[key] = s\n"),
        "replace": ("        for i, (key, grad) in enumerate(grads.items()):\n"
                    "            s = self.mean_squares.get(i, np.zeros_like(params[key], dtype=float))\n"
                    "            s = self.rho * s + (1 - self.rho) * grad ** 2\n"
                    "            self.mean_squares[i] = s\n"),
        "target_check": "optimizers.RMSProp.trajectory",
        "why": "keeps the mean squares by position (s1, s2 of the slides): wrong as soon as the keys "
               "come in another order, or only some of them",
        "hint": "by key",
    },
    {
        "id": "optimizers.adam.moments_by_shape",
        "module": "optimizers",
        "find": ("            m = self.first_moments.get(key, np.zeros_like(params[key], dtype=float))\n"
                 "            v = self.second_moments.get(key, np.zeros_like(params[key], dtype=float))\n"
                 "            m = self.beta_1 * m + (1 - self.beta_1) * grad\n"
                 "            v = self.beta_2 * v + (1 - self.beta_2) * grad ** 2\n"
                 "            self.steps[key], self.first_moments[key], self.second_moments[key] = t, m, v\n"),
        "replace": ("            m = self.first_moments.get(grad.shape, np.zeros_like(params[key], dtype=float))\n"
                    "            v = self.second_moments.get(grad.shape, np.zeros_like(params[key], dtype=float))\n"
                    "            m = self.beta_1 * m + (1 - self.beta_1) * grad\n"
                    "            v = self.beta_2 * v + (1 - self.beta_2) * grad ** 2\n"
                    "            self.steps[key], self.first_moments[grad.shape], self.second_moments[grad.shape] = t, m, v\n"),
        "target_check": "optimizers.Adam.trajectory",
        "why": "keeps m and v by shape (t per key is right): parameters of the same shape share "
               "their moments",
        "hint": "per key",
    },
    # ------------------------------------------------------------------ regularization.py
    {
        "id": "regularization.penalty_grad.sign_by_comparison",
        "module": "regularization",
        "find": "    return (l1 * np.sign(w) + l2 * w) / m",
        "replace": "    return (l1 * np.where(w >= 0, 1.0, -1.0) + l2 * w) / m",
        "target_check": "regularization.penalty_grad.values",
        "why": "sign(w) as w >= 0 → 1 else −1: the L1 gradient is l1/m at w = 0 instead of 0",
        "hint": "sign(0) = 0",
    },
    {
        "id": "regularization.dropout.asarray_for_rate_zero",
        "module": "regularization",
        "find": "        return np.array(z, dtype=float, copy=True)\n",
        "replace": "        return np.asarray(z, dtype=float)\n",
        "target_check": "regularization.dropout.rng",
        "why": "np.asarray 'to be safe' for rate = 0: a float z comes back as z itself",
        "hint": "new array",
    },
    {
        "id": "regularization.dropout.view_for_rate_zero",
        "module": "regularization",
        "find": "        return np.array(z, dtype=float, copy=True)\n",
        "replace": "        return z.reshape(np.shape(z))\n",
        "target_check": "regularization.dropout.rng",
        "why": "returns a reshaped view of z for rate = 0: a new object, but writing into it writes into z",
        "hint": "view of z",
    },
    # ------------------------------------------------------------------ gradients.py
    {
        "id": "gradients.numerical_gradient.integer_x_truncated",
        "module": "gradients",
        "find": ("    if not np.issubdtype(np.asarray(x).dtype, np.floating):\n"
                 "        x = np.array(x, dtype=float)  # an integer array would truncate x ± h to x\n"),
        "replace": "",
        "target_check": "gradients.numerical_gradient.values",
        "why": "perturbs an integer x in place: x[idx] = x[idx] + h truncates back to x[idx], every "
               "difference is 0",
        "hint": "integer x",
    },
    {
        "id": "gradients.numerical_gradient.result_in_x_dtype",
        "module": "gradients",
        "find": "    return grad\n",
        "replace": "    return grad.astype(np.asarray(x).dtype)\n",
        "target_check": "gradients.numerical_gradient.values",
        "why": "casts the gradient back to x's dtype 'to match x': float32 in, float32 out",
        "hint": "float64",
    },
]
