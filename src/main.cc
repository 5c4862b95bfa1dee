#include "cli/main.h"

int main(int argc, char** argv) { return wisp::cli::main(argc, argv); }
