// Market data in memory: one calendar shared by every asset, and per asset the OHLCV fields that
// the source had. Values are aligned to `time`; an absent field is an empty vector.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "finml/core/names.hpp"
#include "finml/data/timestamp.hpp"

namespace finml::data {

enum class Field { kOpen, kHigh, kLow, kClose, kAdjClose, kVolume };

enum class Shape { kOhlcv, kCloseOnly, kWidePanel, kLongPanel };

// The field a column header names: "Open", "Adj Close", "adj_close", "Price" (close), "Vol"...;
// case and surrounding spaces do not matter. None for any other name.
[[nodiscard]] std::optional<Field> FieldFromHeader(std::string_view header);

struct Bars {
  std::string symbol;
  std::vector<double> open, high, low, close, adj_close, volume;

  [[nodiscard]] const std::vector<double>& Get(Field field) const;
  [[nodiscard]] std::vector<double>& Get(Field field);
  [[nodiscard]] bool Has(Field field) const { return !Get(field).empty(); }
};

// One repair applied under a validation policy, reported to the user and recorded in run.json.
struct Repair {
  std::string what;
  std::size_t count = 0;
};

struct MarketData {
  std::string source;  // file the data came from
  Shape shape = Shape::kCloseOnly;
  // False when the source has no calendar dates (an observation number or decimal year): `time`
  // is then the row order and only the labels mean anything to a person.
  bool calendar = true;
  std::vector<Timestamp> time;
  std::vector<std::string> time_label;
  std::vector<Bars> assets;
  std::vector<Repair> repairs;
  // Values kept but suspicious (a close of 1e20): LoadMarketData prints them on stderr.
  std::vector<std::string> warnings;
  // Choices the loader made that the user did not ask for (a column left out, and why).
  std::vector<std::string> notes;
  // The zone `time` is wall-clock time of (empty: as written in the file).
  std::string zone;

  [[nodiscard]] std::size_t rows() const { return time.size(); }
  [[nodiscard]] const Bars& Asset(const std::string& symbol) const;
  [[nodiscard]] std::vector<std::string> Symbols() const;
};

}  // namespace finml::data

template <>
struct finml::EnumNames<finml::data::Field> {
  static constexpr std::string_view what = "price field";
  static constexpr finml::NamedValue<finml::data::Field> values[] = {
      {finml::data::Field::kOpen, "open"},
      {finml::data::Field::kHigh, "high"},
      {finml::data::Field::kLow, "low"},
      {finml::data::Field::kClose, "close"},
      {finml::data::Field::kAdjClose, "adj_close"},
      {finml::data::Field::kVolume, "volume"}};
};

template <>
struct finml::EnumNames<finml::data::Shape> {
  static constexpr std::string_view what = "data shape";
  static constexpr finml::NamedValue<finml::data::Shape> values[] = {
      {finml::data::Shape::kOhlcv, "ohlcv"},
      {finml::data::Shape::kCloseOnly, "close_only"},
      {finml::data::Shape::kWidePanel, "wide_panel"},
      {finml::data::Shape::kLongPanel, "long_panel"},
      {finml::data::Shape::kCloseOnly, "close"},
      {finml::data::Shape::kWidePanel, "wide"},
      {finml::data::Shape::kLongPanel, "long"}};
};
