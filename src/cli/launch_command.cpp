#include <cstdio>
#include <string>

#include "commands.hpp"
#include "finml/dist/launch.hpp"

namespace finml::cli {

void SetupLaunch(CLI::App& app, LaunchCommandOptions& o) {
  o.launch.Add(app, dist::LaunchSettings::Schema(), {});
  // Everything after -- is the ranks' command, its own flags included.
  app.prefix_command();
  app.footer("the command every rank runs follows --");
}

int RunLaunch(const LaunchCommandOptions& o, const CLI::App& app) {
  const auto s = dist::LaunchSettings::Schema().Parse(
      o.launch.Collect(ConfigNode::Map("finml launch")), "", {});
  std::vector<std::string> command = app.remaining();
  if (!command.empty() && command.front() == "--") command.erase(command.begin());
  const auto exits = dist::Launch(s, command);
  const auto& first = exits.front();
  if (first.code == 0 && first.signal == 0) return 0;
  std::string others;
  for (std::size_t i = 1; i < exits.size(); ++i) others += "; " + dist::Describe(exits[i]);
  std::fprintf(stderr, "finml launch: %s, the first to fail%s\n", dist::Describe(first).c_str(),
               others.c_str());
  return 1;
}

}  // namespace finml::cli
