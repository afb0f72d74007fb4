#include "finml/data/time_zone.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <chrono>

#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"

namespace finml::data {
namespace {

const date::time_zone* Named(const void* zone) { return static_cast<const date::time_zone*>(zone); }

// "+02:00", "-0330", "+5", after an optional "UTC"/"GMT" prefix.
std::optional<std::int64_t> ParseOffset(std::string_view text) {
  if (text.size() < 2 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  const int sign = text[0] == '-' ? -1 : 1;
  std::string digits;
  for (char c : text.substr(1)) {
    if (c == ':') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
  }
  int hours = 0, minutes = 0;
  if (digits.size() == 1 || digits.size() == 2) {
    hours = std::stoi(digits);
  } else if (digits.size() == 3 || digits.size() == 4) {
    hours = std::stoi(digits.substr(0, digits.size() - 2));
    minutes = std::stoi(digits.substr(digits.size() - 2));
  } else {
    return std::nullopt;
  }
  if (hours > 14 || minutes > 59) return std::nullopt;
  return sign * (hours * 3600 + minutes * 60);
}

}  // namespace

Zone Zone::FixedOffset(std::int64_t seconds) {
  Zone z;
  z.kind_ = Kind::kFixed;
  z.offset_ = seconds;
  if (seconds == 0) {
    z.name_ = "UTC";
  } else {
    const std::int64_t a = seconds < 0 ? -seconds : seconds;
    z.name_ = fmt::format("{}{:02d}:{:02d}", seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  }
  return z;
}

Zone Zone::Parse(const std::string& raw, const std::string& what) {
  const std::string text = Trim(raw);
  if (text.empty()) return Zone{};
  const std::string lower = ToLower(text);
  if (lower == "utc" || lower == "z" || lower == "gmt") return FixedOffset(0);
  std::string_view rest = text;
  if (lower.rfind("utc", 0) == 0 || lower.rfind("gmt", 0) == 0) rest.remove_prefix(3);
  if (auto offset = ParseOffset(rest)) return FixedOffset(*offset);
  // The database refuses names it does not list, so an untrusted name cannot reach a path.
  if (text.size() > 64) {
    throw InvalidInput(fmt::format("{}: '{}...' is not a time zone", what, Excerpt(text)));
  }
  try {
    Zone z;
    z.zone_ = date::locate_zone(text);
    z.kind_ = Kind::kNamed;
    z.name_ = Named(z.zone_)->name();
    return z;
  } catch (const std::exception&) {
    throw InvalidInput(
        fmt::format("{}: '{}' is not a time zone (fix: an IANA name such as Europe/Zurich or "
                    "America/New_York, UTC, or an offset such as +02:00)",
                    what, Excerpt(text)));
  }
}

Timestamp Zone::ToLocal(Timestamp utc) const {
  switch (kind_) {
    case Kind::kNone:
      return utc;
    case Kind::kFixed:
      return utc + offset_;
    case Kind::kNamed:
      break;
  }
  const date::sys_seconds instant{std::chrono::seconds{utc}};
  return utc + Named(zone_)->get_info(instant).offset.count();
}

Timestamp Zone::FromLocal(Timestamp local, bool* skipped, std::optional<Timestamp> after) const {
  if (skipped) *skipped = false;
  switch (kind_) {
    case Kind::kNone:
      return local;
    case Kind::kFixed:
      return local - offset_;
    case Kind::kNamed:
      break;
  }
  const date::local_seconds wall{std::chrono::seconds{local}};
  const auto info = Named(zone_)->get_info(wall);
  if (info.result == date::local_info::nonexistent) {
    if (skipped) *skipped = true;
    return std::chrono::duration_cast<std::chrono::seconds>(info.first.end.time_since_epoch())
        .count();
  }
  const Timestamp earliest = local - info.first.offset.count();
  if (info.result == date::local_info::ambiguous && after && earliest <= *after)
    return local - info.second.offset.count();
  return earliest;
}

}  // namespace finml::data
