"""The course's network rebuilt in Keras (needs the ``[keras]`` extra: TensorFlow / Keras 3)."""


def build_keras_model(n_features=784, units=100, n_classes=10):
    """Sequential(Dense(units, sigmoid), Dense(n_classes, softmax)) compiled with SGD,
    categorical cross-entropy and accuracy. Input: (m, n_features); output: (m, n_classes)."""
    ### BEGIN SOLUTION
    from keras import Input, Sequential
    from keras.layers import Dense

    model = Sequential([
        Input(shape=(n_features,)),
        Dense(units, activation="sigmoid"),
        Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION
