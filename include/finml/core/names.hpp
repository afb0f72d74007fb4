// Names to values, one way everywhere: enums through an EnumNames<E> table next to the enum,
// registries through FindEntry over their table. An unknown name is a ConfigError that suggests
// the closest valid name and lists them all.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace finml {

// "unknown <what> '<name>' (did you mean '<closest>'? valid: a, b, c)"
[[noreturn]] void ThrowUnknownName(std::string_view what, std::string_view name,
                                   const std::vector<std::string>& valid);

template <typename E>
struct NamedValue {
  E value;
  std::string_view name;
};

// Specialise next to an enum: `what` names it in messages, `values` lists (value, name) pairs;
// a value may appear twice, the first name is the one written out, the others are aliases.
template <typename E>
struct EnumNames;

// The written name of each value (aliases are accepted but not listed).
template <typename E>
[[nodiscard]] std::vector<std::string> EnumNameList() {
  std::vector<std::string> names;
  std::vector<E> seen;
  for (const auto& v : EnumNames<E>::values) {
    if (std::find(seen.begin(), seen.end(), v.value) != seen.end()) continue;
    seen.push_back(v.value);
    names.emplace_back(v.name);
  }
  return names;
}

template <typename E>
[[nodiscard]] E ParseEnum(std::string_view name) {
  for (const auto& v : EnumNames<E>::values)
    if (v.name == name) return v.value;
  ThrowUnknownName(EnumNames<E>::what, name, EnumNameList<E>());
}

template <typename E>
[[nodiscard]] std::string EnumName(E value) {
  for (const auto& v : EnumNames<E>::values)
    if (v.value == value) return std::string(v.name);
  return "?";
}

// Registry tables: an Entry has a `name`; entries with an `aliases` member are found by those too.
template <typename Entry>
[[nodiscard]] std::vector<std::string> EntryNames(const std::vector<Entry>& table) {
  std::vector<std::string> names;
  for (const auto& e : table) names.emplace_back(e.name);
  return names;
}

template <typename Entry>
[[nodiscard]] const Entry& FindEntry(const std::vector<Entry>& table, std::string_view name,
                                     std::string_view what) {
  for (const auto& e : table) {
    if (e.name == name) return e;
    if constexpr (requires { e.aliases; }) {
      for (const auto& alias : e.aliases)
        if (alias == name) return e;
    }
  }
  ThrowUnknownName(what, name, EntryNames(table));
}

}  // namespace finml
