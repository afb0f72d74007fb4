// Market data in memory: one calendar shared by every asset, and per asset the OHLCV fields that
// the source had. Values are aligned to `time`; an absent field is an empty vector.
#pragma once

#include <string>
#include <vector>

#include "finml/data/timestamp.hpp"

namespace finml::data {

enum class Field { kOpen, kHigh, kLow, kClose, kAdjClose, kVolume };
[[nodiscard]] const char* FieldName(Field field);

enum class Shape { kOhlcv, kCloseOnly, kWidePanel, kLongPanel };
[[nodiscard]] const char* ShapeName(Shape shape);

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

  [[nodiscard]] std::size_t rows() const { return time.size(); }
  [[nodiscard]] const Bars& Asset(const std::string& symbol) const;
  [[nodiscard]] std::vector<std::string> Symbols() const;
};

}  // namespace finml::data
