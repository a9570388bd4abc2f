'''A corpus of hostile submissions, one per entry, for tests/test_hostile.py.

Each entry is a plain dict; a submission is built from it in a temporary folder:

``id``
    a unique, readable name (``<family>.<behaviour>``).
``base``
    ``"reference"``: every module is the reference solution (an honest student who solved all);
    ``"stub"``: the same, except that ``module`` is its exercise stub (an honest student who has
    not started that module yet).
``module``
    the course module the hostile code goes into.
``append``
    hostile code appended to that module (at import it runs; a redefinition such as
    ``SingleLayer.forpass = ...`` replaces a method). Tokens filled in by the test:
    ``__KIT__`` the kit's root, ``__OUTSIDE__`` an empty folder outside the submission that must
    stay empty, ``__SUBMISSION__`` the submission's own folder.
``exercise``
    the exercise the hostile code targets; ``bystanders`` (default ``("numerical_diff",)``) are
    exercises graded in the same run (in parallel) which must keep their full points (or score
    nothing, with ``bystanders_expect: "zero"``, when the entry sabotages them too).
``expect``
    how the target exercise must score, compared with the *control*: the same base without the
    hostile code (or, with ``control_append``, with that honest code instead):
    ``"control"`` exactly the control's score (tampering changes nothing),
    ``"zero"`` nothing at all, ``"at_most"`` no more than the control.
    Every entry must also score no more than the reference, finish within its limits, leave
    ``__OUTSIDE__`` empty and the submission folder unchanged.
``status`` / ``message`` (optional)
    the verdict status every check of the target must have, and a text its messages must contain.
``output_has`` / ``output_lacks`` (optional)
    texts the captured output must / must not contain.
``limits`` (optional)
    ``Limits`` fields for this run (default: timeout 5 s, memory 1 GiB); the grading must end
    within ``timeout`` plus a few seconds, or within ``max_seconds`` when given.
``settle`` (optional)
    seconds to wait after grading before checking ``__OUTSIDE__`` (for delayed writers).
``needs`` (optional)
    ``"landlock"``: the entry defeats the audit hook on purpose, so only the kernel guard can
    stop it; skipped where the kernel has no Landlock.
``why``
    what the submission tries, and what must happen.
'''

# Tries one action; prints ESCAPED if it worked (the tests require that it never does).
ATTEMPT = '''
def _attempt(name, action):
    try:
        action()
    except BaseException as exc:  # noqa: B036
        print(f"blocked {name}: {type(exc).__name__}: {exc}"[:200])
    else:
        print(f"ESCAPED {name}")
'''

#: gen_batch built up front: a list of every batch (the course's mistake of not yielding)
LIST_GEN_BATCH = (
    "def _gen_batch(self, x, y):\n"
    "    order = np.random.permutation(len(x))\n"
    "    x, y = x[order], y[order]\n"
    "    size = self.batch_size\n"
    "    return [(x[i:i + size], y[i:i + size]) for i in range(0, len(x), size)]\n"
    "MinibatchNetwork.gen_batch = _gen_batch\n")
ZEROS_FORPASS = '''
def _zeros_forpass(self, x):
    return np.zeros((len(x), 1))
SingleLayer.forpass = _zeros_forpass
'''

HANG = {"timeout": 3}

