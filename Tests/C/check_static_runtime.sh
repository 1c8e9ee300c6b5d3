#!/usr/bin/env bash
# Checks the self-contained liblrsched.so (make lib-static-runtime): the Swift runtime
# is linked in, so the library needs only the C/C++ runtime, finds nothing through a
# RUNPATH into the Swift toolchain, exports only the C ABI, and loads and runs with
# the toolchain's library directory on no search path.
#
#   check_static_runtime.sh LIB TEST_DLOPEN
set -euo pipefail
lib=$1
test_dlopen=$2
fail=0

# 1. Dependencies: libc, libm, libstdc++, libgcc_s (+ the dynamic loader, and libpthread
#    / libdl / librt where glibc still splits them).
allowed='^(libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1)$'
needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
for n in $needed; do
  if ! [[ $n =~ $allowed ]]; then
    echo "check_static_runtime: $lib needs $n"
    fail=1
  fi
done

# 1b. No undefined symbol of a runtime it does not name: the BLAS linked in statically
#     (libopenblas.a) must be the pthread build, whose sgemm needs neither OpenMP nor
#     libgfortran (Debian's libopenblas-openmp-dev would leave GOMP_* unresolved).
unresolved=$(nm -D --undefined-only "$lib" | awk '{ print $2 }' | grep -E '^(GOMP_|omp_|_gfortran_)' || true)
if [ -n "$unresolved" ]; then
  echo "check_static_runtime: $lib leaves OpenMP/gfortran symbols unresolved:"
  echo "$unresolved" | head -10
  fail=1
fi

# 2. No RUNPATH/RPATH into the Swift toolchain (or anywhere but $ORIGIN).
paths=$(readelf -d "$lib" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p')
for p in ${paths//:/ }; do
  if [ "$p" != '$ORIGIN' ]; then
    echo "check_static_runtime: $lib has a search path $p"
    fail=1
  fi
done

# 3. Only the C ABI is exported.
extra=$(nm -D --defined-only --extern-only "$lib" | awk '$3 !~ /^lrsched_/ && $3 != "LRSCHED_0" { print $3 }')
if [ -n "$extra" ]; then
  echo "check_static_runtime: $lib exports more than lrsched_*:"
  echo "$extra" | head -20
  fail=1
fi

# 4. Every dependency resolves outside the toolchain, with no LD_LIBRARY_PATH.
toolchain_lib=$(dirname "$(dirname "$(command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)")")/lib/swift
if env -u LD_LIBRARY_PATH ldd "$lib" | grep -E "not found|$toolchain_lib|/swift/linux" ; then
  echo "check_static_runtime: $lib resolves a dependency badly (above)"
  fail=1
fi

# 5. dlopen it and run it (the test also checks no Swift runtime gets mapped).
if ! env -u LD_LIBRARY_PATH "$test_dlopen" --self-contained "$lib"; then
  fail=1
fi

if [ $fail -ne 0 ]; then
  exit 1
fi
echo "check_static_runtime: $lib is self-contained (needs: $(echo $needed | tr '\n' ' '))"
