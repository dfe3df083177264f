"""The FunctionGraph Python runtime shim, built into python.wasm by componentize-py.

It implements the `handler-runtime` world of ../wit/handler.wit: `load` reads the user's
module from the code package through the host's `read-file` and runs it as a module (a
finder on `sys.meta_path` makes pure-Python modules and packages of the code package
importable), `initialize` runs the initializer once per instance, `handle` calls the handler
with the parsed event and a context object with the platform's getters.

Python 3 semantics for every Python runtime (Python2.7, Python3.6, Python3.9).
"""

import importlib.abc
import importlib.machinery
import importlib.util
import json
import sys
import traceback
import types

# Imported here so that they are part of the pre-initialized snapshot (loading stdlib
# modules at run time would be slower); handlers commonly use them.
import base64  # noqa: F401
import collections  # noqa: F401
import datetime  # noqa: F401
import hashlib  # noqa: F401
import math  # noqa: F401
import os  # noqa: F401
import random  # noqa: F401
import re  # noqa: F401
import time  # noqa: F401
import urllib.parse  # noqa: F401

import wit_world
from componentize_py_types import Err
from wit_world.imports import host
from wit_world.imports.types import Failure, FailureKind

# Native extension file suffixes looked for when an import fails, to name the module.
_NATIVE_SUFFIXES = (
    ".so",
    ".abi3.so",
    ".pyd",
    ".cpython-36m-x86_64-linux-gnu.so",
    ".cpython-37m-x86_64-linux-gnu.so",
    ".cpython-38-x86_64-linux-gnu.so",
    ".cpython-39-x86_64-linux-gnu.so",
    ".cpython-310-x86_64-linux-gnu.so",
    ".cpython-311-x86_64-linux-gnu.so",
    ".cpython-312-x86_64-linux-gnu.so",
    ".cpython-36m-aarch64-linux-gnu.so",
    ".cpython-39-aarch64-linux-gnu.so",
)

# Directories of the code package searched for modules, in order: the package root, then
# the conventional dependency folders (a dependency ZIP's `python/` layout).
_ROOTS = ("", "python/", "python/lib/python3.9/site-packages/", "site-packages/")


def _read(path):
    data = host.read_file(path)
    return None if data is None else bytes(data)


class _PackageLoader(importlib.abc.Loader):
    def __init__(self, path, source, is_package):
        self.path = path
        self.source = source
        self.is_package = is_package

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__file__ = self.path
        code = compile(self.source, self.path, "exec")
        exec(code, module.__dict__)


class _PackageFinder(importlib.abc.MetaPathFinder):
    """Finds `a.b` as `a/b.py` or `a/b/__init__.py` in the code package."""

    def find_spec(self, fullname, path=None, target=None):
        rel = fullname.replace(".", "/")
        for root in _ROOTS:
            for candidate, is_package in (
                (root + rel + ".py", False),
                (root + rel + "/__init__.py", True),
            ):
                source = _read(candidate)
                if source is None:
                    continue
                loader = _PackageLoader(candidate, source, is_package)
                spec = importlib.util.spec_from_loader(
                    fullname, loader, origin=candidate, is_package=is_package
                )
                if is_package:
                    spec.submodule_search_locations = [root + rel]
                spec.has_location = True
                return spec
        return None


class _NativeFinder(importlib.abc.MetaPathFinder):
    """Last on `sys.meta_path`: a module nothing else found but whose native extension is in
    the code package fails with an error that names it."""

    def find_spec(self, fullname, path=None, target=None):
        rel = fullname.replace(".", "/")
        for root in _ROOTS:
            for suffix in _NATIVE_SUFFIXES:
                if host.read_file(root + rel + suffix) is not None:
                    raise ImportError(
                        "native extension module %r (%s) is not supported: only pure-Python "
                        "modules can be imported from the code package"
                        % (fullname, root + rel + suffix),
                        name=fullname,
                    )
        return None


_state = {"handler": None, "initializer": None, "loaded": False}


def _failure(kind, exc):
    message = "%s: %s" % (type(exc).__name__, exc)
    return Err(Failure(kind, message, traceback.format_exc()))


