# Cross build for 64-bit Arm Linux (Jetson, Graviton, ...) on an x86-64 Debian
# or Ubuntu host: crossbuild-essential-arm64 and the :arm64 dev packages of
# the dependencies (see .ci/aarch64.sh). Tests run through qemu-user.
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(rl_triple aarch64-linux-gnu)

set(CMAKE_C_COMPILER ${rl_triple}-gcc)
set(CMAKE_CXX_COMPILER ${rl_triple}-g++)

# Libraries and CMake packages of the target only; headers from both the
# multiarch tree and /usr/include (Debian keeps arch-independent headers there);
# programs (pkg-config, git, python3) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${rl_triple})
set(CMAKE_LIBRARY_ARCHITECTURE ${rl_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# pkg-config reads the target's .pc files, never the host's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${rl_triple}/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

# ctest runs the target's programs through qemu-user (the CLI test scripts
# through a wrapper, tests/CMakeLists.txt).
find_program(rl_qemu qemu-aarch64-static qemu-aarch64)
if(rl_qemu)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${rl_qemu} -L /usr/${rl_triple})
endif()
