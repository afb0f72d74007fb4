#include "finml/core/json_reader.hpp"

#include <cmath>
#include <unordered_set>

#include "finml/core/error.hpp"

namespace finml {
namespace {

std::string Shown(const nlohmann::json& v) {
  std::string text = v.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

}  // namespace

JsonReader::JsonReader(const nlohmann::json& value, std::string file, std::string path)
    : value_(value), file_(std::move(file)), path_(std::move(path)) {}

nlohmann::json ParseJsonOnceKeyed(std::string_view text) {
  using Event = nlohmann::json::parse_event_t;
  std::vector<std::unordered_set<std::string>> open_objects;
  const nlohmann::json::parser_callback_t once = [&](int, Event event, nlohmann::json& parsed) {
    if (event == Event::object_start) {
      open_objects.emplace_back();
    } else if (event == Event::object_end) {
      open_objects.pop_back();
    } else if (event == Event::key) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(key).second) {
        std::string shown = key.size() > 60 ? key.substr(0, 57) + "..." : key;
        throw InvalidInput(fmt::format(
            "the key '{}' appears twice in one object (JSON does not say which one counts)",
            shown));
      }
    }
    return true;
  };
  return nlohmann::json::parse(text, once);
}

nlohmann::json JsonReader::Parse(const std::string& text, const std::string& file) {
  try {
    return ParseJsonOnceKeyed(text);
  } catch (const nlohmann::json::exception& e) {
    throw InvalidInput(
        fmt::format("{}: not valid JSON ({}) (fix: restore the file from the run "
                    "that wrote it, or train again)",
                    file, e.what()));
  } catch (const InvalidInput& e) {
    throw InvalidInput(
        fmt::format("{}: {} (fix: restore the file from the run that wrote it, or "
                    "train again)",
                    file, e.what()));
  }
}

void JsonReader::Fail(const std::string& problem) const {
  throw InvalidInput(
      fmt::format("{}: field '{}' {} (fix: restore the file from the run that "
                  "wrote it, or train again)",
                  file_, path_.empty() ? "(the document)" : path_, problem));
}

bool JsonReader::Has(std::string_view key) const {
  return value_.is_object() && value_.contains(key);
}

JsonReader JsonReader::operator[](std::string_view key) const {
  if (!value_.is_object()) Fail("must be an object");
  auto it = value_.find(key);
  const std::string child = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  if (it == value_.end()) JsonReader(value_, file_, child).Fail("is missing");
  return JsonReader(*it, file_, child);
}

JsonReader JsonReader::At(std::size_t index) const {
  if (!value_.is_array()) Fail("must be an array");
  if (index >= value_.size())
    Fail(fmt::format("has {} items, item {} is needed", value_.size(), index));
  return JsonReader(value_[index], file_, fmt::format("{}[{}]", path_, index));
}

std::size_t JsonReader::Size(std::size_t max) const {
  if (!value_.is_array()) Fail(fmt::format("must be an array, got {}", Shown(value_)));
  if (value_.size() > max)
    Fail(fmt::format("has {} items, more than the {} allowed", value_.size(), max));
  return value_.size();
}

double JsonReader::Number() const {
  if (!value_.is_number()) Fail(fmt::format("must be a number, got {}", Shown(value_)));
  const double v = value_.get<double>();
  if (!std::isfinite(v)) Fail("must be a finite number");
  return v;
}

double JsonReader::Number(double lo, double hi) const {
  const double v = Number();
  if (v < lo || v > hi) Fail(fmt::format("is {}; it must be in [{}, {}]", v, lo, hi));
  return v;
}

std::int64_t JsonReader::Integer(std::int64_t lo, std::int64_t hi) const {
  if (!value_.is_number_integer() && !value_.is_number_unsigned())
    Fail(fmt::format("must be a whole number, got {}", Shown(value_)));
  if (value_.is_number_unsigned() &&
      value_.get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    Fail(fmt::format("is {}; it must be in [{}, {}]", Shown(value_), lo, hi));
  const std::int64_t v = value_.get<std::int64_t>();
  if (v < lo || v > hi) Fail(fmt::format("is {}; it must be in [{}, {}]", v, lo, hi));
  return v;
}

bool JsonReader::Bool() const {
  if (!value_.is_boolean()) Fail(fmt::format("must be true or false, got {}", Shown(value_)));
  return value_.get<bool>();
}

std::string JsonReader::String(std::size_t max_length) const {
  if (!value_.is_string()) Fail(fmt::format("must be text, got {}", Shown(value_)));
  const auto& s = value_.get_ref<const std::string&>();
  if (s.size() > max_length)
    Fail(fmt::format("is {} characters long, more than the {} allowed", s.size(), max_length));
  return s;
}

std::vector<double> JsonReader::Numbers(std::size_t max) const {
  const std::size_t n = Size(max);
  std::vector<double> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(At(i).Number());
  return out;
}

std::vector<std::string> JsonReader::Strings(std::size_t max) const {
  const std::size_t n = Size(max);
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(At(i).String());
  return out;
}

}  // namespace finml
