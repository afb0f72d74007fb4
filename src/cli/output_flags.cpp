#include "commands.hpp"

namespace finml::cli {

void AddOverwriteFlag(CLI::App& app, bool& overwrite) {
  app.add_flag("--overwrite", overwrite,
               "replace --out if it holds an earlier result of finml's; it is replaced whole "
               "(nothing of the earlier run is kept) and only once the new result is complete");
}

}  // namespace finml::cli
