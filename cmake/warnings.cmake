# Warnings are errors: a warning today is a bug report tomorrow.
# (The clang fuzz build keeps the warnings but not -Werror: g++ builds are the gate.)
function(wisp_warnings target)
  if(NOT WISP_FUZZ)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                         -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual
                         -Wimplicit-fallthrough -Wno-missing-field-initializers
                         # No -Wnull-dereference: g++ 12 reports paths inside nlohmann::json and
                         # CLI11 at -O2 that cannot happen, and which ones depends on inlining.
                         # g++ 12 at -O3 reports std::string concatenations as overlapping memcpy
                         # (GCC bug 105329): a false positive, not a finding.
                         $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
endfunction()
