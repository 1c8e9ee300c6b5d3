"""The installed distribution: the library beside the extension under its SONAME, found
through $ORIGIN (extension) and by path (ctypes), one copy per process, no Swift
toolchain on any search path, LRSCHED_LIBRARY, ABI checks, stubs, import time."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

import lrsched
import lrsched_ctypes

PKG = pathlib.Path(lrsched.__file__).resolve().parent
LIB = PKG / "liblrsched.so.0"
EXT = next(PKG.glob("_lrsched*.so"))


def run_python(code, env=None, cwd=None):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, cwd=cwd)


def clean_env(**extra):
    """The environment without any library search path, nor the Swift toolchain on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD", "LRSCHED_LIBRARY")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if "swift" not in p)
    env.update(extra)
    return env


def elf_dynamic(path):
    readelf = shutil.which("readelf")
    if readelf is None:
        pytest.skip("readelf not available")
    return subprocess.run([readelf, "-d", str(path)], capture_output=True, text=True, check=True).stdout


def test_library_beside_the_extension():
    assert LIB.is_file()
    assert EXT.is_file()
    assert pathlib.Path(lrsched_ctypes._capi.library_path).resolve() == LIB
    # The extension needs liblrsched.so.0 and finds it through $ORIGIN.
    d = elf_dynamic(EXT)
    assert "Shared library: [liblrsched.so.0]" in d
    assert "$ORIGIN" in d and ("RUNPATH" in d or "RPATH" in d)
    assert "Library soname: [liblrsched.so.0]" in elf_dynamic(LIB)


def test_packages_are_installed_not_the_source_tree():
    src = pathlib.Path(__file__).resolve().parents[1] / "src"
    if os.environ.get("LRSCHED_TEST_ALLOW_SOURCE"):
        pytest.skip("running against the source tree on purpose")
    for mod in (lrsched, lrsched_ctypes):
        assert src not in pathlib.Path(mod.__file__).resolve().parents


def test_one_library_copy_per_process():
    r = run_python("""
        import lrsched, lrsched_ctypes
        opt = lrsched_ctypes.SGD([{"lr": 0.1}], lr=0.1)
        lrsched_ctypes.StepLR(opt, 2).step()
        lrsched.StepLR(lrsched.SGD([{"lr": 0.1}], lr=0.1), 2).step()
        paths = {line.split()[-1] for line in open("/proc/self/maps") if "liblrsched" in line}
        print(sorted(paths))
    """, env=clean_env())
    assert r.returncode == 0, r.stderr
    paths = eval(r.stdout)
    assert len(paths) == 1 and pathlib.Path(paths[0]).resolve() == LIB, paths


def test_loads_without_the_swift_toolchain_on_any_search_path():
    if "libswiftCore" in elf_dynamic(LIB):
        pytest.skip("the bundled library is `make lib`'s (it needs the Swift runtime); "
                    "the static-runtime library is not installed")
    r = run_python("""
        import lrsched, lrsched_ctypes
        for m in (lrsched, lrsched_ctypes):
            opt = m.SGD([{"lr": 0.1}], lr=0.1)
            s = m.ExponentialLR(opt, 0.9)
            s.step()
            assert s.get_last_lr() == [0.09000000000000001], s.get_last_lr()
        maps = open("/proc/self/maps").read()
        assert "/opt/swift" not in maps and "libswiftCore" not in maps, "Swift toolchain libraries loaded"
        print("ok")
    """, env=clean_env())
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout + r.stderr


def test_lrsched_ctypes_never_loads_the_extension():
    r = run_python("""
        import sys
        import lrsched_ctypes
        opt = lrsched_ctypes.SGD([{"lr": 0.1}], lr=0.1)
        lrsched_ctypes.from_spec(opt, {"type": "StepLR", "step_size": 2}).step()
        loaded = [m for m in sys.modules if m == "lrsched" or m.startswith("lrsched.")]
        maps = open("/proc/self/maps").read()
        assert not loaded, loaded
        assert "_lrsched.cpython" not in maps
        print("ok")
    """, env=clean_env())
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout + r.stderr


def test_lrsched_library_env_override(tmp_path):
    copy = tmp_path / "custom" / "liblrsched-copy.so"
    copy.parent.mkdir()
    shutil.copy2(LIB, copy)
    r = run_python("""
        import lrsched_ctypes
        print(lrsched_ctypes._capi.library_path)
        opt = lrsched_ctypes.SGD([{"lr": 0.1}], lr=0.1)
        lrsched_ctypes.StepLR(opt, 1).step()
    """, env=clean_env(LRSCHED_LIBRARY=str(copy)))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(copy)
    r = run_python("import lrsched_ctypes", env=clean_env(LRSCHED_LIBRARY=str(tmp_path / "missing.so")))
    assert r.returncode != 0 and "OSError" in r.stderr


