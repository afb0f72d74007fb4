#include "finml/core/cli_options.hpp"

namespace finml {

std::string FlagName(const std::string& key) {
  std::string flag = "--";
  for (char c : key) flag += (c == '_' || c == '.') ? '-' : c;
  return flag;
}

std::string CliFlags::Shown(const options::Json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string out;
    for (const auto& v : value) out += (out.empty() ? "" : ",") + Shown(v);
    return out;
  }
  if (value.is_object()) {
    std::string out;
    for (const auto& [k, v] : value.items()) out += (out.empty() ? "" : ",") + k + "=" + Shown(v);
    return out;
  }
  return value.dump();
}

std::string CliFlags::Help(const std::string& doc, const std::string& type,
                           const std::string& shown) {
  std::string help = doc;
  if (type.find('|') != std::string::npos && type != "true|false") help += " (" + type + ")";
  if (!shown.empty()) help += " [default: " + shown + "]";
  return help;
}

void CliFlags::AddField(CLI::App& app, const std::string& key,
                        const std::vector<std::string>& flags,
                        const std::vector<std::pair<std::string, std::string>>& switches,
                        options::FlagShape shape, const std::string& help, bool required,
                        bool whole_items) {
  // Switches are collected after the field's own flag, so `--on --off` ends off.
  if (flags.empty()) {
    AddSwitches(app, key, shape, switches);
    return;
  }
  std::string names;
  for (const auto& f : flags) names += (names.empty() ? "" : ",") + f;
  auto b = std::make_unique<Binding>();
  b->key = key;
  b->flag = flags.front();
  b->whole_items = whole_items;
  for (std::size_t i = 1; i < flags.size(); ++i) b->flag += "/" + flags[i];
  b->shape = shape;
  if (shape == options::FlagShape::kBool) {
    // --allow-short, or --allow-short=false
    b->option = app.add_option(names, b->values, help)
                    ->expected(0, 1)
                    ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
                    ->type_name("[true|false]");
  } else if (shape == options::FlagShape::kList) {
    b->option =
        app.add_option(names, b->values,
                       help + (whole_items ? " (repeat)" : " (repeat, or separate with commas)"))
            ->type_name("LIST");
  } else {
    b->option = app.add_option(names, b->values, help)
                    ->expected(1)
                    ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
                    ->type_name("VALUE");
  }
  if (required) b->option->required();
  bindings_.push_back(std::move(b));
  AddSwitches(app, key, shape, switches);
}

void CliFlags::AddSwitches(CLI::App& app, const std::string& key, options::FlagShape shape,
                           const std::vector<std::pair<std::string, std::string>>& switches) {
  for (const auto& [flag, value] : switches) {
    auto s = std::make_unique<Binding>();
    s->key = key;
    s->flag = flag;
    s->shape = shape;
    s->switched = true;
    s->sets = {{key, value}};
    s->option = app.add_flag(flag)->description(fmt::format("sets {} to {}", key, value));
    bindings_.push_back(std::move(s));
  }
}

CliFlags& CliFlags::AddSet(CLI::App& app, const std::string& help) {
  auto kv = std::make_unique<KeyValues>();
  kv->flag = "--set";
  app.add_option("--set", kv->values, help)->type_name("KEY=VALUE");
  key_values_.push_back(std::move(kv));
  return *this;
}

CliFlags& CliFlags::AddKeyValues(CLI::App& app, const std::string& flag, const std::string& section,
                                 const std::string& help) {
  auto kv = std::make_unique<KeyValues>();
  kv->flag = flag;
  kv->section = section;
  app.add_option(flag, kv->values, help)->type_name("KEY=VALUE");
  key_values_.push_back(std::move(kv));
  return *this;
}

CLI::Option* CliFlags::AddShortcut(CLI::App& app, const std::string& flag, const std::string& key,
                                   std::vector<std::pair<std::string, std::string>> also,
                                   const std::string& help) {
  auto b = std::make_unique<Binding>();
  b->key = key;
  b->flag = flag;
  b->shape = options::FlagShape::kValue;
  b->sets = std::move(also);
  b->option = app.add_option(flag, b->values, help)
                  ->expected(1)
                  ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
                  ->type_name("FILE");
  CLI::Option* option = b->option;
  bindings_.push_back(std::move(b));
  return option;
}

bool CliFlags::Given(const std::string& key) const {
  for (const auto& b : bindings_)
    if (b->key == key && b->option->count() > 0) return true;
  return false;
}

ConfigNode CliFlags::Collect(ConfigNode base) const {
  if (base.IsNull()) base = ConfigNode::Map(base.where());
  for (const auto& b : bindings_) {
    if (b->option->count() == 0) continue;
    const std::string where = b->flag;
    if (b->switched) {
      for (const auto& [key, value] : b->sets) base.SetPath(key, ConfigNode::Scalar(value, where));
      continue;
    }
    for (const auto& [key, value] : b->sets) base.SetPath(key, ConfigNode::Scalar(value, where));
    if (b->shape == options::FlagShape::kBool) {
      const bool bare = b->values.empty() || b->values.back().empty();
      base.SetPath(b->key, ConfigNode::Scalar(bare ? "true" : b->values.back(), where));
    } else if (b->shape == options::FlagShape::kList && (b->values.size() > 1 || b->whole_items)) {
      ConfigNode list = ConfigNode::List(where);
      for (const auto& v : b->values) {
        for (const auto& item :
             options::ListItems(ConfigNode::Scalar(v, where), b->key, b->whole_items))
          list.Append(item);
      }
      base.SetPath(b->key, list);
    } else {
      base.SetPath(b->key, ConfigNode::Scalar(b->values.back(), where));
    }
  }
  for (const auto& kv : key_values_) {
    for (const auto& text : kv->values) {
      const auto eq = text.find('=');
      const std::string where = fmt::format("{} {}", kv->flag, text);
      if (eq == std::string::npos || eq == 0)
        throw ConfigError(fmt::format("{}: write KEY=VALUE, e.g. {} {}", where, kv->flag,
                                      kv->section.empty() ? "max_weight=0.1" : "l2=0.5"));
      const std::string key = text.substr(0, eq);
      const std::string path = kv->section.empty() ? key : kv->section + "." + key;
      base.SetPath(path, ConfigNode::FromText(text.substr(eq + 1), where));
    }
  }
  return base;
}

}  // namespace finml
