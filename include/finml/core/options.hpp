// One declaration per option. A component declares its settings once, as a Schema over its
// options struct: each field's name, type (the member's), default (the struct's initialiser, or a
// prototype's), bounds or valid names, and one line of documentation. From that declaration come
// the strict reading of experiment files, command-line flags (core/cli_options.hpp) and --set
// overrides, every check with the file:line:col (or flag) of the value at fault, the effective
// configuration that --print-config shows and run.json records, and the help text.
//
//   const options::Schema<VarSection>& VarSection::Schema() {
//     static const auto schema = [] {
//       options::Schema<VarSection> s;
//       s.Add("window", &VarSection::window, "returns in each estimation window").Min(20);
//       s.Add("ewma_lambda", &VarSection::ewma_lambda, "EWMA decay").Above(0).Below(1)
//           .Flag("--lambda");
//       return s;
//     }();
//     return schema;
//   }
//
// A field's value type picks its reading: bool, integers, doubles, strings, enums with an
// EnumNames table, std::optional (null, or a declared word such as "auto", means unset),
// std::vector (a YAML list, or one comma-separated scalar), ordered maps
// std::vector<std::pair<std::string, V>>, structs with their own Schema(), and ConfigNode (kept
// as given, with its places, for a component that reads it later).
#pragma once

#include <concepts>
#include <functional>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "finml/core/config_node.hpp"
#include "finml/core/names.hpp"

namespace finml::options {

using Json = nlohmann::ordered_json;

// Numeric bounds: [lo, hi], either end open or absent.
struct Bounds {
  std::optional<double> lo, hi;
  bool lo_open = false, hi_open = false;
  [[nodiscard]] bool Contains(double v) const;
  [[nodiscard]] std::string Describe() const;  // ">= 1", "in (0, 1)", "<= 4096"
};

// What a codec may need from its field beyond the type.
struct FieldRules {
  Bounds bounds;
  // Strings drawn from a set (a registry's names): the canonical name of a given one, throwing a
  // ConfigError that lists the valid ones.
  std::function<std::string(const std::string&)> canonical;
  std::string null_word;  // optional values: the text that means unset ("auto", "none")
  // Lists: one scalar is one item, even with commas in it (a shock "AA=-0.2,KO=-0.1").
  bool whole_items = false;
};

// Scalar readers; each failure is node.Fail naming the path.
[[nodiscard]] bool ReadBool(const ConfigNode& node, const std::string& path);
[[nodiscard]] long long ReadInteger(const ConfigNode& node, const std::string& path);
[[nodiscard]] unsigned long long ReadUnsigned(const ConfigNode& node, const std::string& path);
[[nodiscard]] double ReadDouble(const ConfigNode& node, const std::string& path);
[[nodiscard]] std::string ReadString(const ConfigNode& node, const std::string& path);
void CheckBounds(double value, const FieldRules& rules, const ConfigNode& node,
                 const std::string& path);
// The items of a list; a scalar is split at commas (one flag can carry a list: --level
// 0.99,0.975) unless `whole`; null is empty.
[[nodiscard]] std::vector<ConfigNode> ListItems(const ConfigNode& node, const std::string& path,
                                                bool whole = false);
// Re-throws a ConfigError from a name lookup at the node's place.
[[noreturn]] void RethrowAt(const ConfigNode& node, const std::string& path, const Error& e);

template <typename T>
class Schema;

template <typename T>
concept HasSchema = requires {
  { T::Schema() } -> std::same_as<const Schema<T>&>;
};
template <typename E>
concept NamedEnum = std::is_enum_v<E> && requires {
  EnumNames<E>::values;
};

template <typename V>
struct Codec;

template <>
struct Codec<bool> {
  static bool Read(const ConfigNode& n, const std::string& path, const FieldRules&) {
    return ReadBool(n, path);
  }
  static Json Write(bool v) { return v; }
  static std::string Type() { return "true|false"; }
};

template <std::integral V>
requires(!std::same_as<V, bool>) struct Codec<V> {
  static V Read(const ConfigNode& n, const std::string& path, const FieldRules& rules) {
    if constexpr (std::is_signed_v<V>) {
      const long long v = ReadInteger(n, path);
      if (v < static_cast<long long>(std::numeric_limits<V>::min()) ||
          v > static_cast<long long>(std::numeric_limits<V>::max()))
        throw n.Fail(fmt::format("'{}' is out of range ({})", path, v));
      CheckBounds(static_cast<double>(v), rules, n, path);
      return static_cast<V>(v);
    } else {
      const unsigned long long v = ReadUnsigned(n, path);
      if (v > static_cast<unsigned long long>(std::numeric_limits<V>::max()))
        throw n.Fail(fmt::format("'{}' is out of range ({})", path, v));
      CheckBounds(static_cast<double>(v), rules, n, path);
      return static_cast<V>(v);
    }
  }
  static Json Write(V v) { return v; }
  static std::string Type() { return "integer"; }
};

template <std::floating_point V>
struct Codec<V> {
  static V Read(const ConfigNode& n, const std::string& path, const FieldRules& rules) {
    const double v = ReadDouble(n, path);
    CheckBounds(v, rules, n, path);
    return static_cast<V>(v);
  }
  static Json Write(V v) { return v; }
  static std::string Type() { return "number"; }
};

template <>
struct Codec<std::string> {
  static std::string Read(const ConfigNode& n, const std::string& path, const FieldRules& rules) {
    std::string v = ReadString(n, path);
    if (rules.canonical) {
      try {
        v = rules.canonical(v);
      } catch (const Error& e) {
        RethrowAt(n, path, e);
      }
    }
    return v;
  }
  static Json Write(const std::string& v) { return v; }
  static std::string Type() { return "text"; }
};

template <NamedEnum E>
struct Codec<E> {
  static E Read(const ConfigNode& n, const std::string& path, const FieldRules&) {
    const std::string text = ReadString(n, path);
    try {
      return ParseEnum<E>(text);
    } catch (const Error& e) {
      RethrowAt(n, path, e);
    }
  }
  static Json Write(E v) { return EnumName(v); }
  static std::string Type() { return JoinNames(EnumNameList<E>()); }
  static std::string JoinNames(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : "|") + n;
    return out;
  }
};

