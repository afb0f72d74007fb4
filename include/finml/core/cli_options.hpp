// Command-line flags derived from option schemas (core/options.hpp): a field `ewma_lambda`
// becomes --ewma-lambda (plus any alias it declares, such as --lambda), its help the field's doc
// and default. Values are collected as text with the flag as their place and read by the same
// schema as an experiment file, so a flag and a YAML key accept the same values and fail with the
// same message. --set key=value reaches any key, dotted for nested ones (--set scorecard.pdo=30),
// and reads its value with the YAML flow syntax of an experiment file.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "finml/core/config_node.hpp"
#include "finml/core/options.hpp"

namespace finml {

// The dashed flag of a key: "ewma_lambda" -> "--ewma-lambda".
[[nodiscard]] std::string FlagName(const std::string& key);

class CliFlags {
 public:
  // One flag per field of `schema`, named after the field (plus its aliases and switches); the
  // values go under `prefix` ("data.") when the schema is a section of the command's
  // configuration. `skip` leaves fields out.
  template <typename T>
  CliFlags& Add(CLI::App& app, const options::Schema<T>& schema, const T& defaults = T{},
                const std::string& prefix = "", const std::vector<std::string>& skip = {}) {
    const options::Json values = schema.ToJson(defaults);
    for (const auto& f : schema.fields()) {
      if (f->Shape() == options::FlagShape::kNone) continue;
      if (std::find(skip.begin(), skip.end(), f->name) != skip.end()) continue;
      std::vector<std::string> names = f->flags;
      if (f->flag) names.insert(names.begin(), FlagName(f->name));
      const std::string shown = !f->default_text.empty()   ? f->default_text
                                : values.contains(f->name) ? Shown(values[f->name])
                                                           : "";
      AddField(app, prefix + f->name, names, f->switches, f->Shape(),
               Help(f->doc, f->Type(), shown), f->required, f->whole_items);
    }
    return *this;
  }
  // --set KEY=VALUE, repeatable.
  CliFlags& AddSet(CLI::App& app, const std::string& help);
  // FLAG KEY=VALUE (repeatable) sets `section`.KEY: credit's --param l2=0.5.
  CliFlags& AddKeyValues(CLI::App& app, const std::string& flag, const std::string& section,
                         const std::string& help);
  // A flag whose value sets `key` (and the switches of `also` to fixed values): a shortcut such
  // as `--returns FILE` for {path: FILE, kind: returns}. Returns the option (for excludes()).
  CLI::Option* AddShortcut(CLI::App& app, const std::string& flag, const std::string& key,
                           std::vector<std::pair<std::string, std::string>> also,
                           const std::string& help);

  // The flags given, over `base` (an experiment file's tree, or an empty mapping); --set last.
  [[nodiscard]] ConfigNode Collect(ConfigNode base = ConfigNode::Map("")) const;
  // Whether any flag bound to `key` was given.
  [[nodiscard]] bool Given(const std::string& key) const;

 private:
  struct Binding {
    std::string key;
    std::string flag;
    options::FlagShape shape;
    std::vector<std::string> values;
    bool switched = false;
    bool whole_items = false;                               // a list whose items may contain commas
    std::vector<std::pair<std::string, std::string>> sets;  // key -> value when given
    CLI::Option* option = nullptr;
  };
  void AddField(CLI::App& app, const std::string& key, const std::vector<std::string>& flags,
                const std::vector<std::pair<std::string, std::string>>& switches,
                options::FlagShape shape, const std::string& help, bool required, bool whole_items);
  void AddSwitches(CLI::App& app, const std::string& key, options::FlagShape shape,
                   const std::vector<std::pair<std::string, std::string>>& switches);
  static std::string Shown(const options::Json& value);
  static std::string Help(const std::string& doc, const std::string& type,
                          const std::string& shown);

  std::vector<std::unique_ptr<Binding>> bindings_;
  struct KeyValues {
    std::string flag, section;
    std::vector<std::string> values;
  };
  std::vector<std::unique_ptr<KeyValues>> key_values_;
};

}  // namespace finml
