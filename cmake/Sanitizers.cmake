# Instrumented builds, each in its own build folder:
#   VS_SANITIZE=address,undefined  every target (libraries, tests, the
#       video-service binary the tests spawn) under ASan + UBSan;
#       `scripts/test.sh --sanitize` uses build-sanitize.
#   VS_FUZZ=ON  the libFuzzer targets in fuzz/ (clang only), libraries built
#       with coverage instrumentation; `scripts/fuzz.sh` uses build-fuzz.
set(VS_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined (empty: none)")
option(VS_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)

if(VS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "VS_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  if(NOT VS_SANITIZE)
    set(VS_SANITIZE address,undefined)
  endif()
  # Coverage feedback for every library the targets call; the targets
  # themselves link with -fsanitize=fuzzer (fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(VS_SANITIZE)
  message(STATUS "Sanitizers: ${VS_SANITIZE}")
  # Frame pointers give whole stacks in reports at little cost.
  add_compile_options(-fsanitize=${VS_SANITIZE} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${VS_SANITIZE})
  if(VS_SANITIZE MATCHES "undefined")
    # A UBSan finding aborts the process, so the test (or fuzz run) that hit it fails.
    add_compile_options(-fno-sanitize-recover=undefined)
    if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
      # Benign reports inside third-party headers, each explained in the file.
      add_compile_options(-fsanitize-ignorelist=${CMAKE_CURRENT_LIST_DIR}/sanitizers/ubsan.ignorelist)
    else()
      message(WARNING "VS_SANITIZE with ${CMAKE_CXX_COMPILER_ID}: cmake/sanitizers/ubsan.ignorelist needs clang, so "
                      "CAF's benign null-reference report aborts every actor spawn; configure with clang++")
    endif()
  endif()
endif()
