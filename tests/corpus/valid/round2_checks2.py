'''Valid implementations of issue 12 (part 2). Format: tests/corpus/valid/entries.py.'''

ENTRIES = [
    {"id": "keras_model.dense_then_activation_layer", "module": "keras_model", "exercise": "build_keras_model",
     "find": ('from keras.layers import Dense\n\n    model = Sequential([\n        Input(shape=(n_features,)),\n'
              '        Dense(units, activation="sigmoid"),\n        Dense(n_classes, activation="softmax"),\n'),
     "replace": ('from keras.layers import Activation, Dense\n\n    model = Sequential([\n'
                 '        Input(shape=(n_features,)),\n        Dense(units),\n        Activation("sigmoid"),\n'
                 '        Dense(n_classes),\n        Activation("softmax"),\n'),
     "why": "Dense layers without activation, each followed by an Activation layer: the same model"},
    {"id": "keras_model.sgd_object_and_loss_object", "module": "keras_model", "exercise": "build_keras_model",
     "find": 'model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])',
     "replace": ('import keras\n    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),\n'
                 '                  loss=keras.losses.CategoricalCrossentropy(),\n'
                 '                  metrics=[keras.metrics.CategoricalAccuracy()])'),
     "why": "SGD, the loss and the accuracy metric given as objects with the course's settings"},
]
