'''Valid implementations an unseen corpus found rejected (issue 12, part 1): each must get full
marks on its exercise. Format: tests/corpus/valid/entries.py.'''

ENTRIES = [
    {"id": "minibatch.gen_batch.iterator_class", "module": "minibatch", "exercise": "MinibatchNetwork.gen_batch",
     "find": ("        for i in range(bins):\n            start = self.batch_size * i\n"
              "            end = self.batch_size * (i + 1)\n            yield x[start:end], y[start:end]\n"),
     "replace": ("        size = self.batch_size\n\n"
                 "        class Batches:\n"
                 "            \"\"\"A lazy iterator over the batches (the iterator protocol written out).\"\"\"\n\n"
                 "            def __init__(self):\n"
                 "                self.i = 0\n\n"
                 "            def __iter__(self):\n"
                 "                return self\n\n"
                 "            def __next__(self):\n"
                 "                if self.i >= bins:\n"
                 "                    raise StopIteration\n"
                 "                start, self.i = self.i * size, self.i + 1\n"
                 "                return x[start:start + size], y[start:start + size]\n\n"
                 "        return Batches()\n"),
     "why": "an iterator class (__iter__/__next__) instead of a generator function: just as lazy"},
    {"id": "gradients.numerical_gradient.restore_by_arithmetic", "module": "gradients",
     "exercise": "numerical_gradient",
     "find": ("        x[idx] = original + h\n        f_plus = f(x)\n        x[idx] = original - h\n"
              "        f_minus = f(x)\n        x[idx] = original\n"),
     "replace": ("        x[idx] += h\n        f_plus = f(x)\n        x[idx] -= 2 * h\n"
                 "        f_minus = f(x)\n        x[idx] += h\n"),
     "why": "restores x by +h, −2h, +h: an ulp of rounding residue is not a changed x"},
    {"id": "multiclass.backprop.float32", "module": "multiclass", "exercise": "MultiClassNetwork.backprop",
     "find": "        m = len(x)\n        w2_grad = np.dot(self.a1.T, err) / m\n",
     "replace": ("        m = len(x)\n        x, err = x.astype(np.float32), err.astype(np.float32)\n"
                 "        a1, w2 = self.a1.astype(np.float32), self.w2.astype(np.float32)\n"
                 "        w2_grad = np.dot(a1.T, err) / m\n"
                 "        b2_grad = np.sum(err, axis=0) / m\n"
                 "        err_to_hidden = np.dot(err, w2.T) * a1 * (1 - a1)\n"
                 "        w1_grad = np.dot(x.T, err_to_hidden) / m\n"
                 "        b1_grad = np.sum(err_to_hidden, axis=0) / m\n"
                 "        return w1_grad, b1_grad, w2_grad, b2_grad\n"
                 "        w2_grad = np.dot(self.a1.T, err) / m\n"),
     "why": "computes the backward pass in float32 (returns float32 gradients): right to float32 precision"},
    {"id": "regularization.early_stopping.counts_down", "module": "regularization", "exercise": "EarlyStopping",
     "find": ("        self.epoch += 1\n        if val_loss < self.best_loss:\n            self.best_loss = val_loss\n"
              "            self.best_epoch = self.epoch\n            self.wait = 0\n        else:\n"
              "            self.wait += 1\n        return self.wait >= self.patience\n"),
     "replace": ("        self.epoch += 1\n        improved = self.best_epoch is None or val_loss < self.best_loss\n"
                 "        if improved:\n            self.best_loss, self.best_epoch = val_loss, self.epoch\n"
                 "        return self.epoch - self.best_epoch >= self.patience\n"),
     "why": "counts the epochs since the best one instead of a wait counter; every strictly lower loss improves"},
]