template <typename V>
struct IsOptional : std::false_type {};
template <typename V>
struct IsOptional<std::optional<V>> : std::true_type {};
template <typename V>
struct IsVector : std::false_type {};
template <typename V>
struct IsVector<std::vector<V>> : std::true_type {};
// An optional section (std::optional of a struct with a Schema): absent means none, a bare key
// (null) means every default.
template <typename V>
struct IsOptionalSection : std::false_type {};
template <HasSchema S>
struct IsOptionalSection<std::optional<S>> : std::true_type {};

template <typename V>
struct Codec<std::optional<V>> {
  static std::optional<V> Read(const ConfigNode& n, const std::string& path,
                               const FieldRules& rules) {
    if constexpr (HasSchema<V>) {
      if (n.IsNull()) return V::Schema().Parse(n, path);
    }
    if (n.IsNull()) return std::nullopt;
    if (!rules.null_word.empty() && n.IsScalar() && n.text() == rules.null_word)
      return std::nullopt;
    return Codec<V>::Read(n, path, rules);
  }
  static Json Write(const std::optional<V>& v, const FieldRules& rules) {
    if (v) return Codec<V>::Write(*v);
    return rules.null_word.empty() ? Json() : Json(rules.null_word);
  }
  static std::string Type() { return Codec<V>::Type(); }
};

template <typename V>
struct Codec<std::vector<V>> {
  static std::vector<V> Read(const ConfigNode& n, const std::string& path,
                             const FieldRules& rules) {
    std::vector<V> out;
    const auto items = ListItems(n, path, rules.whole_items);
    for (std::size_t i = 0; i < items.size(); ++i)
      out.push_back(Codec<V>::Read(items[i], fmt::format("{}[{}]", path, i), rules));
    return out;
  }
  static Json Write(const std::vector<V>& v) {
    Json arr = Json::array();
    for (const auto& item : v) arr.push_back(Codec<V>::Write(item));
    return arr;
  }
  static std::string Type() { return "list of " + Codec<V>::Type(); }
};

// An ordered mapping: a YAML mapping, or "A=0.5,B=0.5" from a flag.
template <typename V>
struct Codec<std::vector<std::pair<std::string, V>>> {
  using Pairs = std::vector<std::pair<std::string, V>>;
  static Pairs Read(const ConfigNode& n, const std::string& path, const FieldRules& rules);
  static Json Write(const Pairs& v) {
    Json obj = Json::object();
    for (const auto& [key, value] : v) obj[key] = Codec<V>::Write(value);
    return obj;
  }
  static std::string Type() { return "mapping of name to " + Codec<V>::Type(); }
};

template <HasSchema S>
struct Codec<S> {
  static S Read(const ConfigNode& n, const std::string& path, const FieldRules&) {
    return S::Schema().Parse(n, path);
  }
  static Json Write(const S& v) { return S::Schema().ToJson(v); }
  static std::string Type() { return "mapping"; }
};

