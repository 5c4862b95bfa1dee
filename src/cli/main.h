#pragma once

namespace wisp::cli {
/// The whole CLI: dispatches argv to a command from the table. Exit codes: 0 ok, 1 failure,
/// 2 usage error.
int main(int argc, char** argv);
}  // namespace wisp::cli
