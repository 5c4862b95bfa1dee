// Running a helper program (gpgv) and collecting what it printed. No shell is involved: argv is
// passed as is, so no quoting problems and no injection.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace wisp {

struct ProcessOutput {
  int exit_code = 0;   // 128 + signal when killed by one
  std::string out;     // stdout (up to 64 MiB)
  std::string err;     // stderr (up to 1 MiB)
};

/// Runs argv[0] (searched on PATH) with stdin from /dev/null. Errc::not_found when the program
/// is not on PATH, Errc::io when it cannot be started. A non-zero exit is not an error here.
Result<ProcessOutput> run_process(const std::vector<std::string>& argv);

}  // namespace wisp