// Kept as given, places included, for a component that reads it later (a model's params).
template <>
struct Codec<ConfigNode> {
  static ConfigNode Read(const ConfigNode& n, const std::string&, const FieldRules&) { return n; }
  static Json Write(const ConfigNode& v) { return v.ToJson(); }
  static std::string Type() { return "mapping"; }
};

// Untyped: read as YAML types it, written back as is (a component checks it in a Finish step).
template <>
struct Codec<nlohmann::json> {
  static nlohmann::json Read(const ConfigNode& n, const std::string&, const FieldRules&) {
    return n.ToJson();
  }
  static Json Write(const nlohmann::json& v) { return Json::parse(v.dump()); }
  static std::string Type() { return "mapping"; }
};

// A canonical-name function for a string drawn from a fixed set.
[[nodiscard]] std::function<std::string(const std::string&)> OneOf(std::vector<std::string> names,
                                                                   std::string what);

template <typename V>
Json WriteValue(const V& v, const FieldRules& rules) {
  if constexpr (requires { Codec<V>::Write(v, rules); }) {
    return Codec<V>::Write(v, rules);
  } else {
    return Codec<V>::Write(v);
  }
}

// How a field shows on the command line.
enum class FlagShape { kValue, kBool, kList, kNone };

template <typename T>
class FieldBase {
 public:
  virtual ~FieldBase() = default;
  virtual void Read(const ConfigNode& node, const std::string& path, T& target) const = 0;
  [[nodiscard]] virtual Json Write(const T& value) const = 0;
  // False for an unset optional section, which ToJson leaves out.
  [[nodiscard]] virtual bool Present(const T&) const { return true; }
  [[nodiscard]] virtual FlagShape Shape() const = 0;
  [[nodiscard]] virtual std::string Type() const = 0;

  std::string name;
  std::string doc;
  std::vector<std::string> flags;  // extra command-line names ("--lambda")
  std::vector<std::pair<std::string, std::string>> switches;  // flag without value -> value
  bool required = false;
  bool flag = true;          // declared as --name on command lines that take this schema
  bool whole_items = false;  // see FieldRules
  // Shown as the default in help when it depends on other settings (a Finish step fills it).
  std::string default_text;
};

template <typename T, typename V>
class Field final : public FieldBase<T> {
 public:
  Field(std::string name, V T::*member, std::string doc) : member_(member) {
    this->name = std::move(name);
    this->doc = std::move(doc);
  }
  void Read(const ConfigNode& node, const std::string& path, T& target) const override {
    try {
      target.*member_ = Codec<V>::Read(node, path, rules_);
    } catch (const ConfigError& e) {
      if (hint_.empty()) throw;
      throw ConfigError(std::string(e.what()) + "; " + hint_);
    }
  }
  [[nodiscard]] Json Write(const T& value) const override {
    return WriteValue(value.*member_, rules_);
  }
  [[nodiscard]] bool Present(const T& value) const override {
    if constexpr (IsOptionalSection<V>::value) return (value.*member_).has_value();
    return true;
  }
  [[nodiscard]] FlagShape Shape() const override {
    if constexpr (std::same_as<V, bool>)
      return FlagShape::kBool;
    else if constexpr (HasSchema<V> || std::same_as<V, ConfigNode> ||
                       std::same_as<V, nlohmann::json> || IsOptionalSection<V>::value)
      return FlagShape::kNone;
    else if constexpr (IsVector<V>::value)  // NAME=VALUE pairs too: --sector-cap A=0.3 --sector-cap
                                            // B=0.2
      return FlagShape::kList;
    else
      return FlagShape::kValue;
  }
  [[nodiscard]] std::string Type() const override { return Codec<V>::Type(); }

  Field& Min(double v) { return Lower(v, false); }
  Field& Above(double v) { return Lower(v, true); }
  Field& Max(double v) { return Upper(v, false); }
  Field& Below(double v) { return Upper(v, true); }
  // The value is one of a registry's names; `canonical` resolves aliases and rejects the rest.
  Field& Names(std::function<std::string(const std::string&)> canonical) {
    rules_.canonical = std::move(canonical);
    return *this;
  }
  Field& NullWord(std::string word) {
    rules_.null_word = std::move(word);
    return *this;
  }
  Field& Flag(std::string flag) {
    this->flags.push_back(std::move(flag));
    return *this;
  }
  Field& Switch(std::string flag, std::string value) {
    this->switches.emplace_back(std::move(flag), std::move(value));
    return *this;
  }
  Field& Required() {
    this->required = true;
    return *this;
  }
  Field& NoFlag() {
    this->flag = false;
    return *this;
  }
  // Each list item is one value even if it has commas (each flag occurrence is one item).
  Field& WholeItems() {
    rules_.whole_items = true;
    this->whole_items = true;
    return *this;
  }
  Field& DefaultText(std::string text) {
    this->default_text = std::move(text);
    return *this;
  }
  // Added to a value's parse error: what the user probably meant, where the valid names alone
  // would mislead.
  Field& Hint(std::string hint) {
    hint_ = std::move(hint);
    return *this;
  }

