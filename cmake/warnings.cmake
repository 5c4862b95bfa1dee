# Warnings are errors: a warning today is a bug report tomorrow.
function(wisp_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror -Wshadow
                         -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual
                         -Wnull-dereference -Wimplicit-fallthrough -Wno-missing-field-initializers)
endfunction()
