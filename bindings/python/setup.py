"""Builds lrsched's CPython extension and bundles liblrsched.so.0 beside it.

``python3 -m pip install ./bindings/python`` (from the repository root) runs this through
setuptools' PEP 517 backend. pip >= 21.3 builds local directories in place, so this file
is read from the repository and finds the repository root two levels up (or at
``$LRSCHED_REPO``). In an sdist (``python3 -m build --sdist bindings/python``, ``make
sdist``) the root is the sdist's ``swift/`` folder: the sdist command copies there what
``make lib-static-runtime`` needs (SWIFT_PACKAGE_FILES: Package.swift, Sources, include,
lrsched.map, the Makefile and mk/, the Swift executables' folders; not the tests), so
that ``pip install lrsched-<version>.tar.gz`` builds with a Swift toolchain on PATH.
The license files (LICENSE, NOTICE: symbolic links to the repository's) become copies.

The library:
- ``$LRSCHED_PREBUILT`` (a liblrsched.so file, or a directory holding liblrsched.so.0 or
  liblrsched.so) is used as it is: nothing is rebuilt;
- otherwise ``make -C <repo> lib-static-runtime`` builds the self-contained library
  (.build-static/release/liblrsched.so, the Swift runtime linked in); if that target is
  missing, ``make lib`` (.build/release/liblrsched.so, which needs the Swift toolchain's
  runtime at run time) is used instead, with a warning.

It is installed as ``lrsched/liblrsched.so.0`` (its SONAME) beside the extension
``lrsched/_lrsched.*.so``, which links it with ``-l:liblrsched.so.0`` and finds it through
the rpath ``$ORIGIN``; lrsched_ctypes loads the same file by path. The extension is
compiled with the running interpreter's sysconfig (setuptools), plus
``-ffp-contract=off -Wall -Wextra``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
SONAME = "liblrsched.so.0"
# The sdist's copy of the Swift package (see the module docstring).
SDIST_SWIFT = "swift"
SWIFT_PACKAGE_FILES = ("Package.swift", "Sources", "include", "lrsched.map", "LICENSE", "NOTICE",
                       "Makefile", "mk", "examples/swift", "benchmarks/swift")
# Package.swift declares a test target; the sdist carries a placeholder in its folder.
TEST_TARGET_PLACEHOLDER = ("Tests/LRSchedCoreTests/Placeholder.swift",
                           "// The tests are not part of the Python sdist.\n")
LICENSE_FILES = ("LICENSE", "NOTICE")
# SwiftPM's pins of the package's dependencies (swift-argument-parser), when the tree has
# been built: the sdist's Swift build then resolves the same versions (git-ignored in the
# repository, so optional).
OPTIONAL_SWIFT_FILES = ("Package.resolved",)


def repo_root() -> Path:
    env = os.environ.get("LRSCHED_REPO")
    candidates = [Path(env)] if env else []
    candidates += [HERE / SDIST_SWIFT, HERE.parent.parent, *HERE.parents]
    for p in candidates:
        if (p / "include" / "lrsched.h").is_file() and (p / "Package.swift").is_file():
            return p.resolve()
    raise SystemExit(
        "lrsched: cannot find the repository root (include/lrsched.h) from "
        f"{HERE}; set LRSCHED_REPO to it"
    )


def _make(root: Path, target: str) -> bool:
    cmd = ["make", "-C", str(root), target]
    print("lrsched: " + " ".join(cmd), flush=True)
    r = subprocess.run(cmd, stdout=sys.stderr, stderr=sys.stderr)
    return r.returncode == 0


def _make_has_target(root: Path, target: str) -> bool:
    r = subprocess.run(["make", "-C", str(root), "-n", target], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    return "No rule to make target" not in r.stderr


def find_library(root: Path) -> Path:
    """The liblrsched.so to bundle (see the module docstring)."""
    pre = os.environ.get("LRSCHED_PREBUILT")
    if pre:
        p = Path(pre)
        if p.is_dir():
            for name in (SONAME, "liblrsched.so"):
                if (p / name).exists():
                    return (p / name).resolve()
            raise SystemExit(f"lrsched: LRSCHED_PREBUILT={pre} holds no {SONAME} or liblrsched.so")
        if not p.exists():
            raise SystemExit(f"lrsched: LRSCHED_PREBUILT={pre} does not exist")
        return p.resolve()
    if _make_has_target(root, "lib-static-runtime"):
        if not _make(root, "lib-static-runtime"):
            raise SystemExit("lrsched: `make lib-static-runtime` failed")
        return (root / ".build-static" / "release" / "liblrsched.so").resolve()
    print("lrsched: WARNING: no `make lib-static-runtime`; bundling `make lib`'s library, "
          "which needs the Swift toolchain's runtime libraries at run time", file=sys.stderr)
    if not _make(root, "lib"):
        raise SystemExit("lrsched: `make lib` failed")
    return (root / ".build" / "release" / "liblrsched.so").resolve()


def _is_rpath_arg(arg: str) -> bool:
    return arg.startswith(("-Wl,-rpath", "-Wl,-R", "-R/", "-Wl,--enable-new-dtags,-R"))


class BuildExt(build_ext):
    """build_ext that first provides liblrsched.so.0, links the extension to it with an
    $ORIGIN rpath, and copies it into the lrsched package."""

    def run(self):
        root = repo_root()
        lib = find_library(root)
        link_dir = Path(self.build_temp).resolve() / "lrsched-lib"
        link_dir.mkdir(parents=True, exist_ok=True)
        linked = link_dir / SONAME
        if linked.exists() or linked.is_symlink():
            linked.unlink()
        shutil.copy2(lib, linked)
        for ext in self.extensions:
            ext.include_dirs.append(str(root / "include"))
            # Rebuilt when the header changes (pip reuses build/ between installs).
            ext.depends.append(str(root / "include" / "lrsched.h"))
            ext.extra_link_args += [f"-L{link_dir}", f"-l:{SONAME}", "-Wl,-rpath,$ORIGIN"]
        self._library = linked
        super().run()
        # Beside the extension: in build_lib for wheels, in the source tree for --inplace.
        dest_dirs = [Path(self.build_lib) / "lrsched"]
        if self.inplace:
            dest_dirs = [HERE / "src" / "lrsched"]
        for d in dest_dirs:
            d.mkdir(parents=True, exist_ok=True)
            target = d / SONAME
            if target.exists() or target.is_symlink():
                target.unlink()
            shutil.copy2(linked, target)
            print(f"lrsched: bundled {lib} as {target}", flush=True)

    def build_extensions(self):
        # The interpreter's own link line may carry an rpath to its lib folder (pyenv's
        # --enable-shared builds): the extension's only RUNPATH is $ORIGIN.
        self.compiler.linker_so = [a for a in self.compiler.linker_so if not _is_rpath_arg(a)]
        super().build_extensions()

    def get_outputs(self):
        outputs = super().get_outputs()
        outputs.append(str(Path(self.build_lib) / "lrsched" / SONAME))
        return outputs


class SDist(sdist):
    """sdist that carries the Swift package (SWIFT_PACKAGE_FILES) under swift/ and real
    copies of the license files."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        root = repo_root()
        dest = Path(base_dir) / SDIST_SWIFT
        names = SWIFT_PACKAGE_FILES + tuple(n for n in OPTIONAL_SWIFT_FILES if (root / n).is_file())
        for name in names:
            src = root / name
            if src.is_dir():
                shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(".*", "__pycache__"))
            else:
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / name)
        placeholder, text = TEST_TARGET_PLACEHOLDER
        (dest / placeholder).parent.mkdir(parents=True, exist_ok=True)
        (dest / placeholder).write_text(text)
        for name in LICENSE_FILES:
            target = Path(base_dir) / name
            if target.is_symlink() or target.exists():
                target.unlink()
            shutil.copy2(root / name, target)


ext = Extension(
    "lrsched._lrsched",
    sources=["csrc/_lrschedmodule.c"],
    extra_compile_args=["-std=c11", "-ffp-contract=off", "-Wall", "-Wextra"],
)

setup(ext_modules=[ext], cmdclass={"build_ext": BuildExt, "sdist": SDist})
