// The zone market times are read and shown in. A Timestamp in MarketData is the wall-clock time
// of that zone stored as if it were UTC, so day boundaries, labels and joins with other files all
// mean the local day; a Zone converts true instants (UTC) to and from it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "finml/data/timestamp.hpp"

namespace finml::data {

class Zone {
 public:
  // Times as written: no conversion.
  Zone() = default;
  // "UTC" (or "Z"), a fixed offset ("+02:00", "-0330", "UTC+2"), or a name of the IANA
  // database ("Europe/Zurich", "America/New_York"). Throws InvalidInput naming `what`.
  static Zone Parse(const std::string& text, const std::string& what);
  static Zone FixedOffset(std::int64_t seconds);

  [[nodiscard]] bool IsNone() const { return kind_ == Kind::kNone; }
  // Daylight saving or other changes of offset: local times can repeat or be skipped.
  [[nodiscard]] bool HasTransitions() const { return kind_ == Kind::kNamed; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] Timestamp ToLocal(Timestamp utc) const;
  // A local time that occurs twice (daylight saving ends) is read as the first, or as the second
  // when the first is not after `after` (the previous row: a file in time order repeats the
  // hour); one that never occurs (it begins) as the instant the clock jumped over it, and
  // `skipped` says so.
  [[nodiscard]] Timestamp FromLocal(Timestamp local, bool* skipped = nullptr,
                                    std::optional<Timestamp> after = std::nullopt) const;

 private:
  enum class Kind { kNone, kFixed, kNamed };
  Kind kind_ = Kind::kNone;
  std::int64_t offset_ = 0;
  const void* zone_ = nullptr;  // a date::time_zone, owned by the database
  std::string name_;
};

}  // namespace finml::data
