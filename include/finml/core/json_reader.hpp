// Reading a JSON document that a user may have edited (a saved model's state, a manifest): every
// access checks type, size and range, and a failure is an InvalidInput naming the file, the
// field's path and what is wrong, so a corrupted model directory is refused instead of crashing
// or predicting nonsense.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "finml/core/error.hpp"
#include "finml/core/names.hpp"

namespace finml {

// nlohmann::json::parse keeps the last of a repeated key; JSON leaves its meaning open, so a
// request or a model file that says one thing twice is refused, as an experiment file is. Throws
// nlohmann's parse errors for invalid JSON, and InvalidInput naming the first repeated key.
[[nodiscard]] nlohmann::json ParseJsonOnceKeyed(std::string_view text);

class JsonReader {
 public:
  // `file` names the document in messages; `path` the field within it ("" for the root).
  JsonReader(const nlohmann::json& value, std::string file, std::string path = "");
  // Parses `text` (the contents of `file`); invalid JSON, or a key given twice in one object, is
  // an InvalidInput naming the file.
  [[nodiscard]] static nlohmann::json Parse(const std::string& text, const std::string& file);

  [[nodiscard]] bool Has(std::string_view key) const;
  // A required member of an object.
  [[nodiscard]] JsonReader operator[](std::string_view key) const;
  // An item of an array (checked against its size).
  [[nodiscard]] JsonReader At(std::size_t index) const;
  // The size of an array that must hold at most `max` items.
  [[nodiscard]] std::size_t Size(std::size_t max) const;

  [[nodiscard]] double Number() const;  // finite
  [[nodiscard]] double Number(double lo, double hi) const;
  [[nodiscard]] std::int64_t Integer(std::int64_t lo, std::int64_t hi) const;
  [[nodiscard]] bool Bool() const;
  [[nodiscard]] std::string String(std::size_t max_length = 1024) const;
  [[nodiscard]] std::vector<double> Numbers(std::size_t max) const;  // each finite
  [[nodiscard]] std::vector<std::string> Strings(std::size_t max) const;

  [[nodiscard]] const nlohmann::json& raw() const { return value_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  // InvalidInput: "<file>: field '<path>' <problem> (fix: ...)".
  [[noreturn]] void Fail(const std::string& problem) const;

 private:
  const nlohmann::json& value_;
  std::string file_, path_;
};

// A name of an EnumNames enum, read and checked at its field.
template <typename E>
[[nodiscard]] E ParseEnumAt(const JsonReader& field) {
  const std::string name = field.String();
  try {
    return ParseEnum<E>(name);
  } catch (const Error& e) {
    field.Fail(e.what());
  }
}

}  // namespace finml
