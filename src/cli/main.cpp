// finml: the command line, with errors as one clear line and an exit code.
#include "app.hpp"

int main(int argc, char** argv) {
  return finml::cli::RunCommandLine(argc, argv, finml::cli::CommandErrors::kPrint);
}