def _resolve(spec, what):
    """The function `spec` ("index.handler") names: module `index` from the package."""
    module_name, sep, attr = spec.rpartition(".")
    if not sep or not module_name or not attr:
        raise Err(
            Failure(
                FailureKind.MISSING_HANDLER,
                "%s %r is not of the form FILE.FUNCTION" % (what, spec),
                "",
            )
        )
    if module_name not in sys.modules:
        path = module_name.replace(".", "/") + ".py"
        if _read(path) is None:
            raise Err(
                Failure(
                    FailureKind.MISSING_HANDLER,
                    "the code package has no file %s for %s %s" % (path, what, spec),
                    "",
                )
            )
        try:
            __import__(module_name)
        except Exception as exc:
            raise _failure(FailureKind.LOAD_ERROR, exc)
    module = sys.modules[module_name]
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise Err(
            Failure(
                FailureKind.MISSING_HANDLER,
                "module %s has no function %s for %s %s" % (module_name, attr, what, spec),
                "",
            )
        )
    return fn


class _Logger:
    """`context.getLogger()`: lines into the invocation log."""

    def _log(self, level, msg, *args):
        text = str(msg)
        if args:
            try:
                text = text % args
            except (TypeError, ValueError):
                text = " ".join([text] + [str(a) for a in args])
        host.log(level, text)

    def debug(self, msg, *args):
        self._log("debug", msg, *args)

    def info(self, msg, *args):
        self._log("info", msg, *args)

    def warn(self, msg, *args):
        self._log("warn", msg, *args)

    warning = warn

    def error(self, msg, *args):
        self._log("error", msg, *args)


_LOGGER = _Logger()


class Context:
    """The platform's `context` object."""

    def __init__(self, fields):
        self._f = fields

    def getRequestID(self):
        return self._f.get("request_id", "")

    def getRemainingTimeInMilliSeconds(self):
        return host.remaining_time_ms()

    def getUserData(self, key, default=None):
        return self._f.get("user_data", {}).get(key, default)

    def getFunctionName(self):
        return self._f.get("function_name", "")

    def getVersion(self):
        return self._f.get("version", "")

    def getMemorySize(self):
        return self._f.get("memory_size", 0)

    def getCPUNumber(self):
        return self._f.get("cpu", 0)

    def getProjectID(self):
        return self._f.get("project_id", "")

    def getPackage(self):
        return self._f.get("package", "")

    def getRunningTimeInSeconds(self):
        return self._f.get("timeout", 0)

    def getInvokeProperty(self):
        return self._f.get("invocation_type", "")

    def getToken(self):
        return ""

    def getAccessKey(self):
        return ""

    def getSecretKey(self):
        return ""

    def getSecurityAccessKey(self):
        return ""

    def getSecuritySecretKey(self):
        return ""

    def getSecurityToken(self):
        return ""

    def getAlias(self):
        return ""

    def getLogger(self):
        return _LOGGER


def _run(result):
    """Drives a coroutine returned by an `async def` handler to its end."""
    if isinstance(result, types.CoroutineType):
        try:
            while True:
                result.send(None)
        except StopIteration as stop:
            return stop.value
    return result


def _serialise(value):
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return json.dumps(value, ensure_ascii=False)


class WitWorld(wit_world.WitWorld):
    def load(self, handler, initializer):
        if not _state["loaded"]:
            sys.meta_path.insert(0, _PackageFinder())
            sys.meta_path.append(_NativeFinder())
            _state["loaded"] = True
        _state["handler"] = _resolve(handler, "handler")
        _state["initializer"] = (
            None if initializer is None else _resolve(initializer, "initializer")
        )

    def initialize(self, context):
        init = _state["initializer"]
        if init is None:
            return
        try:
            _run(init(Context(json.loads(context))))
        except Exception as exc:
            raise _failure(FailureKind.FUNCTION_ERROR, exc)

    def handle(self, event, context):
        fn = _state["handler"]
        if fn is None:
            raise Err(Failure(FailureKind.MISSING_HANDLER, "load was not called", ""))
        try:
            parsed = json.loads(event) if event else {}
        except ValueError:
            parsed = event
        try:
            result = _run(fn(parsed, Context(json.loads(context))))
            return _serialise(result)
        except Exception as exc:
            raise _failure(FailureKind.FUNCTION_ERROR, exc)