 private:
  Field& Lower(double v, bool open) {
    rules_.bounds.lo = v;
    rules_.bounds.lo_open = open;
    return *this;
  }
  Field& Upper(double v, bool open) {
    rules_.bounds.hi = v;
    rules_.bounds.hi_open = open;
    return *this;
  }
  V T::*member_;
  FieldRules rules_;
  std::string hint_;
};

// A field of a sub-schema read into a member of T: how Embed flattens one struct into another.
template <typename T, typename S>
class EmbeddedField final : public FieldBase<T> {
 public:
  EmbeddedField(const FieldBase<S>* inner, S T::*member) : inner_(inner), member_(member) {
    this->name = inner->name;
    this->doc = inner->doc;
    this->flags = inner->flags;
    this->switches = inner->switches;
    this->required = inner->required;
    this->flag = inner->flag;
    this->default_text = inner->default_text;
    this->whole_items = inner->whole_items;
  }
  void Read(const ConfigNode& node, const std::string& path, T& target) const override {
    inner_->Read(node, path, target.*member_);
  }
  [[nodiscard]] Json Write(const T& value) const override { return inner_->Write(value.*member_); }
  [[nodiscard]] bool Present(const T& value) const override {
    return inner_->Present(value.*member_);
  }
  [[nodiscard]] FlagShape Shape() const override { return inner_->Shape(); }
  [[nodiscard]] std::string Type() const override { return inner_->Type(); }

 private:
  const FieldBase<S>* inner_;
  S T::*member_;
};

// "unknown key 'k' in 'path' (did you mean ...? valid: ...)", at the key's place, then `hint`
// when there is one.
[[noreturn]] void ThrowUnknownKey(const ConfigNode& map, std::size_t index, const std::string& path,
                                  const std::vector<std::string>& keys,
                                  const std::string& hint = "");
[[nodiscard]] std::string JoinPath(const std::string& path, const std::string& key);

template <typename T>
class Schema {
 public:
  Schema() = default;
  Schema(Schema&&) noexcept = default;
  Schema& operator=(Schema&&) noexcept = default;

  template <typename V>
  Field<T, V>& Add(std::string name, V T::*member, std::string doc) {
    auto field = std::make_unique<Field<T, V>>(std::move(name), member, std::move(doc));
    Field<T, V>& ref = *field;
    fields_.push_back(std::move(field));
    return ref;
  }

  // Every field of `sub` at this level, read into `member` (a component's options inside another
  // component's, such as the training loop's inside a model's parameters). The sub-schema's
  // finishing steps and rules run on the member too.
  template <typename S>
  Schema& Embed(S T::*member, const Schema<S>& sub) {
    for (const auto& f : sub.fields())
      fields_.push_back(std::make_unique<EmbeddedField<T, S>>(f.get(), member));
    for (const auto& finish : sub.finishers()) {
      finishers_.push_back([finish, member](T& t, const ConfigNode& n, const std::string& path) {
        finish(t.*member, n, path);
      });
    }
    for (const auto& rule : sub.rules())
      rules_.push_back(
          {rule.key, [ok = rule.ok, member](const T& t) { return ok(t.*member); }, rule.problem});
    return *this;
  }

  // After the given keys are read: defaults that depend on other values, and values a component
  // reads itself. `node` is the section as given (node.Has("weight_decay") tells whether a key
  // was), `path` its name in messages.
  using Finisher = std::function<void(T&, const ConfigNode&, const std::string&)>;
  Schema& Finish(Finisher finish) {
    finishers_.push_back(std::move(finish));
    return *this;
  }

  // A check over several values, after Finish; its failure is reported at `key`'s value when the
  // key was given, else at the section, as "'path.key': problem".
  Schema& Rule(std::string key, std::function<bool(const T&)> ok, std::string problem) {
    rules_.push_back({std::move(key), std::move(ok), std::move(problem)});
    return *this;
  }