ENTRIES = [
    # ------------------------------------------------------------------ exits
    {
        "id": "exit.os_exit_at_import",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": "import os as _os\n_os._exit(0)\n",
        "expect": "zero", "status": "error", "message": "ended before this check finished",
        "why": "the process vanishes with exit code 0 before any result is written",
    },
    {
        "id": "exit.sys_exit_at_import",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": "import sys as _sys\n_sys.exit(0)\n",
        "expect": "zero", "status": "error", "message": "SystemExit",
        "why": "SystemExit while the module is imported is the exercise's error, not the grader's exit",
    },
    {
        "id": "exit.os_exit_in_function",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "bystanders": ("SingleLayer.backprop", "numerical_diff"),
        "append": "def _forpass(self, x):\n    import os\n    os._exit(0)\nSingleLayer.forpass = _forpass\n",
        "expect": "zero", "status": "error", "message": "ended before this check finished",
        "why": "os._exit inside the graded method; backprop of the same module keeps its points",
    },
    {
        "id": "exit.sys_exit_in_function",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "bystanders": ("SingleLayer.backprop", "numerical_diff"),
        "append": "def _forpass(self, x):\n    import sys\n    sys.exit(0)\nSingleLayer.forpass = _forpass\n",
        "expect": "zero", "status": "error", "message": "SystemExit",
        "why": "sys.exit inside the graded method",
    },
    {
        "id": "exit.prints_full_marks_then_exits",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("def _forpass(self, x):\n    import os, sys\n    print('Total: 95/95')\n"
                   "    print('{\"score\": 95, \"tests\": []}')\n    sys.stdout.flush()\n    os._exit(0)\n"
                   "SingleLayer.forpass = _forpass\n"),
        "expect": "zero", "status": "error", "output_has": ("Total: 95/95",),
        "why": "prints a fake total and a fake results.json: they are only the exercise's output",
    },
    # ------------------------------------------------------------------ hangs
    {
        "id": "hang.loop_in_function",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "bystanders": ("SingleLayer.backprop",),
        "append": "def _forpass(self, x):\n    while True:\n        pass\nSingleLayer.forpass = _forpass\n",
        "limits": HANG, "expect": "zero", "status": "error", "message": "time limit",
        "why": "an endless loop is stopped at the wall-clock limit",
    },
    {
        "id": "hang.sleep_at_import",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": "import time as _time\n_time.sleep(10 ** 6)\n",
        "limits": HANG, "expect": "zero", "status": "error", "message": "time limit",
        "why": "sleeping forever (no CPU used, so only the wall clock stops it)",
    },
    {
        "id": "hang.ignores_signals",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("import signal as _signal\n"
                   "for _name in ('SIGTERM', 'SIGINT', 'SIGHUP', 'SIGALRM', 'SIGXCPU', 'SIGVTALRM', 'SIGPROF',\n"
                   "              'SIGUSR1', 'SIGUSR2', 'SIGQUIT', 'SIGXFSZ'):\n"
                   "    _signal.signal(getattr(_signal, _name), _signal.SIG_IGN)\n"
                   "while True:\n    pass\n"),
        "limits": HANG, "expect": "zero", "status": "error", "message": "time limit",
        "why": "ignores every catchable signal and loops: the grader kills with SIGKILL",
    },
    {
        "id": "hang.ignores_sigxcpu_under_cpu_limit",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("import signal as _signal\n_signal.signal(_signal.SIGXCPU, _signal.SIG_IGN)\n"
                   "while True:\n    pass\n"),
        "limits": {"timeout": 20, "cpu": 1}, "max_seconds": 10, "expect": "zero", "status": "error",
        "why": "ignores SIGXCPU: the CPU limit (1 s) still ends it long before the wall clock (20 s)",
    },
    {
        "id": "hang.exception_str_never_returns",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("class _Slow(Exception):\n    def __str__(self):\n        import time\n"
                   "        time.sleep(10 ** 6)\n        return ''\n"
                   "def _forpass(self, x):\n    raise _Slow()\nSingleLayer.forpass = _forpass\n"),
        "limits": HANG, "expect": "zero", "status": "error",
        "why": "an exception whose message never comes: describing it hangs, the wall clock stops it",
    },
    {
        "id": "hang.correct_but_never_exits",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("import os as _os, threading as _threading, time as _time\n"
                   "_os._exit = lambda code=0: None\n"
                   "_threading.Thread(target=lambda: _time.sleep(10 ** 6), daemon=False).start()\n"),
        "limits": HANG, "expect": "control",
        "why": "a correct solution that disables os._exit and keeps a thread alive: every result is "
               "written, the process is killed at the limit, the points are exactly the honest ones",
    },
    # ------------------------------------------------------------------ memory
    {
        "id": "memory.huge_array_at_import",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": "_big = np.ones(10 ** 11)\n",
        "expect": "zero", "status": "error", "message": "MemoryError",
        "why": "800 GB at import: refused by the address-space limit",
    },
    {
        "id": "memory.grows_until_refused",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "bystanders": ("SingleLayer.backprop", "numerical_diff"),
        "append": ("def _forpass(self, x):\n    chunks = [np.ones(2 ** 24)]\n    while True:\n"
                   "        chunks.append(np.empty(2 ** 24))\nSingleLayer.forpass = _forpass\n"),
        "expect": "zero", "status": "error", "message": "MemoryError",
        "why": "allocates 128 MB chunks until the 1 GiB address-space cap refuses one",
    },
    # ------------------------------------------------------------------ monkeypatching
    {
        "id": "patch.numpy_comparisons_lie",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("_yes = lambda *a, **k: True\n"
                   "np.allclose = np.array_equal = np.array_equiv = np.all = _yes\n"
                   "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)\n"
                   "np.testing.assert_allclose = np.testing.assert_array_equal = lambda *a, **k: None\n"),
        "expect": "control", "status": ("not_implemented", "error"),
        "why": "comparisons in the child are lies; the verdicts are computed in the grader's process "
               "(and the child, finding numpy's functions replaced, trusts nothing it reports after)",
    },
    {
        "id": "patch.numpy_dot_lies",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": "_dot = np.dot\nnp.dot = lambda a, b, *r: _dot(a, b) + 1.0\n",
        "expect": "at_most", "output_lacks": ("Traceback",),
        "why": "np.dot returns wrong values in the child: only the submission's own answers change",
    },
    {
        "id": "patch.grader_modules_in_child",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("import json as _json\nimport autograder.execution as _ex, autograder.protocol as _pr\n"
                   "import autograder.child as _ch\n"
                   "_fake = lambda *a, **k: ({'z': np.zeros((1, 1)), 'x_after': np.zeros((1, 1))}, None)\n"
                   "_ex.run_case = _fake\n_ex.describe_error = lambda *a, **k: {'type': 'OK', 'message': ''}\n"
                   "_pr.write_json = lambda *a, **k: None\n_pr.to_plain_array = lambda v: v\n"
                   "_ch.run_case = _fake\n_json.dump = lambda *a, **k: None\n"),
        "expect": "control",
        "why": "replaces run_case, write_json, describe_error and json.dump inside the child: the child "
               "bound what it uses before importing the submission, and whatever the broken child "
               "writes is read as untrusted data (here: empty error reports, an error)",
    },
    {
        "id": "patch.forged_probe_observations",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("import autograder.probes.single_layer as _P\n"
                   "_P.forpass = lambda sub, case: {'z': np.zeros((len(case['x']), 1)),\n"
                   "                                'x_after': case['x'].copy()}\n"),
        "control_append": ZEROS_FORPASS, "expect": "at_most",
        "why": "rewrites the in-process probe to report untouched inputs without calling forpass: it earns "
               "no more than the trivial honest code `return np.zeros(...)` (observations made in the child "
               "are the submission's to forge; values are checked against the mathematics in the grader)",
    },
    {
        "id": "patch.probe_facts_about_a_list",
        "base": "reference", "module": "minibatch", "exercise": "MinibatchNetwork.gen_batch",
        "append": LIST_GEN_BATCH + ("import inspect as _inspect, collections.abc as _abc\n"
                                    "_inspect.isgenerator = lambda obj: True\n_abc.Iterator.register(list)\n"),
        "control_append": LIST_GEN_BATCH, "expect": "at_most",
        "why": "builds every batch up front in a list (the honest version loses the 'generator' point), "
               "then replaces inspect.isgenerator and registers list as an Iterator so that the probe, "
               "in the same process, would state that a generator came back: the child compares the "
               "tools it uses with a snapshot taken before the import and trusts nothing after a change",
    },
    {
        "id": "patch.tools_swapped_by_a_thread",
        "base": "reference", "module": "minibatch", "exercise": "MinibatchNetwork.gen_batch",
        "append": LIST_GEN_BATCH + (
            "import inspect as _inspect, threading as _threading\n"
            "_original = _inspect.isgenerator\n"
            "def _swap():\n"
            "    while True:\n"
            "        _inspect.isgenerator = lambda obj: True\n"
            "        _inspect.isgenerator = _original\n"
            "_threading.Thread(target=_swap, daemon=True).start()\n"),
        "control_append": LIST_GEN_BATCH, "expect": "at_most",
        "why": "a thread swaps inspect.isgenerator back and forth, so that a comparison after the case "
               "may find the original in place: a thread left running is itself a change of the tools",
    },
    # ------------------------------------------------------------------ the reference solution
    {
        "id": "reference.import_package",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": "from reference.single_layer import SingleLayer as _Reference\nSingleLayer = _Reference\n",
        "expect": "control", "status": "error", "message": "No module named 'reference'",
        "why": "imports the reference package: it is not in the child's view, the module fails to import",
    },
    {
        "id": "reference.import_with_fallback",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("try:\n    from reference.single_layer import SingleLayer as _R\n"
                   "    SingleLayer.forpass = _R.forpass\nexcept BaseException as _exc:\n"
                   "    print('no reference:', type(_exc).__name__)\n"),
        "expect": "control", "status": "not_implemented", "output_has": ("no reference",),
        "why": "imports the reference and falls back to the stub: scores exactly like the stub",
    },
    {
        "id": "reference.importlib_absolute_path",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("import importlib.util as _iu, importlib.machinery as _im\n"
                   "for _path in ('__KIT__/reference/single_layer.py', '__KIT__/autograder/checks/math.py'):\n"
                   "    try:\n        _spec = _iu.spec_from_file_location('_stolen', _path)\n"
                   "        _mod = _iu.module_from_spec(_spec)\n        _spec.loader.exec_module(_mod)\n"
                   "        print('STOLEN', _path)\n    except BaseException as _exc:\n"
                   "        print('refused', type(_exc).__name__)\n"
                   "    try:\n        print('STOLEN', _im.SourceFileLoader('_s', _path).get_data(_path)[:40])\n"
                   "    except BaseException as _exc:\n        print('refused', type(_exc).__name__)\n"),
        "expect": "control", "status": "not_implemented", "output_lacks": ("STOLEN",),
        "why": "loads reference/ and autograder/checks/ by absolute path through importlib",
    },
    {
        "id": "reference.open_sources",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ATTEMPT + (
            "import glob as _glob, io as _io, linecache as _lc, os as _os\n"
            "_targets = ['__KIT__/reference/single_layer.py', '__KIT__/autograder/checks/math.py',\n"
            "            '__KIT__/autograder/checks/layers.py', '__KIT__/tests/conftest.py',\n"
            "            '__KIT__/reference/__pycache__', '__KIT__/.git/config']\n"
            "for _t in _targets:\n"
            "    _attempt('open ' + _t, lambda: print(open(_t).read(80)))\n"
            "    _attempt('os.open ' + _t, lambda: print(_os.read(_os.open(_t, _os.O_RDONLY), 80)))\n"
            "    _attempt('open_code ' + _t, lambda: print(_io.open_code(_t).read(80)))\n"
            "    if _lc.getlines(_t):\n        print('ESCAPED linecache', _t)\n"
            "_relative = '../../../../__KIT__/reference/single_layer.py'\n"
            "_attempt('relative path', lambda: print(open(_relative).read(80)))\n"),
        "expect": "control", "status": "not_implemented", "output_lacks": ("ESCAPED", "BEGIN SOLUTION"),
        "why": "reads the reference, the checks, the tests and .git by open, os.open, io.open_code, linecache",
    },
    {
        "id": "reference.through_proc_and_links",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ATTEMPT + (
            "import os as _os\n_ppid = _os.getppid()\n"
            "_attempt('proc cwd', lambda: print(open(f'/proc/{_ppid}/cwd/reference/single_layer.py').read(80)))\n"
            "_attempt('proc root', lambda: print(open('/proc/self/root__KIT__/reference/single_layer.py').read(80)))\n"
            "_attempt('parent environ', lambda: print(open(f'/proc/{_ppid}/environ').read(80)))\n"
            "_attempt('parent cmdline', lambda: print(open(f'/proc/{_ppid}/cmdline').read(80)))\n"
            "_attempt('parent memory', lambda: print(open(f'/proc/{_ppid}/mem', 'rb').read(8)))\n"
            "_attempt('symlink', lambda: _os.symlink('__KIT__/reference', 'ref'))\n"
            "_attempt('hardlink', lambda: _os.link('__KIT__/reference/single_layer.py', 'ref.py'))\n"
            "_attempt('chdir', lambda: _os.chdir('__KIT__/reference'))\n"),
        "expect": "control", "status": "not_implemented", "output_lacks": ("ESCAPED", "BEGIN SOLUTION"),
        "why": "reaches the reference through /proc/<grader>/cwd, /proc/self/root, links and chdir, and "
               "reads the grader's environment and memory",
    },
    {
        "id": "reference.audit_hook_defeated",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass", "needs": "landlock",
        "append": (
            "import re as _re, struct as _struct\n"
            "def _view(address, size):\n"
            "    class _A:\n        pass\n"
            "    a = _A()\n"
            "    a.__array_interface__ = {'shape': (size,), 'typestr': '|u1', 'data': (address, False), 'version': 3}\n"
            "    return np.asarray(a)\n"
            "def _overwrite_strings(old, new):\n"
            "    # every str object equal to `old` (its header: type, length) is rewritten in place\n"
            "    needle, header = old.encode() + b'\\0', _struct.pack('<QQ', id(str), len(old))\n"
            "    hits = 0\n"
            "    for line in open('/proc/self/maps').read().splitlines():\n"
            "        parts = line.split()\n"
            "        if parts[1][:2] != 'rw' or (len(parts) > 5 and parts[5] != '[heap]'):\n"
            "            continue\n"
            "        low, high = (int(v, 16) for v in parts[0].split('-'))\n"
            "        memory = _view(low, high - low)\n"
            "        data = memory.tobytes()\n"
            "        for match in _re.finditer(_re.escape(needle), data):\n"
            "            start = match.start()\n"
            "            if start >= 40 and data[start - 40:start - 24] == header:\n"
            "                memory[start:start + len(new)] = np.frombuffer(new.encode(), np.uint8)\n"
            "                hits += 1\n"
            "    return hits\n"
            "_kit = ''.join(['__KIT__'])\n"
            "print('overwritten', _overwrite_strings(_kit + '/refer' + 'ence', _kit + '/xefer' + 'ence'))\n"
            "try:\n"
            "    _source = open(''.join([_kit, '/refer', 'ence/single_layer.py'])).read()\n"
            "    print('STOLEN', _source[:200])\n"
            "    exec(_source.replace('from .', 'from _nnkit_missing.'), globals())\n"
            "except BaseException as _exc:\n"
            "    print('refused', type(_exc).__name__, _exc)\n"),
        "expect": "control", "status": "not_implemented",
        "output_lacks": ("STOLEN",), "output_has": ("refused ",),
        "why": "rewrites, in memory through numpy's __array_interface__, every string naming the kit's "
               "reference (what switched off the old deny-list hook), then reads the reference: refused "
               "(the allow-list names no kit path to rewrite, and the file is not in the child's view or "
               "Landlock refuses; tests/test_isolation.py runs each attack class with the kernel guards "
               "alone, no hook)",
    },
    {
        "id": "reference.other_grading_runs",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": (
            "import os as _os\n"
            "_run = _os.path.dirname(_os.getcwd())\n"
            "_roots = {_os.path.dirname(_run), _run}\n"
            "try:\n"
            "    _roots.update(_os.path.join('/tmp', _n) for _n in _os.listdir('/tmp') if _n.startswith('nnkit'))\n"
            "except OSError:\n    print('cannot list /tmp')\n"
            "for _root in _roots:\n"
            "    for _dir, _subdirs, _files in _os.walk(_root):\n"
            "        if _dir.startswith(_os.getcwd()):\n            continue\n"
            "        for _name in _files:\n"
            "            try:\n"
            "                with open(_os.path.join(_dir, _name), 'rb') as _f:\n"
            "                    _data = _f.read(4096)\n"
            "                if b'SECRET-OF-ANOTHER-RUN' in _data or b'\"cases' in _data:\n"
            "                    print('STOLEN', _dir, _name)\n"
            "            except OSError:\n                pass\n"),
        "expect": "control", "status": "not_implemented", "output_lacks": ("STOLEN",),
        "why": "walks every grading run's folder (another student's results, its own job's cases) and /tmp",
    },
    # ------------------------------------------------------------------ fake results
    {
        "id": "fake.results_files",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": (
            "import json as _json, os as _os\n"
            "for _k in range(4):\n"
            "    for _i in range(8):\n"
            "        np.savez(f'results/{_k}-{_i}.npz', z=np.zeros((1, 1)), x_after=np.zeros((1, 1)))\n"
            "with open('results/results.json', 'w') as _f:\n"
            "    _json.dump({'score': 95, 'tests': []}, _f)\n"
            "with open('results.json', 'w') as _f:\n"
            "    _json.dump({'score': 95, 'tests': []}, _f)\n"
            "_os._exit(0)\n"),
        "expect": "zero", "status": ("failed", "blocked"),
        "why": "writes fake result files for every case and a fake results.json, then exits: the "
               "fake values are verified like any others and fail (and 'inputs untouched' does not "
               "count without right values)",
    },
    {
        "id": "fake.planted_files_the_grader_must_not_follow",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": (
            "import os as _os, zipfile as _zipfile\n"
            "_os.remove('output.txt')\n_os.mkfifo('output.txt')\n"
            "_os.mkfifo('results/0-0.npz')\n_os.mkfifo('results/0-0.error.json')\n"
            "_os.mkfifo('results/fatal.error.json')\n"
            "_os.mkfifo('results/1-0.npz')\n_os.symlink('/dev/null', 'results/1-0.error.json')\n"
            "_os._exit(0)\n"),
        "expect": "zero", "status": "error", "message": "Operation not permitted",
        "why": "replaces its output and result files by FIFOs (opening one blocks forever) and "
               "symbolic links: the kernel guards refuse to make a FIFO (mknod), and the grader would "
               "open neither (tests/test_hostile.py plants both in a results folder directly)",
    },
    # ------------------------------------------------------------------ lying return values
    {
        "id": "values.ndarray_subclass",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": (
            "class _Liar(np.ndarray):\n"
            "    def __eq__(self, other):\n        return True\n"
            "    def __array_finalize__(self, obj):\n        pass\n"
            "    def __array__(self, *args, **kwargs):\n        return np.full(self.shape, 42.0)\n"
            "    def __float__(self):\n        return 42.0\n"
            "    def tolist(self):\n        return [[42.0]]\n"
            "    def __reduce__(self):\n        import os\n        return (os.system, ('echo pwned',))\n"
            "def _forpass(self, x):\n    return np.zeros((len(x), 1)).view(_Liar)\n"
            "SingleLayer.forpass = _forpass\n"),
        "control_append": ZEROS_FORPASS, "expect": "control",
        "why": "returns an ndarray subclass whose __eq__, __array__, __float__, tolist and pickling lie: "
               "the grader sees its plain data (zeros), no more",
    },
    {
        "id": "values.lying_objects",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": (
            "class _Liar:\n"
            "    shape = (1, 1)\n    dtype = np.dtype(float)\n"
            "    def __eq__(self, other):\n        return True\n"
            "    def __array__(self, *args, **kwargs):\n        return np.zeros((1, 1))\n"
            "    def __len__(self):\n        return 1\n"
            "    def __float__(self):\n        return 0.0\n"
            "def _forpass(self, x):\n    return _Liar()\n"
            "SingleLayer.forpass = _forpass\n"
            "def _backprop(self, x, err):\n    return [_Liar()], {'w': 1}\n"
            "SingleLayer.backprop = _backprop\n"),
        "bystanders": ("SingleLayer.backprop",), "bystanders_expect": "zero",
        "expect": "zero", "status": "error", "message": "expected a numpy array",
        "why": "returns objects that claim to be equal to anything: refused before they leave the child",
    },
    {
        "id": "values.strange_dtypes",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": (
            "_calls = [0]\n"
            "def _forpass(self, x):\n"
            "    _calls[0] += 1\n"
            "    kinds = [np.full((len(x), 1), 'NaN'), np.full((len(x), 1), 1 + 1j), np.full((len(x), 1), np.nan),\n"
            "             np.zeros((len(x), 1), bool), np.zeros((0,)), np.zeros((1,) * 30), np.float64(np.inf)]\n"
            "    return kinds[_calls[0] % len(kinds)]\n"
            "SingleLayer.forpass = _forpass\n"),
        "control_append": ZEROS_FORPASS, "expect": "at_most",
        "why": "strings, complex numbers, NaN, booleans, empty and 30-dimensional arrays: each is a "
               "clear failure, never a crash of the grader",
    },
    # ------------------------------------------------------------------ BaseException
    {
        "id": "raise.keyboard_interrupt",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "bystanders": ("SingleLayer.backprop", "numerical_diff"),
        "append": "def _forpass(self, x):\n    raise KeyboardInterrupt\nSingleLayer.forpass = _forpass\n",
        "expect": "zero", "status": "error", "message": "KeyboardInterrupt",
        "why": "KeyboardInterrupt is the exercise's error; the other exercises are still graded",
    },
    {
        "id": "raise.generator_exit_and_system_exit",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "bystanders": ("SingleLayer.backprop",), "bystanders_expect": "zero",
        "append": ("def _forpass(self, x):\n    raise GeneratorExit('bye')\nSingleLayer.forpass = _forpass\n"
                   "def _backprop(self, x, err):\n    raise SystemExit(0)\nSingleLayer.backprop = _backprop\n"),
        "expect": "zero", "status": "error", "message": "GeneratorExit",
        "why": "GeneratorExit and SystemExit from graded methods",
    },
    {
        "id": "raise.exception_that_breaks_its_description",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("class _Evil(BaseException):\n"
                   "    def __str__(self):\n        raise _Evil()\n"
                   "    @property\n    def __traceback__(self):\n        raise _Evil()\n"
                   "def _forpass(self, x):\n    raise _Evil()\nSingleLayer.forpass = _forpass\n"),
        "expect": "zero", "status": "error",
        "why": "a BaseException subclass whose str() and traceback raise it again",
    },
    # ------------------------------------------------------------------ threads
    {
        "id": "threads.late_writers_with_correct_solution",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": (
            "import os as _os, threading as _threading, time as _time\n"
            "def _write_later(delay):\n"
            "    _time.sleep(delay)\n"
            "    for _path in ('__OUTSIDE__/results.json', '__SUBMISSION__/single_layer.py',\n"
            "                  '__KIT__/autograder/_hostile_marker.py', '__KIT__/reference/_hostile_marker.py'):\n"
            "        try:\n            with open(_path, 'a') as _f:\n                _f.write('tampered')\n"
            "            print('ESCAPED', _path)\n"
            "        except OSError:\n            pass\n"
            "for _delay in (0, 0.05, 0.2, 1.0):\n"
            "    _threading.Thread(target=_write_later, args=(_delay,), daemon=_delay < 0.1).start()\n"),
        "expect": "control", "settle": 1.5, "output_lacks": ("ESCAPED",),
        "why": "a correct solution whose threads (daemon or not) try to write outside the sandbox, now "
               "and after the grading: exactly the honest score, nothing written",
    },
    {
        "id": "threads.overwrite_own_results",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": (
            "import os as _os, threading as _threading\n"
            "def _overwrite():\n"
            "    while True:\n"
            "        for _name in _os.listdir('results'):\n"
            "            if _name.endswith('.json'):\n"
            "                try:\n"
            "                    _os.remove('results/' + _name)\n"
            "                except OSError:\n                    pass\n"
            "        for _i in range(8):\n"
            "            np.savez(f'results/0-{_i}.npz', z=np.zeros((1, 1)))\n"
            "_threading.Thread(target=_overwrite, daemon=True).start()\n"),
        "expect": "zero",
        "why": "a thread keeps deleting error reports and writing fake results while the stub runs",
    },
    # ------------------------------------------------------------------ processes
    {
        "id": "process.escapes_with_correct_solution",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "settle": 2.0, "output_lacks": ("ESCAPED",),
        "append": ATTEMPT + (
            "import os as _os, signal as _signal, subprocess as _subprocess, resource as _resource\n"
            "_cmd = 'sleep 1; echo escaped > __OUTSIDE__/escaped'\n"
            "def _fork():\n    if _os.fork() == 0:\n        _os.system(_cmd)\n        _os._exit(0)\n"
            "def _fork_exec():\n"
            "    import _posixsubprocess\n    r, w = _os.pipe()\n"
            "    _posixsubprocess.fork_exec([b'/bin/sh', b'-c', _cmd.encode()], [b'/bin/sh'], True, (), None,\n"
            "                               None, -1, -1, -1, -1, -1, -1, r, w, True, True, -1, None, None,\n"
            "                               None, -1, None, False)\n"
            "def _multiprocessing(method):\n"
            "    import multiprocessing\n"
            "    process = multiprocessing.get_context(method).Process(target=_os.system, args=(_cmd,))\n"
            "    process.start()\n"
            "_attempt('os.fork', _fork)\n"
            "_attempt('os.forkpty', _os.forkpty)\n"
            "_attempt('os.system', lambda: _os.system(_cmd))\n"
            "_attempt('os.popen', lambda: _os.popen(_cmd).read())\n"
            "_attempt('subprocess', lambda: _subprocess.run(['/bin/sh', '-c', _cmd]))\n"
            "_attempt('posix_spawn', lambda: _os.posix_spawn('/bin/sh', ['sh', '-c', _cmd], {}))\n"
            "_attempt('spawnv', lambda: _os.spawnv(_os.P_NOWAIT, '/bin/sh', ['sh', '-c', _cmd]))\n"
            "_attempt('execv', lambda: _os.execv('/bin/sh', ['sh', '-c', _cmd]))\n"
            "_attempt('_posixsubprocess.fork_exec', _fork_exec)\n"
            "for _method in ('spawn', 'fork', 'forkserver'):\n"
            "    _attempt('multiprocessing ' + _method, lambda: _multiprocessing(_method))\n"
            "_attempt('signal the grader', lambda: _os.kill(_os.getppid(), 0))\n"
            "_attempt('signal init', lambda: _os.kill(1, 0))\n"
            "_attempt('raise memory limit', lambda: _resource.setrlimit(_resource.RLIMIT_AS, (-1, -1)))\n"
            "_attempt('raise CPU limit', lambda: _resource.prlimit(0, _resource.RLIMIT_CPU, (-1, -1)))\n"
            "_attempt('ctypes', lambda: __import__('ctypes').CDLL(None).system(_cmd.encode()))\n"
            "_attempt('ctypes memmove', lambda: __import__('ctypes').memmove(bytearray(8), b'12345678', 8))\n"
            "_attempt('write outside', lambda: open('__OUTSIDE__/x', 'w'))\n"
            "_attempt('mkdir outside', lambda: _os.mkdir('__OUTSIDE__/d'))\n"
            "_attempt('rename outside', lambda: _os.rename('output.txt', '__OUTSIDE__/o'))\n"
            "_attempt('write submission', lambda: open(__file__, 'a'))\n"
            "_attempt('remove submission', lambda: _os.remove(__file__))\n"),
        "expect": "control",
        "why": "a correct solution that tries every way to start a process (fork, exec, subprocess, "
               "posix_spawn, multiprocessing, _posixsubprocess), signal other processes, raise its "
               "limits, call native code and write outside: all refused, exactly the honest score",
    },
    {
        "id": "process.subprocess_at_import",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": "import subprocess as _subprocess\n_subprocess.run(['true'])\n",
        "expect": "zero", "status": "error", "message": "not allowed while grading",
        "why": "starting a process at import fails the module with a clear message",
    },
    # ------------------------------------------------------------------ recursion
    {
        "id": "recursion.endless",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "bystanders": ("SingleLayer.backprop",),
        "append": "def _forpass(self, x):\n    return self.forpass(x)\nSingleLayer.forpass = _forpass\n",
        "expect": "zero", "status": "error", "message": "RecursionError",
        "why": "unbounded recursion is a RecursionError",
    },
    {
        "id": "recursion.overflows_the_c_stack",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "bystanders": ("SingleLayer.backprop",),
        "append": ("import sys as _sys\n_sys.setrecursionlimit(10 ** 7)\n"
                   "def _deep(n):\n    return list(map(_deep, [n + 1]))\n"
                   "def _forpass(self, x):\n    return _deep(0)\nSingleLayer.forpass = _forpass\n"),
        "expect": "zero", "status": "error", "message": "ended before this check finished",
        "output_has": ("ended with code",),
        "why": "raises the recursion limit and recurses through C code (map) until the C stack "
               "overflows: the child dies of SIGSEGV, not the grader",
    },
    {
        "id": "recursion.deeply_nested_result",
        "base": "stub", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("def _forpass(self, x):\n    value = [1.0]\n    for _ in range(10 ** 5):\n"
                   "        value = [value]\n    return value\nSingleLayer.forpass = _forpass\n"),
        "expect": "zero", "status": "error",
        "why": "returns a list nested 100 000 deep",
    },
    # ------------------------------------------------------------------ resources
    {
        "id": "resource.output_flood",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("import sys as _sys\n_line = 'Total: 95/95 ' * 1000 + '\\n'\n"
                   "for _ in range(40000):\n    _sys.stdout.write(_line)\n"),
        "expect": "zero", "status": "error",
        "why": "prints half a gigabyte: the file-size limit stops it; the captured output stays short",
    },
    {
        "id": "resource.disk_filled_through_deleted_files",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "limits": {"timeout": 20, "disk": 64 * 1024 ** 2}, "max_seconds": 10,
        "append": ("import os as _os\n_held = []\n_block = b'x' * (16 * 2 ** 20)\n"
                   "for _i in range(10 ** 4):\n"
                   "    _f = open(f'fill{_i}.bin', 'wb')\n    _f.write(_block)\n    _f.flush()\n"
                   "    _held.append(_f)\n    _os.remove(f'fill{_i}.bin')\n"),
        "expect": "zero", "status": "error", "message": "wrote more than 64 MB",
        "why": "fills the disk with files it deletes but keeps open (invisible in its folder): stopped "
               "at the disk limit",
    },
    {
        "id": "resource.millions_of_files",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "limits": {"timeout": 20, "disk": 16 * 1024 ** 2}, "max_seconds": 10,
        "append": ("import os as _os\n_os.mkdir('many')\n"
                   "for _i in range(10 ** 6):\n    open(f'many/{_i}', 'w').close()\n"),
        "expect": "zero", "status": "error", "message": "wrote more than 16 MB",
        "why": "creates empty files by the million (inodes, not bytes): stopped at the disk limit",
    },
    {
        "id": "resource.folders_nested_without_end",
        "base": "reference", "module": "single_layer", "exercise": "SingleLayer.forpass",
        "append": ("import os as _os\n_fd = _os.open('.', _os.O_RDONLY)\n"
                   "for _i in range(5000):\n"
                   "    _os.mkdir('d', dir_fd=_fd)\n"
                   "    _inner = _os.open('d', _os.O_RDONLY, dir_fd=_fd)\n"
                   "    _os.close(_fd)\n    _fd = _inner\n"
                   "_os.chmod('d', 0)\n"),
        "expect": "zero", "status": "error", "message": "nested folders",
        "why": "nests 5000 folders (deeper than any path the grader could name) and locks the top one: "
               "no recursion error while measuring or deleting them, the exercise is stopped",
    },
]