def test_abi_versions():
    from lrsched import _lrsched

    assert _lrsched.ABI_VERSION == 0 and lrsched_ctypes._capi.ABI_VERSION == 0
    assert lrsched_ctypes._capi._lib.lrsched_abi_version() == 0
    assert _lrsched.LIBRARY_VERSION_NUMBER == _lrsched.HEADER_VERSION_NUMBER == 200
    assert lrsched.__version__ == lrsched_ctypes.__version__ == "0.2.0"
    assert _lrsched.status_string(1) == "value error"


def test_every_header_function_is_declared_in_ctypes():
    header = pathlib.Path(__file__).resolve().parents[3] / "include" / "lrsched.h"
    if not header.exists():
        pytest.skip("header not found")
    import re

    names = set(re.findall(r"\b(lrsched_[a-z0-9_]+)\s*\(", header.read_text()))
    names -= {"lrsched_lr_fn", "lrsched_epoch_fn"}
    assert names == set(lrsched_ctypes._decls.PROTOTYPES)
    assert not lrsched_ctypes._capi._MISSING_FUNCTIONS
    lib = lrsched_ctypes._capi._lib
    for name in sorted(names):
        f = getattr(lib, name)
        assert f.argtypes is not None, name
        assert f.restype is not None or name.endswith("_free"), name


def test_stubs_and_markers():
    ctypes_pkg = pathlib.Path(lrsched_ctypes.__file__).resolve().parent
    for pkg in (PKG, ctypes_pkg):
        assert (pkg / "py.typed").is_file()
        assert (pkg / "__init__.pyi").is_file()
    # One stub source: lrsched_ctypes' stub re-exports lrsched's.
    assert "from lrsched import *" in (ctypes_pkg / "__init__.pyi").read_text()
    stub = (PKG / "__init__.pyi").read_text()
    import ast

    listed = next(n.value for n in ast.parse(stub).body
                  if isinstance(n, ast.Assign) and [t.id for t in n.targets] == ["__all__"])
    assert sorted(ast.literal_eval(listed)) == sorted(lrsched.__all__)
    for name in lrsched.__all__:
        assert f"class {name}" in stub or f"def {name}" in stub, name


def test_import_time_under_50ms():
    code = """
        import time
        t = time.perf_counter()
        import lrsched
        print((time.perf_counter() - t) * 1000)
    """
    times = []
    for _ in range(5):
        r = run_python(code, env=clean_env())
        assert r.returncode == 0, r.stderr
        times.append(float(r.stdout))
    assert min(times) <= 50.0, f"import lrsched took {min(times):.1f} ms (best of 5)"


def test_abi_mismatch_is_refused(tmp_path):
    # A library reporting another ABI must be refused by lrsched_ctypes (and by the
    # extension, at import): simulate it with a tiny shim library.
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    src = tmp_path / "fake.c"
    src.write_text("int lrsched_abi_version(void) { return 7; }\n")
    so = tmp_path / "libfake.so"
    subprocess.run([cc, "-shared", "-fPIC", str(src), "-o", str(so)], check=True)
    r = run_python("import lrsched_ctypes", env=clean_env(LRSCHED_LIBRARY=str(so)))
    assert r.returncode != 0
    assert "ImportError: liblrsched ABI mismatch" in r.stderr, r.stderr


def runpaths(path):
    entries = []
    for line in elf_dynamic(path).splitlines():
        if "(RUNPATH)" in line or "(RPATH)" in line:
            entries += line.split("[", 1)[1].rstrip("]").split(":")
    return entries


def test_runpaths_are_origin_relative():
    # Not the build interpreter's lib folder (pyenv's link line carries one), nor the
    # Swift toolchain's: the extension finds the library beside it, and nothing else.
    assert runpaths(EXT) == ["$ORIGIN"]
    assert all(p.startswith("$ORIGIN") for p in runpaths(LIB)), runpaths(LIB)


def test_license_files_in_the_metadata():
    from importlib import metadata

    files = {f.name: f for f in metadata.distribution("lrsched").files if "dist-info" in str(f)}
    assert "LICENSE" in files and "NOTICE" in files, sorted(files)
    assert "Apache License" in files["LICENSE"].read_text()
    assert metadata.metadata("lrsched")["License-Expression"] == "Apache-2.0"


@pytest.mark.skipif(not os.environ.get("LRSCHED_TEST_WHEEL"), reason="make test-wheel: an installed wheel")
def test_installed_wheel_is_manylinux_stripped_without_build_paths():
    from importlib import metadata

    wheel = metadata.distribution("lrsched").read_text("WHEEL")
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    assert f"Tag: {tag}-{tag}-manylinux_2_34_x86_64" in wheel.splitlines(), wheel
    repo = str(pathlib.Path(__file__).resolve().parents[3]).encode()
    for so in (EXT, LIB):
        sections = subprocess.run(["readelf", "-S", str(so)], capture_output=True, text=True, check=True).stdout
        assert ".symtab" not in sections and ".debug_" not in sections, so
        assert repo not in so.read_bytes(), f"{so} holds the build path {repo!r}"
