// The fast reader of a table's rows: the data section is cut into chunks at line ends, each chunk
// is parsed on a thread of its own straight into columns, and one pass joins the chunks in file
// order with the line numbers no chunk could know alone. finml's other work is single-threaded;
// this uses every core because reading a large file is the one step a user waits on.
//
// It takes the usual file (a single table of calendar times, no quotes) and gives the serial
// reader's result for any thread count. Anything else, and any problem at all, it hands back to
// ReadRowsSerial, which reads the file again and reports the first problem exactly as before.
#include <fast_float/fast_float.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <system_error>
#include <thread>

#include "finml/core/cores.hpp"
#include "finml/core/error.hpp"
#include "finml/core/strings.hpp"
#include "loading.hpp"

namespace finml::data::loading {

unsigned ParseThreads(std::size_t bytes) {
  constexpr std::size_t kMinChunkBytes = std::size_t{1} << 19;
  const std::size_t chunks = bytes / kMinChunkBytes;
  // A small input is one chunk: no need to read the affinity mask and the cgroup files.
  if (chunks <= 1) return 1;
  return static_cast<unsigned>(std::min<std::size_t>(chunks, UsableCores()));
}

void RunParallel(unsigned count, const std::function<void(unsigned)>& task) {
  std::vector<std::exception_ptr> errors(count);
  auto guarded = [&](unsigned i) {
    try {
      task(i);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  // Reserved first: a vector growing under emplace_back could throw with threads running,
  // whose destruction while joinable would terminate the process.
  threads.reserve(count);
  for (unsigned i = 1; i < count; ++i) {
    try {
      threads.emplace_back(guarded, i);
    } catch (...) {
      guarded(i);  // no thread to be had: the caller does this part too
    }
  }
  if (count > 0) guarded(0);
  for (auto& thread : threads) thread.join();
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
}

namespace {

// One chunk's rows, with line numbers counted from the chunk's start.
struct Chunk {
  Table table;
  std::size_t newlines = 0;
  std::set<std::int64_t> offsets;
  bool naive_times = false;
  bool timed = false;
  bool taken = false;  // false: the serial reader must read the file
};

// The last day and month seen: bars of one day share their first ten characters, daily bars of
// one month their first eight.
struct DateCache {
  std::string_view day;  // "YYYY-MM-DD" of the last date-time
  Timestamp day_midnight = 0;
  std::string_view month;        // "YYYY-MM-" of the last date alone
  Timestamp month_midnight = 0;  // of its first day
  int month_days = 0;
};

bool Digits2(const char* p, int& out) {
  if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9') return false;
  out = (p[0] - '0') * 10 + (p[1] - '0');
  return true;
}

// A date ParseTime has read: its day and month (year and month are known to be digits).
void Remember(std::string_view label, const ParsedTime& parsed, DateCache& cache) {
  if (parsed.has_time) {
    cache.day = label.substr(0, 10);
    cache.day_midnight = ParseTime(cache.day)->time;
    return;
  }
  int century = 0, year = 0, month = 0;
  (void)Digits2(&label[0], century);
  (void)Digits2(&label[2], year);
  (void)Digits2(&label[5], month);
  const CivilDate first{century * 100 + year, static_cast<unsigned>(month), 1};
  const CivilDate next =
      month == 12 ? CivilDate{first.year + 1, 1, 1} : CivilDate{first.year, first.month + 1, 1};
  cache.month = label.substr(0, 8);
  cache.month_midnight = DaysFromCivil(first) * kSecondsPerDay;
  cache.month_days = static_cast<int>(DaysFromCivil(next) - DaysFromCivil(first));
}

// ParseTime(Trim(label)), quicker for "YYYY-MM-DD HH:MM:SS" on a day already seen and
// "YYYY-MM-DD" in a month already seen: the two cases it computes itself are ones ParseTime
// reads to the same result (no offset, no fraction; a day's midnight grows by a day per day).
std::optional<ParsedTime> ReadTime(std::string_view label, DateCache& cache) {
  int hour = 0, minute = 0, second = 0, day = 0;
  if (label.size() == 19 && !cache.day.empty() && label.compare(0, 10, cache.day) == 0 &&
      (label[10] == ' ' || label[10] == 'T') && label[13] == ':' && label[16] == ':' &&
      Digits2(&label[11], hour) && Digits2(&label[14], minute) && Digits2(&label[17], second) &&
      hour <= 23 && minute <= 59 && second <= 60) {
    return ParsedTime{cache.day_midnight + hour * 3600 + minute * 60 + second, std::nullopt, true};
  }
  if (label.size() == 10 && !cache.month.empty() && label.compare(0, 8, cache.month) == 0 &&
      Digits2(&label[8], day) && day >= 1 && day <= cache.month_days) {
    return ParsedTime{cache.month_midnight + (day - 1) * kSecondsPerDay, std::nullopt, false};
  }
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  if (!label.empty() && (is_space(label.front()) || is_space(label.back())))
    return ParseTime(Trim(label));
  auto parsed = ParseTime(label);
  if (parsed && (parsed->has_time || label.size() == 10)) Remember(label, *parsed, cache);
  return parsed;
}

bool EndsField(const char* p, const char* end) {
  return p == end || *p == ',' || *p == '\n' || *p == '\r';
}

// Parses one chunk: records exactly as CsvReader splits them (a field ends at a comma, \r or \n;
// blank lines are skipped), but a quote anywhere gives the chunk up.
class ChunkParser {
 public:
  ChunkParser(const ColumnPlan& plan, const std::vector<std::string>& header,
              const LoadOptions& options, const std::string& file)
      : plan_(plan), header_(header), options_(options), file_(file) {
    const bool by_symbol_columns =
        plan.shape == Shape::kWidePanel || plan.shape == Shape::kCloseOnly;
    role_.assign(header.size(), kSkip);
    std::size_t k = 0;
    if (by_symbol_columns) {
      for (const auto& entry : plan.symbol_columns) role_[entry.second] = static_cast<int>(k++);
    } else {
      for (const auto& entry : plan.fields) role_[entry.second] = static_cast<int>(k++);
    }
    role_[plan.date_col] = kDate;
    values_.resize(k);
  }

  // `expected_bytes`: the text the table will grow to hold (the first chunk's takes the others').
  void Parse(std::string_view text, std::size_t expected_bytes, Chunk& chunk) {
    chunk.table = Table(values_.size());
    const char* p = text.data();
    const char* const end = p + text.size();
    try {
      while (true) {
        while (p < end && (*p == '\n' || *p == '\r')) chunk.newlines += *p++ == '\n' ? 1 : 0;
        if (p >= end) break;
        const char* const start = p;
        if (!ParseRecord(p, end, chunk)) return;
        // A guess from the first record, capped: a short first row before huge ones must not
        // reserve for hundreds of millions of rows (the vectors still grow as needed).
        if (chunk.table.size() == 1)
          Reserve(chunk.table, std::min<std::size_t>(
                                   expected_bytes / static_cast<std::size_t>(p - start + 1) * 9 / 8,
                                   kMaxReservedRows));
        if (p < end && *p == '\r') ++p;
        if (p < end && *p == '\n') {
          ++p;
          ++chunk.newlines;
        }
      }
    } catch (const DataError&) {
      return;  // a value the checks refuse: the serial reader names it
    } catch (const std::bad_alloc&) {
      return;  // the serial reader decides what to say about a file this large
    }
    chunk.taken = true;
  }

 private:
  static constexpr std::size_t kMaxReservedRows = std::size_t{1} << 24;
  static constexpr int kSkip = -1;
  static constexpr int kDate = -2;

  static void Reserve(Table& table, std::size_t rows) {
    table.time.reserve(rows);
    table.line.reserve(rows);
    table.label.reserve(rows);
    table.naive.reserve(rows);
    for (auto& column : table.values) column.reserve(rows);
  }

  // Moves p to the end of the field that starts there; false at a quote.
  static bool SkipField(const char*& p, const char* end) {
    while (!EndsField(p, end)) {
      if (*p == '"') return false;
      ++p;
    }
    return true;
  }

  // Most cells are short decimals such as 123.45: at most 15 digits make an integer below 2^53
  // and their decimals a power of ten below 10^16, both exact in a double, so one division
  // rounds the value correctly (Clinger's fast path, taken by fast_float and strtod too).
  static bool ReadShortDecimal(const char*& p, const char* end, double& value) {
    static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char* q = p;
    const bool negative = q < end && *q == '-';
    if (negative) ++q;
    std::uint64_t digits = 0;
    int count = 0;
    const auto read_digits = [&] {
      const char* const from = q;
      for (; q < end && *q >= '0' && *q <= '9' && count <= 15; ++q, ++count)
        digits = digits * 10 + static_cast<std::uint64_t>(*q - '0');
      return static_cast<int>(q - from);
    };
    if (read_digits() == 0) return false;
    int decimals = 0;
    if (q < end && *q == '.') {
      ++q;
      decimals = read_digits();
    }
    if (count > 15 || digits == 0 || !EndsField(q, end)) return false;
    value = static_cast<double>(digits) / kPow10[decimals];
    if (negative) value = -value;
    p = q;
    return true;
  }

  // The usual cell, a plain number, is read in the same pass that finds its end; any other
  // (spaces, '+', a missing marker, zero) goes through ReadNumber like the serial reader's.
  static bool ParseValue(const char*& p, const char* end, double& value) {
    if (ReadShortDecimal(p, end, value)) return true;
    if (p < end && ((*p >= '0' && *p <= '9') || *p == '-' || *p == '.')) {
      const auto [stop, ec] = fast_float::from_chars(p, end, value);
      if (ec == std::errc() && EndsField(stop, end) && std::isfinite(value) && value != 0) {
        p = stop;
        return true;
      }
    }
    const char* const start = p;
    if (!SkipField(p, end)) return false;
    const auto number = ReadNumber(std::string_view(start, static_cast<std::size_t>(p - start)));
    if (!number) return false;
    value = *number;
    return true;
  }

  bool ParseRecord(const char*& p, const char* end, Chunk& chunk) {
    std::optional<ParsedTime> time;
    std::string_view label;
    for (std::size_t col = 0; col < role_.size(); ++col) {
      if (col > 0) {
        if (p == end || *p != ',') return false;  // fewer fields than the header
        ++p;
      }
      const int role = role_[col];
      if (role >= 0) {
        if (!ParseValue(p, end, values_[static_cast<std::size_t>(role)])) return false;
        continue;
      }
      const char* const start = p;
      if (!SkipField(p, end)) return false;
      if (role == kDate) {
        label = std::string_view(start, static_cast<std::size_t>(p - start));
        time = ReadTime(label, cache_);
        if (!time) return false;  // not a date: a numbered file, or an error to report
      }
    }
    if (p < end && *p == ',') return false;  // more fields than the header
    if (!options_.signed_values) CheckRowValues(plan_, values_.data(), 0, file_, header_);
    Table& table = chunk.table;
    table.time.push_back(time->time);
    table.line.push_back(chunk.newlines);
    table.label.push_back(label);
    table.naive.push_back(time->offset ? 0 : 1);
    for (std::size_t k = 0; k < values_.size(); ++k) table.values[k].push_back(values_[k]);
    chunk.timed |= time->has_time;
    if (time->offset) {
      chunk.offsets.insert(*time->offset);
    } else {
      chunk.naive_times = true;
    }
    return true;
  }

  const ColumnPlan& plan_;
  const std::vector<std::string>& header_;
  const LoadOptions& options_;
  const std::string& file_;
  std::vector<int> role_;  // per column: the value's index in plan order, kDate or kSkip
  std::vector<double> values_;
  DateCache cache_;
};

// Chunk starts: just after a line end, so no record is cut (a quoted line end would be, but a
// quote gives its chunks up).
std::vector<std::size_t> ChunkStarts(std::string_view data, unsigned threads) {
  std::vector<std::size_t> starts{0};
  for (unsigned i = 1; i < threads; ++i) {
    const std::size_t target = std::max(starts.back(), data.size() / threads * i);
    const std::size_t newline = data.find('\n', target);
    if (newline == std::string_view::npos) break;
    starts.push_back(newline + 1);
  }
  starts.push_back(data.size());
  return starts;
}

template <typename T>
void Append(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

// The ordering pass: the other chunks' columns after the first's (which has room reserved for
// them), each row's line made absolute.
Table JoinChunks(std::vector<Chunk>& chunks, std::size_t first_line) {
  Table table = std::move(chunks.front().table);
  for (auto& line : table.line) line += first_line;
  std::size_t line_at = first_line + chunks.front().newlines;
  for (std::size_t i = 1; i < chunks.size(); ++i) {
    const Table& part = chunks[i].table;
    for (const std::size_t line : part.line) table.line.push_back(line + line_at);
    line_at += chunks[i].newlines;
    Append(table.time, part.time);
    Append(table.label, part.label);
    Append(table.naive, part.naive);
    for (std::size_t k = 0; k < part.values.size(); ++k) Append(table.values[k], part.values[k]);
  }
  return table;
}

}  // namespace

std::optional<ParsedRows> ReadRowsInParallel(std::string_view data, std::size_t first_line,
                                             const ColumnPlan& plan,
                                             const std::vector<std::string>& header,
                                             const LoadOptions& options, const std::string& file,
                                             unsigned threads) {
  if (plan.shape == Shape::kLongPanel || header.empty()) return std::nullopt;
  const std::vector<std::size_t> starts = ChunkStarts(data, std::max(threads, 1u));
  std::vector<Chunk> chunks(starts.size() - 1);
  RunParallel(static_cast<unsigned>(chunks.size()), [&](unsigned i) {
    const std::size_t bytes = starts[i + 1] - starts[i];
    ChunkParser(plan, header, options, file)
        .Parse(data.substr(starts[i], bytes), i == 0 ? data.size() : bytes, chunks[i]);
  });
  ParsedRows out;
  for (const auto& chunk : chunks) {
    if (!chunk.taken) return std::nullopt;
    out.offsets.insert(chunk.offsets.begin(), chunk.offsets.end());
    out.naive_times |= chunk.naive_times;
    out.timed |= chunk.timed;
  }
  out.table = JoinChunks(chunks, first_line);
  if (out.table.size() == 0) return std::nullopt;  // no rows: the serial reader says so
  out.calendar = true;
  out.count = out.table.size();
  return out;
}

}  // namespace finml::data::loading
