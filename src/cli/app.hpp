// The whole finml command line as one call, for the binary's main() and for the Python module.
#pragma once

namespace finml::cli {

// kPrint: errors become one "finml: error: ..." line on stderr and an exit code, as a shell
// expects. kThrow: they propagate as finml::Error (usage mistakes as ConfigError), so the caller
// can turn them into its own exceptions with the same message.
enum class CommandErrors { kPrint, kThrow };

// argv[0] is the program name, as in main(). Returns the exit code.
int RunCommandLine(int argc, char** argv, CommandErrors errors);

}  // namespace finml::cli