  // A scalar in place of the mapping stands for {key: scalar} (`models: [ar, lstm]`).
  Schema& ScalarKey(std::string key) {
    scalar_key_ = std::move(key);
    return *this;
  }
  // Added to an unknown key's error: where such a key probably belongs.
  Schema& UnknownKeyHint(std::string hint) {
    unknown_key_hint_ = std::move(hint);
    return *this;
  }

  // Reads `node` (a mapping; null means every default) over `value`, whose members are the
  // defaults. `path` names the section in messages ("split", "models[2].params").
  [[nodiscard]] T Parse(const ConfigNode& node, const std::string& path, T value = T{}) const {
    ConfigNode map = node;
    if (node.IsScalar() && !scalar_key_.empty()) {
      map = ConfigNode::Map(node.where());
      map.Set(scalar_key_, node);
    } else if (node.IsNull()) {
      map = ConfigNode::Map(node.where());
    } else if (!node.IsMap()) {
      throw node.Fail(fmt::format("'{}' must be a mapping of keys (valid: {})",
                                  path.empty() ? "the configuration" : path, KeyList()));
    }
    for (std::size_t i = 0; i < map.size(); ++i)
      if (!FindField(map.key(i))) ThrowUnknownKey(map, i, path, Keys(), unknown_key_hint_);
    for (const auto& f : fields_) {
      if (const ConfigNode* given = map.Find(f->name)) {
        f->Read(*given, JoinPath(path, f->name), value);
      } else if (f->required) {
        throw map.Fail(fmt::format("'{}' is required: {}", JoinPath(path, f->name), f->doc));
      }
    }
    for (const auto& finish : finishers_) finish(value, map, path);
    for (const auto& rule : rules_) {
      if (rule.ok(value)) continue;
      const ConfigNode* at = map.Find(rule.key);
      throw(at ? *at : map).Fail(fmt::format("'{}': {}", JoinPath(path, rule.key), rule.problem));
    }
    return value;
  }

  // Every field with its value, in declaration order (unset optional sections left out).
  [[nodiscard]] Json ToJson(const T& value) const {
    Json out = Json::object();
    for (const auto& f : fields_)
      if (f->Present(value)) out[f->name] = f->Write(value);
    return out;
  }

  [[nodiscard]] std::vector<std::string> Keys() const {
    std::vector<std::string> keys;
    for (const auto& f : fields_) keys.push_back(f->name);
    return keys;
  }
  [[nodiscard]] const std::vector<std::unique_ptr<FieldBase<T>>>& fields() const { return fields_; }

  struct RuleEntry {
    std::string key;
    std::function<bool(const T&)> ok;
    std::string problem;
  };
  [[nodiscard]] const std::vector<Finisher>& finishers() const { return finishers_; }
  [[nodiscard]] const std::vector<RuleEntry>& rules() const { return rules_; }

 private:
  [[nodiscard]] const FieldBase<T>* FindField(const std::string& key) const {
    for (const auto& f : fields_)
      if (f->name == key) return f.get();
    return nullptr;
  }
  [[nodiscard]] std::string KeyList() const {
    std::string out;
    for (const auto& f : fields_) out += (out.empty() ? "" : ", ") + f->name;
    return out;
  }

  std::vector<std::unique_ptr<FieldBase<T>>> fields_;
  std::vector<Finisher> finishers_;
  std::vector<RuleEntry> rules_;
  std::string scalar_key_;
  std::string unknown_key_hint_;
};

template <typename V>
auto Codec<std::vector<std::pair<std::string, V>>>::Read(const ConfigNode& n,
                                                         const std::string& path,
                                                         const FieldRules& rules) -> Pairs {
  Pairs out;
  if (n.IsNull()) return out;
  if (n.IsMap()) {
    for (std::size_t i = 0; i < n.size(); ++i)
      out.emplace_back(n.key(i), Codec<V>::Read(n.value(i), JoinPath(path, n.key(i)), rules));
    return out;
  }
  for (const ConfigNode& item : ListItems(n, path)) {
    const std::string text = ReadString(item, path);
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
      throw item.Fail(fmt::format("'{}': write NAME=VALUE pairs, e.g. AAPL=0.5,MSFT=0.5 (got '{}')",
                                  path, text));
    const std::string key = text.substr(0, eq);
    out.emplace_back(key, Codec<V>::Read(ConfigNode::Scalar(text.substr(eq + 1), item.where()),
                                         JoinPath(path, key), rules));
  }
  return out;
}

}  // namespace finml::options
