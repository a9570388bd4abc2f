'''Wrong implementations of issue 12 (part 2): the Keras model's whole configuration, the
optimizers' mistakes named by the hints, state shared between optimizers, softmax values on
moderate logits. Format: tests/corpus/wrong/entries.py.'''

ADAM_STEP = ("alpha = self.learning_rate * np.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)\n"
             "            params[key][...] = params[key] - alpha * m / (np.sqrt(v) + self.epsilon)")

ENTRIES = [
    # ------------------------------------------------------------------ keras_model.py
    {
        "id": "keras_model.no_accuracy_metric",
        "hint": "metrics=['accuracy']",
        "module": "keras_model",
        "find": 'loss="categorical_crossentropy", metrics=["accuracy"])',
        "replace": 'loss="categorical_crossentropy")',
        "target_check": "keras_model.architecture",
        "why": "compiles without metrics=['accuracy']: the chapter's training reports no accuracy",
    },
    {
        "id": "keras_model.dropout_after_hidden",
        "module": "keras_model",
        "find": ('from keras.layers import Dense\n\n    model = Sequential([\n        Input(shape=(n_features,)),\n'
                 '        Dense(units, activation="sigmoid"),\n'),
        "replace": ('from keras.layers import Dense, Dropout\n\n    model = Sequential([\n'
                    '        Input(shape=(n_features,)),\n        Dense(units, activation="sigmoid"),\n'
                    '        Dropout(0.2),\n'),
        "target_check": "keras_model.architecture",
        "why": "adds Dropout(0.2) after the hidden layer (from the regularisation chapter): not the course's "
               "model, though its output at prediction time is the same",
    },
    {
        "id": "keras_model.sgd_with_momentum",
        "hint": "momentum",
        "module": "keras_model",
        "find": 'model.compile(optimizer="sgd",',
        "replace": 'from keras.optimizers import SGD\n    model.compile(optimizer=SGD(momentum=0.9),',
        "target_check": "keras_model.architecture",
        "why": "SGD(momentum=0.9) from the optimizers chapter: an SGD object, but not the plain SGD asked for",
    },
    {
        "id": "keras_model.sgd_learning_rate_0_1",
        "module": "keras_model",
        "find": 'model.compile(optimizer="sgd",',
        "replace": 'from keras.optimizers import SGD\n    model.compile(optimizer=SGD(learning_rate=0.1),',
        "target_check": "keras_model.architecture",
        "why": "SGD(learning_rate=0.1), the NumPy chapters' rate, where the Keras chapter uses SGD's 0.01",
    },
    {
        "id": "keras_model.two_hidden_layers",
        "module": "keras_model",
        "find": '        Dense(units, activation="sigmoid"),\n',
        "replace": '        Dense(units, activation="sigmoid"),\n        Dense(units, activation="sigmoid"),\n',
        "target_check": "keras_model.architecture",
        "why": "two hidden layers where the course's network has one",
    },

    # ------------------------------------------------------------------ optimizers.py
    {
        "id": "optimizers.adam.textbook_epsilon_after_correction",
        "hint": "uncorrected v",
        "module": "optimizers",
        "find": ADAM_STEP,
        "replace": ("m_hat = m / (1 - self.beta_1 ** t)\n            v_hat = v / (1 - self.beta_2 ** t)\n"
                    "            params[key][...] = params[key] - self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)"),
        "target_check": "optimizers.Adam.trajectory",
        "why": "the paper's Algorithm 1, m̂ / (sqrt(v̂) + ε): ε added after the bias correction, where Keras "
               "adds it to the uncorrected sqrt(v)",
    },
    {
        "id": "optimizers.rmsprop.no_one_minus_rho",
        "hint": "(1 − ρ)",
        "module": "optimizers",
        "find": "s = self.rho * s + (1 - self.rho) * grad ** 2",
        "replace": "s = self.rho * s + grad ** 2",
        "target_check": "optimizers.RMSProp.trajectory",
        "why": "forgets the (1 − ρ) of the running average: s grows to 1/(1 − ρ) times g²",
    },
    {
        "id": "optimizers.rmsprop.no_square_root",
        "hint": "square root",
        "module": "optimizers",
        "find": "grad / np.sqrt(s + self.epsilon)",
        "replace": "grad / (s + self.epsilon)",
        "target_check": "optimizers.RMSProp.trajectory",
        "why": "divides by the mean square itself, not its square root",
    },
    {
        "id": "optimizers.momentum.velocities_class_attribute",
        "hint": "on the instance",
        "module": "optimizers",
        "find": ("    def __init__(self, learning_rate=0.01, momentum=0.9):\n        self.learning_rate = learning_rate\n"
                 "        self.momentum = momentum\n        self.velocities = {}\n"),
        "replace": ("    velocities = {}\n\n    def __init__(self, learning_rate=0.01, momentum=0.9):\n"
                    "        self.learning_rate = learning_rate\n        self.momentum = momentum\n"),
        "target_check": "optimizers.Momentum.trajectory",
        "why": "the velocities dict as a class attribute: every Momentum optimizer shares one (a second "
               "network's optimizer starts from the first one's velocities)",
    },
    {
        "id": "optimizers.adam.moments_class_attributes",
        "hint": "on the instance",
        "module": "optimizers",
        "find": ("    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):\n"
                 "        self.learning_rate = learning_rate\n        self.beta_1 = beta_1\n"
                 "        self.beta_2 = beta_2\n        self.epsilon = epsilon\n        self.first_moments = {}\n"
                 "        self.second_moments = {}\n        self.steps = {}\n"),
        "replace": ("    first_moments, second_moments, steps = {}, {}, {}\n\n"
                    "    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):\n"
                    "        self.learning_rate = learning_rate\n        self.beta_1 = beta_1\n"
                    "        self.beta_2 = beta_2\n        self.epsilon = epsilon\n"),
        "target_check": "optimizers.Adam.trajectory",
        "why": "m, v and t in dicts declared on the class, not in __init__: every Adam optimizer shares them",
    },

    # ------------------------------------------------------------------ multiclass.py
]
